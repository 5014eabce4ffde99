// What `sdocker harden` does about the seccomp profile copies its files name (portable.ts):
// --write (and --override FILE) refresh them, --check and the JSON/SARIF findings report them,
// the modes that write nothing say once where the profile must go.
import type { Deps } from '../../planner/deps.js';
import type { HardenedFile } from './harden.js';
import { copyFinding, copyNotice, copyState, realFolders, refreshCopy, type SeccompCopy } from './portable.js';
import type { Finding } from '../keys/types.js';

export interface PendingCopy {
  readonly copy: SeccompCopy;
  /** The first hardened file naming it. */
  readonly file: string;
  readonly state: 'missing' | 'differs';
}

/** Copies missing or stale, once per target: several files in one folder share one copy. */
export function pendingCopies(results: readonly HardenedFile[]): PendingCopy[] {
  const seen = new Set<string>();
  const pending: PendingCopy[] = [];
  for (const result of results) {
    for (const copy of result.seccompCopies) {
      if (seen.has(copy.target)) continue;
      seen.add(copy.target);
      const state = copyState(copy);
      if (state !== 'current') pending.push({ copy, file: result.file, state });
    }
  }
  return pending;
}

export function pendingFindings(pending: readonly PendingCopy[], shown: (file: string) => string): Finding[] {
  return pending.map(({ copy, file, state }) => copyFinding(copy, file, state, shown(file)));
}

/** Before anything is written: each copy's folders are real folders of the project (portable.ts). */
export function checkCopyFolders(pending: readonly PendingCopy[]): void {
  for (const { copy } of pending) realFolders(copy);
}

/** Writes the pending copies; says what it wrote. */
export function writeCopies(pending: readonly PendingCopy[], deps: Deps, shown: (file: string) => string): void {
  for (const { copy, file } of pending) {
    const state = refreshCopy(copy);
    deps.stderr(`sdocker: ${state === 'missing' ? 'wrote' : 'refreshed'} the seccomp profile ${shown(copy.target)} (commit it with ${shown(file)})\n`);
  }
}

export function sayWhereCopiesGo(pending: readonly PendingCopy[], deps: Deps, shown: (file: string) => string): void {
  for (const { copy, file, state } of pending) deps.stderr(`${copyNotice(copy, shown(file), state)}\n`);
}
