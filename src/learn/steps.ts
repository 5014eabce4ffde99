// From a failed trial to the smallest next grant, in the order the hardening prefers: a tmpfs
// on the deepest folder a write was refused in, then a user taken from the image (the owner of
// what it failed to open, an account its log names, the account its processes drop to), and
// only when no non-root user is left, root with the capabilities its refused operations need.
import { dirname } from 'node:path';
import { ownerEntry } from '../diagnose/files.js';
import { tmpfsFolder } from '../diagnose/folders.js';
import { OPERATION_CAPS, namedAccounts, type Account, type Symptom } from '../diagnose/symptoms.js';
import { HARMLESS_CAPS, isRoot, type Evidence, type Grants } from './grants.js';
import type { TrialResult } from './trial.js';

/** Capabilities a root process needs to switch to its own user: tried to observe which one. */
export const SWITCH_CAPS = ['CHOWN', 'SETUID', 'SETGID', 'DAC_OVERRIDE', 'FOWNER', 'SYS_CHROOT'];

export type Step =
  | { readonly kind: 'tmpfs'; readonly add: readonly Evidence[] }
  | { readonly kind: 'user'; readonly user: Evidence }
  | { readonly kind: 'observe' }
  | { readonly kind: 'caps'; readonly user: Evidence | undefined; readonly add: readonly Evidence[] }
  | { readonly kind: 'stuck'; readonly reason: string };

export interface Knowledge {
  readonly accounts: readonly Account[];
  /** The user's own --user: learn never changes it. */
  readonly userGiven: boolean;
  readonly triedUsers: Set<string>;
  /** uids seen running processes in an observation trial. */
  observed: number[] | undefined;
  /** Folders of the image's service accounts (/run/NAME, /var/lib/NAME, ...) that they own. */
  readonly serviceFolders: readonly { readonly path: string; readonly account: Account }[];
  /** The user a trial runs as when learn grants none (the policy's, or the user's --user). */
  readonly defaultUser: string;
}

export function nextStep(result: TrialResult, grants: Grants, known: Knowledge): Step {
  const tmpfs = uniqueValues([...tmpfsNeeded(result, grants), ...runtimeFolders(result, grants, known)]);
  if (tmpfs.length > 0) return { kind: 'tmpfs', add: tmpfs };
  if (!known.userGiven && !isRoot(grants)) {
    const user = userCandidate(result, known);
    if (user !== undefined) return { kind: 'user', user };
    if (known.observed === undefined) return { kind: 'observe' };
  }
  return capsStep(result, grants, known);
}

/** tmpfs folders for writes the read-only root (or a root-owned folder) refused. */
function tmpfsNeeded(result: TrialResult, grants: Grants): Evidence[] {
  const granted = new Set(grants.tmpfs.map((g) => g.value));
  const found = new Map<string, Evidence>();
  for (const symptom of result.symptoms) {
    if (symptom.path === undefined) continue;
    const writeRefused = symptom.kind === 'read-only' || symptom.kind === 'cannot-write' || (symptom.kind === 'permission' && rootOwnedFolder(symptom, result));
    if (!writeRefused) continue;
    const folder = tmpfsFolder(symptom, result.files);
    if (folder === undefined || granted.has(folder) || [...granted].some((g) => folder.startsWith(`${g}/`))) continue;
    if (!found.has(folder)) found.set(folder, { value: folder, why: symptom.line.trim() });
  }
  return [...found.values()];
}

function uniqueValues(grants: readonly Evidence[]): Evidence[] {
  return grants.filter((g, i) => grants.findIndex((other) => other.value === g.value) === i);
}

/** A write refused without a path ("Unable to write pid file."): the run user's own folders under /run. */
function runtimeFolders(result: TrialResult, grants: Grants, known: Knowledge): Evidence[] {
  const pathless = result.symptoms.find((s) => s.path === undefined && (s.kind === 'cannot-write' || s.kind === 'read-only'));
  if (pathless === undefined) return [];
  const uid = Number((grants.user?.value ?? known.defaultUser).split(':')[0]);
  const granted = new Set(grants.tmpfs.map((g) => g.value));
  return known.serviceFolders
    .filter((f) => /^\/(var\/)?run\//.test(f.path) && (uid === 0 || f.account.uid === uid) && !granted.has(f.path))
    .map((f) => ({ value: f.path, why: `${pathless.line.trim()} (no path given; ${f.path} is ${f.account.name}'s runtime folder)` }));
}

/** EACCES on a path whose folder root owns: the run user cannot create files there. */
function rootOwnedFolder(symptom: Symptom, result: TrialResult): boolean {
  const path = symptom.path as string;
  const self = result.files.get(path)?.[0];
  // An existing file it may not open is about that file's owner, not about a folder to write in.
  if (self !== undefined && self.type !== 'dir') return false;
  const folder = self?.type === 'dir' ? self : result.files.get(dirname(path))?.[0];
  return folder !== undefined && folder.uid === 0;
}

function userCandidate(result: TrialResult, known: Knowledge): Evidence | undefined {
  const candidates: Evidence[] = [];
  for (const symptom of result.symptoms) {
    const owner = symptom.path === undefined ? undefined : ownerEntry(result.files, symptom.path);
    if (owner !== undefined && owner.uid !== 0 && (symptom.kind === 'permission' || symptom.kind === 'not-permitted')) {
      candidates.push({ value: `${owner.uid}:${owner.gid}`, why: `${symptom.path ?? ''} belongs to uid ${owner.uid}: ${symptom.line.trim()}` });
    }
  }
  const complaints = result.symptoms.filter((s) => s.kind !== 'read-only').map((s) => s.line);
  for (const account of namedAccounts(complaints, known.accounts)) {
    candidates.push({ value: `${account.uid}:${account.gid}`, why: `its log names the account ${account.name}: ${complaints.find((l) => l.includes(account.name))?.trim() ?? ''}` });
  }
  for (const uid of known.observed ?? []) {
    const account = known.accounts.find((a) => a.uid === uid);
    candidates.push({ value: `${uid}:${account?.gid ?? uid}`, why: `started as root, its processes switch to ${account?.name ?? `uid ${uid}`}` });
  }
  for (const { path, account } of known.serviceFolders) {
    candidates.push({ value: `${account.uid}:${account.gid}`, why: `the image's ${path} belongs to ${account.name}` });
  }
  return candidates.find((c) => !known.triedUsers.has(c.value));
}

/** Root with the capabilities the refused operations need; what the rule table refuses is never granted. */
function capsStep(result: TrialResult, grants: Grants, known: Knowledge): Step {
  if (known.userGiven && !isRoot(grants) && grants.user === undefined) {
    return { kind: 'stuck', reason: `it fails with your --user (${result.failure ?? 'unknown'}); learn does not change a user you chose` };
  }
  const have = new Set(grants.caps.map((g) => g.value));
  const wanted = new Map<string, Evidence>();
  for (const symptom of result.symptoms.filter((s) => s.kind === 'not-permitted' || s.kind === 'permission')) {
    const caps = symptom.kind === 'permission' ? ['DAC_OVERRIDE'] : OPERATION_CAPS[symptom.operation ?? 'other'];
    const refused = caps.find((cap) => !HARMLESS_CAPS.has(cap));
    if (refused !== undefined) return { kind: 'stuck', reason: `it needs ${refused}, which sdocker refuses (${symptom.line.trim()})` };
    for (const cap of caps) if (!have.has(cap) && !wanted.has(cap)) wanted.set(cap, { value: cap, why: symptom.line.trim() });
  }
  const root = isRoot(grants) ? undefined : { value: '0:0', why: `no non-root user of the image works (${result.failure ?? 'it failed'})` };
  if (wanted.size === 0 && root === undefined) {
    const untried = SWITCH_CAPS.filter((cap) => !have.has(cap));
    if (untried.length === 0) return { kind: 'stuck', reason: `it still fails as root with ${[...have].join(', ')}: ${result.failure ?? ''}` };
    for (const cap of untried) wanted.set(cap, { value: cap, why: `started as root it fails without a reason in its log (${result.failure ?? ''}); what a root entrypoint uses to switch users` });
  }
  return { kind: 'caps', user: root, add: [...wanted.values()] };
}
