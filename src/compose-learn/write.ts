// The learned file: harden's output with each service's proven grants as ordinary compose keys
// (tmpfs with the run user's uid/gid, user, cap_add), each followed by a comment naming what
// proved it, so plain docker-compose runs it anywhere, with no sdocker and no learned profile.
// Printed, or with --write written in place (temp file + rename) with the seccomp copy it names.
import { relative } from 'node:path';
import type { Deps } from '../planner/deps.js';
import { writeAtomically } from '../compose/edit/atomic.js';
import { checkCopyFolders, pendingCopies, sayWhereCopiesGo, writeCopies } from '../compose/edit/portable-copies.js';
import type { Grants } from '../learn/grants.js';
import { commentValues, type ValueComment } from '../yaml/index.js';
import { grantedFile, type ProjectTrials } from './trial.js';

export async function writeLearned(setup: ProjectTrials, grants: ReadonlyMap<string, Grants>, write: boolean, deps: Deps, say: (line: string) => void): Promise<number> {
  const hardened = await grantedFile(setup, grants, true);
  const output = commentValues(hardened.output, [...grants].flatMap(([service, g]) => grantComments(service, g)));
  const name = (file: string): string => relative(deps.cwd, file) || file;
  const copies = pendingCopies([hardened]);
  if (!write) {
    deps.stdout(output);
    sayWhereCopiesGo(copies, deps, name);
    return 0;
  }
  checkCopyFolders(copies);
  writeAtomically(setup.file, output);
  writeCopies(copies, deps, name);
  say(`wrote ${name(setup.file)}: plain docker-compose runs it hardened, with what was proven`);
  return 0;
}

function grantComments(service: string, grants: Grants): ValueComment[] {
  const at = (key: string): string[] => ['services', service, key];
  const learned = (why: string): string => `learned: ${why}`;
  return [
    ...grants.tmpfs.map((g) => ({ path: at('tmpfs'), matches: (v: string) => v === g.value || v.startsWith(`${g.value}:`), comment: learned(g.why) })),
    ...(grants.user === undefined ? [] : [{ path: at('user'), matches: (v: string) => v === grants.user?.value, comment: learned(grants.user.why) }]),
    ...grants.caps.map((g) => ({ path: at('cap_add'), matches: (v: string) => v === g.value, comment: learned(g.why) })),
  ];
}
