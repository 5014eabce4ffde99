// A hardened compose file is committed and used on other machines, so it names sdocker's
// seccomp profile by a path relative to the compose file, inside one folder of sdocker's in the
// project (`.sdocker/seccomp/`), not by the absolute path of this machine's sdocker install.
// `harden --write` keeps a copy of the policy's profile there; `--check` says when it is
// missing or stale. compose resolves the relative path itself when it reads the file: v2 from
// the project directory (docker/compose pkg/compose/create.go parseSecurityOpts, RelativePath),
// v1 from the working directory (compose/config/types.py SecurityOpt.parse: open(path), measured
// with docker-compose 1.29.2: `-f proj/compose.yml` from another folder fails).
import { existsSync, lstatSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { parseSecurityOpt } from '../../docker/values.js';
import { SdockerError, EXIT_USAGE } from '../../common/errors.js';
import type { Violation } from '../../policy/refusals.js';
import { seccompFileDanger } from '../../policy/seccomp-file.js';
import { ComposeDocument } from '../../yaml/index.js';
import { writeAtomically } from './atomic.js';
import { strings, type Finding, type ServiceEdit } from '../keys/types.js';

/** sdocker's folder for seccomp profiles, relative to the compose file's folder (the project directory). */
export const PORTABLE_DIR = '.sdocker/seccomp';

/** A profile the hardened file names by `ref`; `target` is where the copy of `source` belongs. */
export interface SeccompCopy {
  readonly source: string;
  readonly ref: string;
  readonly target: string;
  /** The first service naming it, and where: a --check finding points there. */
  readonly service: string;
  readonly line: number;
  readonly col: number;
}

/** How the hardened file names the policy's profile `source` (an absolute path). */
export function portableRef(source: string): string {
  return `./${PORTABLE_DIR}/${basename(source)}`;
}

/** The seccomp paths a service's security_opt names (`seccomp:P`, `seccomp=P`), unconfined and builtin aside. */
export function seccompPaths(securityOpt: unknown): string[] {
  return strings(securityOpt).flatMap((opt) => {
    const { key, value = '' } = parseSecurityOpt(opt);
    return key === 'seccomp' && value !== '' && value.toLowerCase() !== 'unconfined' && value !== 'builtin' ? [value] : [];
  });
}

/** Whether the service, with `added` applied, names `ref` (spelled `./x` or `x`, the same file to compose). */
export function namesRef(securityOpt: unknown, added: readonly ServiceEdit[], ref: string): boolean {
  const appended = added.flatMap(({ edit }) => (edit.kind === 'append' && edit.key === 'security_opt' ? [edit.value] : edit.kind === 'replace' && edit.path[0] === 'security_opt' ? [edit.value] : []));
  return [...seccompPaths(securityOpt), ...seccompPaths(appended)].some((path) => !isAbsolute(path) && join('/', path) === join('/', ref));
}

/**
 * sdocker writes its copy only into real folders of the project: a cloned repository's
 * `.sdocker` (or `.sdocker/seccomp`) that is a symbolic link would send the write anywhere.
 */
export function realFolders(copy: SeccompCopy): void {
  const segments = copy.ref.split('/').filter((segment) => segment !== '' && segment !== '.').slice(0, -1);
  let dir = resolve(dirname(copy.target), ...segments.map(() => '..'));
  for (const segment of segments) {
    dir = join(dir, segment);
    if (existsSync(dir) && lstatSync(dir).isSymbolicLink()) {
      throw new SdockerError(`sdocker: ${dir} is a symbolic link; sdocker writes its seccomp profile copy only into a real folder of the project: replace the link with a folder`, EXIT_USAGE);
    }
  }
}

export type CopyState = 'current' | 'missing' | 'differs';

export function copyState(copy: SeccompCopy): CopyState {
  if (!existsSync(copy.target)) return 'missing';
  return readFileSync(copy.target).equals(readFileSync(copy.source)) ? 'current' : 'differs';
}

/** The copies a set of hardened files needs, one per target (several files in one folder share it). */
export function uniqueCopies(copies: readonly SeccompCopy[]): SeccompCopy[] {
  return [...new Map(copies.map((copy) => [copy.target, copy])).values()];
}

/** Writes the copy when it is missing or differs (temp file + rename); returns what it found. */
export function refreshCopy(copy: SeccompCopy): CopyState {
  const state = copyState(copy);
  if (state === 'current') return state;
  realFolders(copy);
  mkdirSync(dirname(copy.target), { recursive: true });
  writeAtomically(copy.target, readFileSync(copy.source, 'utf8'));
  return state;
}

/** A --check finding for a copy that is missing or stale, with the command that refreshes it. */
export function copyFinding(copy: SeccompCopy, file: string, state: Exclude<CopyState, 'current'>, shownFile: string): Finding {
  const why = state === 'missing' ? 'is missing' : "differs from the policy's profile";
  return {
    file,
    line: copy.line,
    col: copy.col,
    rule: 'seccomp',
    level: 'change',
    service: copy.service,
    message: `the seccomp profile ${copy.ref} ${why}; write it: sdocker harden --write ${shownFile}`,
  };
}

/** Where the profile must go and how to put it there, for the modes that write no file (stdout, --diff). */
export function copyNotice(copy: SeccompCopy, shownFile: string, state: Exclude<CopyState, 'current'>): string {
  const dir = dirname(copy.target);
  return `sdocker: the hardened file names the seccomp profile ${copy.ref} (relative to ${shownFile}'s folder), which ${state === 'missing' ? 'is missing' : 'differs from the policy\'s'}: 'sdocker harden --write ${shownFile}' writes it, or: mkdir -p ${dir} && cp ${copy.source} ${dir}/`;
}

/**
 * A model for `sdocker compose`: every relative seccomp path made absolute from the project
 * directory, as v2 reads it and as the file's author meant it. The model lives in a temp folder
 * and v1 would read the path from the working directory, so a relative one would miss.
 */
export function absoluteSeccomp(model: string, label: string, projectDir: string): string {
  const doc = new ComposeDocument(model, label);
  for (const [name, service] of Object.entries((doc.data['services'] ?? {}) as Record<string, { security_opt?: unknown } | null>)) {
    strings(service?.security_opt).forEach((opt, i) => {
      const { key, value = '' } = parseSecurityOpt(opt);
      if (key !== 'seccomp' || value === '' || isAbsolute(value) || value.toLowerCase() === 'unconfined' || value === 'builtin') return;
      // The value is the option's tail: its own `:` or `=` is kept.
      doc.replaceScalar(name, ['security_opt', i], `${opt.slice(0, opt.length - value.length)}${resolve(projectDir, value)}`);
    });
  }
  return doc.toString();
}

/**
 * A relative seccomp path as docker-compose v1 reads it, from the working directory `cwd`,
 * when that is not the file's folder (where v2 reads it, and where the refusal checks look):
 * a profile there that confines nothing is refused as well.
 */
export function workingDirSeccomp(securityOpt: unknown, file: string, cwd: string): Violation[] {
  if (resolve(cwd) === dirname(resolve(file))) return [];
  return seccompPaths(securityOpt).flatMap((path) => {
    const danger = isAbsolute(path) ? undefined : seccompFileDanger(path, cwd);
    if (danger === undefined) return [];
    const what = `security_opt: seccomp:${path} (${danger}, as docker-compose v1 reads it from the working directory ${cwd})`;
    return [{ rule: 'seccomp-unconfined' as const, what, fix: 'give the profile defaultAction SCMP_ACT_ERRNO and list what it allows' }];
  });
}
