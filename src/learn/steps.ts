// From a failed trial to the smallest next grant, in the order the hardening prefers: a tmpfs on
// the deepest folder a write was refused in (or an image folder a granted tmpfs hides, given back
// empty), then a user with evidence (the users the reference's processes ran as, the owners of
// the folders it wrote, the owner of what the trial failed to open, an account its log names as
// one), and only when no non-root user is left, root with the capabilities its refused
// operations need. Only what the trial did differently from the reference counts.
import { dirname } from 'node:path';
import { ownerEntry } from '../diagnose/files.js';
import { tmpfsFolder } from '../diagnose/folders.js';
import { OPERATION_CAPS, firstPath, namedAccounts, type Account, type Symptom } from '../diagnose/symptoms.js';
import { HARMLESS_CAPS, folder, isRoot, type Evidence, type Grants, type TmpfsGrant } from './grants.js';
import type { WrittenFolder } from './writes.js';
import type { TrialResult } from './trial.js';

/** Capabilities a root process uses to prepare its folders and switch to its own user. */
export const SWITCH_CAPS = ['CHOWN', 'SETUID', 'SETGID', 'DAC_OVERRIDE', 'FOWNER', 'SYS_CHROOT'];

export type Step =
  | { readonly kind: 'tmpfs'; readonly add: readonly TmpfsGrant[] }
  | { readonly kind: 'owners'; readonly tmpfs: readonly TmpfsGrant[]; readonly why: string }
  | { readonly kind: 'user'; readonly user: Evidence }
  | { readonly kind: 'caps'; readonly user: Evidence | undefined; readonly add: readonly Evidence[] }
  | { readonly kind: 'stuck'; readonly reason: string };

export interface Knowledge {
  readonly accounts: readonly Account[];
  /** The user's own --user: learn never changes it. */
  readonly userGiven: boolean;
  /** uids (uidOf) tried so far. */
  readonly triedUsers: Set<string>;
  /** Users with evidence from the reference run, in order (evidence.ts). */
  readonly candidates: readonly Evidence[];
  /** The folders the reference wrote, with the image folders a tmpfs on them hides. */
  readonly written: readonly WrittenFolder[];
}

export function nextStep(result: TrialResult, grants: Grants, known: Knowledge): Step {
  const tmpfs = uniqueValues([...tmpfsNeeded(result, grants), ...hiddenFolders(result, grants, known)]);
  if (tmpfs.length > 0) return { kind: 'tmpfs', add: tmpfs };
  if (!known.userGiven && !isRoot(grants)) {
    const user = userCandidate(result, known);
    if (user !== undefined) return { kind: 'user', user };
  }
  return ownersStep(result, grants) ?? capsStep(result, grants, known);
}

/**
 * Root refused a write in a granted tmpfs that its service user owned under plain docker: the
 * program writes there as that user (it switched its effective ids), so the folders it owned
 * are given to it again, rather than DAC_OVERRIDE to root.
 */
function ownersStep(result: TrialResult, grants: Grants): Step | undefined {
  if (!isRoot(grants)) return undefined;
  const inGrant = (path: string): TmpfsGrant | undefined => grants.tmpfs.find((g) => path === g.value || path.startsWith(`${g.value}/`));
  const symptom = result.symptoms.find((s) => s.kind !== 'read-only' && s.path !== undefined && inGrant(s.path)?.referenceOwner !== undefined && inGrant(s.path)?.owner === undefined);
  if (symptom === undefined) return undefined;
  const tmpfs = grants.tmpfs.filter((g) => g.referenceOwner !== undefined && g.owner === undefined);
  return { kind: 'owners', tmpfs, why: `${symptom.line.trim()} (under plain docker its service user owned these folders)` };
}

/** tmpfs folders for writes the read-only root (or a root-owned folder) refused. */
function tmpfsNeeded(result: TrialResult, grants: Grants): TmpfsGrant[] {
  const granted = grants.tmpfs.map((g) => g.value);
  const found = new Map<string, TmpfsGrant>();
  for (const symptom of result.symptoms) {
    if (symptom.path === undefined) continue;
    const writeRefused = symptom.kind === 'read-only' || symptom.kind === 'cannot-write' || (symptom.kind === 'permission' && rootOwnedFolder(symptom, result));
    if (!writeRefused) continue;
    const path = tmpfsFolder(symptom, result.files);
    if (path === undefined || granted.some((g) => path === g || path.startsWith(`${g}/`))) continue;
    if (!found.has(path)) found.set(path, folder(path, symptom.line.trim()));
  }
  return [...found.values()];
}

/**
 * An image folder that a granted tmpfs hides, named by a new line of its log (sshd: "Missing
 * privilege separation directory: /run/sshd" once /run is a tmpfs for its pid file): given back
 * as an empty tmpfs of its own with the image folder's mode.
 */
function hiddenFolders(result: TrialResult, grants: Grants, known: Knowledge): TmpfsGrant[] {
  const granted = new Set(grants.tmpfs.map((g) => g.value));
  return result.fresh.flatMap((line) => {
    const path = firstPath(line);
    if (path === undefined || granted.has(path)) return [];
    const hider = known.written.find((f) => granted.has(f.path) && f.hidden.has(path));
    const mode = hider?.hidden.get(path);
    return mode === undefined ? [] : [folder(path, `${line.trim()} (the tmpfs on ${hider?.path ?? ''} hides the image's ${path})`, [`mode=${mode.toString(8)}`])];
  });
}

/** The uid part of `UID:GID` (or a name): users are tried once, whatever the group. */
export function uidOf(user: string): string {
  return user.split(':')[0] ?? user;
}

function uniqueValues(grants: readonly TmpfsGrant[]): TmpfsGrant[] {
  return grants.filter((g, i) => grants.findIndex((other) => other.value === g.value) === i);
}

/** EACCES on a path whose folder root owns: the run user cannot create files there. */
function rootOwnedFolder(symptom: Symptom, result: TrialResult): boolean {
  const path = symptom.path as string;
  const self = result.files.get(path)?.[0];
  // An existing file it may not open is about that file's owner, not about a folder to write in.
  if (self !== undefined && self.type !== 'dir') return false;
  const parent = self?.type === 'dir' ? self : result.files.get(dirname(path))?.[0];
  return parent !== undefined && parent.uid === 0;
}

/** The next untried user with evidence: the reference's first, then what this trial's log points at. */
function userCandidate(result: TrialResult, known: Knowledge): Evidence | undefined {
  const candidates: Evidence[] = [...known.candidates];
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
  return candidates.find((c) => !known.triedUsers.has(uidOf(c.value)));
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
  const root = isRoot(grants) ? undefined : { value: '0:0', why: `no non-root user with evidence works (${result.failure ?? 'it failed'})` };
  if (wanted.size === 0 && root === undefined) {
    const untried = SWITCH_CAPS.filter((cap) => !have.has(cap));
    if (untried.length === 0) return { kind: 'stuck', reason: `it still fails as root with ${[...have].join(', ')}: ${result.failure ?? ''}` };
    for (const cap of untried) wanted.set(cap, { value: cap, why: `started as root it fails where plain docker worked (${result.failure ?? ''}); what a root entrypoint uses to prepare its folders and switch users` });
  }
  return { kind: 'caps', user: root, add: [...wanted.values()] };
}
