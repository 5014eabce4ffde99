// `sdocker harden [FILE...]`: print the hardened file (default), write it in place (--write,
// atomically), list what would change (--check), show a unified diff (--diff), write only the
// additions as an override file (--override), or report the findings as JSON or SARIF
// (--format). Exit 0 when clean; 1 when something is refused, (--check) would change, or
// (--override) is left out of the override (a published port it cannot rebind: compose adds an
// override's ports to the file's), or (--check) the target does not enforce something; 2 for bad input.
import { existsSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { projectEnv } from '../read/dotenv.js';
import { SdockerError, EXIT_USAGE } from '../../common/errors.js';
import type { Deps } from '../../planner/deps.js';
import { writeAtomically } from './atomic.js';
import { hardenCompose, type HardenedFile } from './harden.js';
import { checkCopyFolders, pendingCopies, pendingFindings, sayWhereCopiesGo, writeCopies } from './portable-copies.js';
import { toSarif } from './sarif.js';
import type { Finding } from '../keys/types.js';

export interface HardenFlags {
  readonly write?: boolean;
  readonly check?: boolean;
  readonly diff?: boolean;
  readonly format?: string;
  /** true: the override file on stdout; a path: written there. */
  readonly override?: boolean | string;
  readonly allow?: string[];
  readonly profile: string;
  readonly seccomp?: string;
  readonly segment?: boolean;
  /** compose (default) or swarm: what runs the file (swarm.ts). */
  readonly target?: string;
}

/** The file names compose itself looks for, in its order. */
export const DEFAULT_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];

export async function runHarden(files: readonly string[], flags: HardenFlags, deps: Deps): Promise<number> {
  const format = flags.format ?? 'text';
  if (!['text', 'json', 'sarif'].includes(format)) throw new SdockerError(`sdocker: --format takes text, json or sarif, not '${format}'`, EXIT_USAGE);
  const target = flags.target ?? 'compose';
  if (!isTarget(target)) throw new SdockerError(`sdocker: --target takes compose, swarm or k8s, not '${target}'`, EXIT_USAGE);
  const override = flags.override !== undefined && flags.override !== false;
  // --check --override: what the override would add and leave out, written nowhere.
  const modes = [flags.write, flags.check, flags.diff, override && flags.check !== true].filter(Boolean).length;
  if (modes > 1) throw new SdockerError('sdocker: choose one of --write, --check, --diff and --override (--check may go with --override)', EXIT_USAGE);
  const targets = files.length > 0 ? files.map((f) => resolve(deps.cwd, f)) : projectFiles(deps.cwd, deps.env);
  // Unnamed, compose's own files: the main one is hardened; what compose merges over it (the
  // override file, the rest of COMPOSE_FILE) is judged too, or a refused setting there would pass.
  const judgedOnly = files.length > 0 ? new Set<string>() : new Set(targets.slice(1));
  const results: HardenedFile[] = [];
  for (const file of targets) {
    if (!existsSync(file)) throw new SdockerError(`sdocker: ${file} does not exist; name a compose file`, EXIT_USAGE);
    // An override (or a later COMPOSE_FILE part) is judged merged over the files before it; a second default file (both v1's and v2's winner here) stands alone.
    const beneath = judgedOnly.has(file) && !isDefaultMain(file) ? targets.slice(0, targets.indexOf(file)).filter((f, i) => i === 0 || !isDefaultMain(f)) : [];
    const options = { profile: flags.profile, env: deps.env, cliAllow: flags.allow ?? [], cliAllowFlag: '--allow', seccomp: flags.seccomp, segment: flags.segment === true, judgeOnly: judgedOnly.has(file), target, portable: true, cwd: deps.cwd, beneath };
    results.push(await hardenCompose(readFileSync(file, 'utf8'), file, options));
  }
  // An untrusted .sdocker.yml that loosens: said once, as sdocker run says it.
  for (const line of new Set(results.flatMap((r) => r.warnings))) deps.stderr(`${line}\n`);
  const hardened = results.filter((r) => !judgedOnly.has(r.file));
  const left = override ? await leftOut(hardened) : [];
  const name = (file: string): string => relative(deps.cwd, file) || file;
  // The seccomp profile copies the files name (portable.ts): missing or stale ones are changes --write makes.
  const copies = pendingCopies(hardened);
  // Under --override, a port it cannot rebind is reported as left out, not as a change it makes.
  const findings = [...results.flatMap((r) => r.findings).filter((f) => !override || f.rule !== 'loopback-ports' || f.level !== 'change'), ...left, ...pendingFindings(copies, name)];
  const shown = (f: Finding): string => `${name(f.file)}:${f.line}:${f.col}: ${f.level} ${f.rule} [${f.service}]: ${f.message}`;
  if (format === 'json') deps.stdout(`${JSON.stringify(findings.map((f) => ({ ...f, file: relative(deps.cwd, f.file) || f.file })), null, 2)}\n`);
  else if (format === 'sarif') deps.stdout(`${JSON.stringify(toSarif(findings, deps.cwd), null, 2)}\n`);
  else if (flags.check === true) {
    for (const f of findings) deps.stdout(`${shown(f)}\n`);
    deps.stdout(`${checkSummary(results, findings)}\n`);
  } else {
    // Notes (a read-only bind allowed) are --check's: printing the file says only what needs a look.
    for (const f of findings.filter((x) => x.level !== 'change' && x.level !== 'note')) deps.stderr(`${shown(f)}\n`);
    // The modes that write files write the profile too (also beside a file held back by a
    // refusal: the copy is the policy's own profile, and a stale copy is itself refused); the
    // others say where it must go. A copy that cannot be written stops everything first.
    const writes = flags.write === true || (override && flags.override !== true && flags.override !== '-');
    if (writes) checkCopyFolders(copies);
    for (const result of hardened) await emit(result, flags, deps, hardened.length > 1);
    if (writes) writeCopies(copies, deps, name);
    else sayWhereCopiesGo(copies, deps, name);
  }
  const refused = findings.some((f) => f.level === 'error');
  const changes = results.some((r) => r.output !== r.original) || copies.length > 0;
  // What the target does not enforce fails --check: it is never dropped in silence.
  const unenforced = flags.check === true && findings.some((f) => f.level === 'unenforced');
  return refused || left.length > 0 || (flags.check === true && changes) || unenforced ? 1 : 0;
}

function isTarget(value: string): value is 'compose' | 'swarm' {
  return value === 'compose' || value === 'swarm';
}

/** --check's last line: `2 files, 7 services: 41 changes, 1 refused` (and warnings, what a swarm does not enforce, when there are any). */
export function checkSummary(results: readonly HardenedFile[], findings: readonly Finding[]): string {
  const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
  // Files named together are one project to compose (an override file's `web` is the main file's `web`).
  const services = new Set(results.flatMap((r) => r.services)).size;
  const by = (level: Finding['level']): number => findings.filter((f) => f.level === level).length;
  const parts = [count(by('change'), 'change'), `${by('error')} refused`];
  if (by('warning') > 0) parts.push(count(by('warning'), 'warning'));
  // --target swarm: what a swarm will not apply, counted apart from what sdocker changes.
  if (by('unenforced') > 0) parts.push(`${by('unenforced')} not enforced by a swarm`);
  return `${count(results.length, 'file')}, ${count(services, 'service')}: ${parts.join(', ')}`;
}

/** What an override file cannot carry (override.ts), as findings. */
async function leftOut(results: readonly HardenedFile[]): Promise<Finding[]> {
  const { buildOverride } = await import('./override.js');
  return results.flatMap((r) => buildOverride(r.edits, r.findings).left);
}

/**
 * The files compose reads when none is named. COMPOSE_FILE (from the environment, or from the
 * project's `.env`: v1 and v2 both read it there), split at COMPOSE_PATH_SEPARATOR or `:`,
 * relative to the working folder. Else the first folder from here up that holds one of the
 * default names, and the override file beside it, of any of the four names whatever the main
 * file's (docker-compose 1.29 config.py get_default_config_files, get_default_override_file;
 * two override files make it fail). v1 prefers docker-compose.yml, v2 compose.yaml
 * (compose-go DefaultFileNames): with `flavor` unknown (harden), both winners are read.
 */
export function projectFiles(cwd: string, env: NodeJS.ProcessEnv, hint = 'name one: sdocker harden FILE', flavor: 'v1' | 'v2' | 'both' = 'both'): string[] {
  const fromEnv = projectEnv(cwd, env)['COMPOSE_FILE'];
  if (fromEnv) return fromEnv.split(projectEnv(cwd, env)['COMPOSE_PATH_SEPARATOR'] || ':').map((f) => resolve(cwd, f));
  const dir = folderWithComposeFile(cwd);
  if (dir === undefined) throw new SdockerError(`sdocker: no compose file here or above (${DEFAULT_FILES.join(', ')}); ${hint}`, EXIT_USAGE);
  const present = (names: readonly string[]): string[] => names.map((name) => join(dir, name)).filter((file) => existsSync(file));
  const winners = [...new Set([...(flavor === 'v1' ? [] : present(DEFAULT_FILES).slice(0, 1)), ...(flavor === 'v2' ? [] : present(V1_FILES).slice(0, 1))])];
  const overrides = present(OVERRIDE_FILES);
  if (overrides.length > 1) throw new SdockerError(`sdocker: ${overrides.map((f) => relative(cwd, f) || f).join(' and ')} are both override files; compose refuses two (keep one)`, EXIT_USAGE);
  return [...winners, ...overrides];
}

/** Whether a file is one of compose's default main files (found, not named). */
function isDefaultMain(file: string): boolean {
  return V1_FILES.includes(basename(file));
}

/** docker-compose 1.29's names, in its order (config.py SUPPORTED_FILENAMES). */
const V1_FILES = ['docker-compose.yml', 'docker-compose.yaml', 'compose.yml', 'compose.yaml'];
/** config.py DEFAULT_OVERRIDE_FILENAMES; compose-go reads the same four. */
const OVERRIDE_FILES = ['docker-compose.override.yml', 'docker-compose.override.yaml', 'compose.override.yml', 'compose.override.yaml'];

/** The working folder or the nearest one above it holding a compose file (find_candidates_in_parent_dirs). */
function folderWithComposeFile(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (V1_FILES.some((name) => existsSync(join(dir, name)))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

async function emit(result: HardenedFile, flags: HardenFlags, deps: Deps, many: boolean): Promise<void> {
  const name = relative(deps.cwd, result.file) || result.file;
  if (flags.write === true) {
    if (result.output === result.original) return;
    if (result.findings.some((f) => f.level === 'error')) {
      deps.stderr(`sdocker: ${name} not written: fix or allow the refused settings above first\n`);
      return;
    }
    writeAtomically(result.file, result.output);
    deps.stderr(`sdocker: hardened ${name} (${result.edits.length} additions)\n`);
  } else if (flags.override !== undefined && flags.override !== false) {
    const { buildOverride } = await import('./override.js');
    const { renderYaml } = await import('../../yaml/index.js');
    const override = buildOverride(result.edits, result.findings);
    const text = `# Generated by sdocker harden --override from ${name}: use with -f ${name} -f THIS_FILE\n${renderYaml(override.data)}`;
    if (flags.override === true || flags.override === '-') deps.stdout(text);
    else writeAtomically(resolve(deps.cwd, flags.override), text);
  } else if (flags.diff === true) {
    deps.stdout(await unifiedDiff(name, result.original, result.output));
  } else {
    deps.stdout(many ? `# ${name}\n${result.output}` : result.output);
  }
}

/** `diff -u` of the two texts, labelled a/NAME and b/NAME; empty when equal. */
export async function unifiedDiff(name: string, before: string, after: string): Promise<string> {
  if (before === after) return '';
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-diff-'));
  try {
    writeFileSync(join(dir, 'a'), before);
    writeFileSync(join(dir, 'b'), after);
    const { capture } = await import('../../common/exec.js');
    const result = await capture('diff', ['-u', '--label', `a/${name}`, '--label', `b/${name}`, join(dir, 'a'), join(dir, 'b')]);
    if (result.exitCode > 1) throw new SdockerError(`sdocker: diff failed: ${result.stderr}`);
    return `${result.stdout}\n`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
