// The first hardened trial's grants, from what the image did under plain docker: a tmpfs on each
// folder it wrote (exec where it wrote code there, sized from what it wrote), and the user its
// processes ran as. Also the users worth a trial later, each with its evidence, in order.
import type { Account } from '../diagnose/symptoms.js';
import { parseBytes } from '../docker/units.js';
import type { Evidence, TmpfsGrant } from './grants.js';
import type { Reference } from './reference.js';
import type { WrittenFolder } from './writes.js';

const MIB = 1024 * 1024;

/** tmpfs grants for every folder the reference wrote; `policySize`: the policy's tmpfs size (e.g. 64m). */
export function writtenTmpfs(reference: Reference, policySize: string): TmpfsGrant[] {
  return reference.writes.folders.map((f) => {
    const size = tmpfsSize(f, policySize);
    const exec = f.executables.length === 0 ? undefined : { value: 'exec', why: `under plain docker it wrote ${f.executables.slice(0, 3).join(', ')} there: a program or shared object it runs or maps` };
    const referenceOwner = f.owner === undefined || f.owner.uid === 0 ? undefined : `uid=${f.owner.uid},gid=${f.owner.gid}`;
    return { value: f.path, why: `under plain docker ${f.why}`, options: size === undefined ? [] : [`size=${size}`], exec, referenceOwner, owner: undefined };
  });
}

/**
 * Room for what it wrote: one and a half times the bytes found there plus 16 MiB, in whole
 * 16 MiB, when that is more than the policy's size (varnish's working folder holds 81 MB of
 * shared memory files after start; at 64 MB it fails with "Child failed on launch: Success").
 */
export function tmpfsSize(folder: WrittenFolder, policySize: string): string | undefined {
  const need = Math.ceil((folder.bytes * 1.5 + 16 * MIB) / (16 * MIB)) * 16;
  const have = parseBytes(policySize);
  return have !== undefined && have > 0 && need * MIB <= have ? undefined : `${need}m`;
}

/** The non-root users its processes ran as under plain docker, by pid. */
export function processUsers(reference: Reference): Evidence[] {
  return reference.processes.flatMap((row) => {
    if (row.euid === 0) return [];
    const account = reference.accounts.find((a) => a.uid === row.euid);
    const gid = row.egid === 0 ? (account?.gid ?? row.euid) : row.egid;
    return [{ value: `${row.euid}:${gid}`, why: `under plain docker its process ${shortArgs(row.args)} ran as ${nameOf(account, row.euid)}` }];
  });
}

/** The users its processes ran as, then the owners of the folders it wrote: each uid once. */
export function userCandidates(reference: Reference): Evidence[] {
  const out: Evidence[] = processUsers(reference);
  for (const f of reference.writes.folders) {
    if (f.owner === undefined || f.owner.uid === 0) continue;
    const account = reference.accounts.find((a) => a.uid === f.owner?.uid);
    out.push({ value: `${f.owner.uid}:${account?.gid ?? f.owner.gid}`, why: `${f.path}, where it writes, belongs to ${nameOf(account, f.owner.uid)}` });
  }
  // One trial per user: the first group found for it.
  const uid = (c: Evidence): string => c.value.split(':')[0] ?? '';
  return out.filter((c, i) => out.findIndex((o) => uid(o) === uid(c)) === i);
}

function nameOf(account: Account | undefined, uid: number): string {
  return account === undefined ? `uid ${uid}` : `${account.name} (uid ${uid})`;
}

function shortArgs(args: string): string {
  const words = args.split(' ');
  return `'${words.slice(0, 3).join(' ')}${words.length > 3 ? ' ...' : ''}'`;
}
