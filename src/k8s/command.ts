// `sdocker harden --target k8s [FILE...]`: Kubernetes manifests hardened in place of the file
// (stdout, --write, --diff, --check, --format json|sarif, as for compose); a compose file given
// instead (or none named: compose's own files) becomes hardened manifests, FILE.k8s.yaml beside
// it for --write, --diff and --check (convert.ts). Exit 0 when clean; 1 when something is refused
// or (--check) would change; 2 for bad input.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Deps } from '../planner/deps.js';
import { SdockerError, EXIT_USAGE } from '../common/errors.js';
import { writeAtomically } from '../compose/edit/atomic.js';
import { projectFiles, unifiedDiff, type HardenFlags } from '../compose/edit/command.js';
import { toSarif } from '../compose/edit/sarif.js';
import { isComposeText } from './detect.js';
import { hardenManifests, type K8sOptions } from './harden.js';
import { K8S_ROWS, type K8sFinding } from './types.js';

interface Result {
  /** What the user named. */
  readonly source: string;
  /** The file --write writes: the manifest itself, or FILE.k8s.yaml beside a compose file. */
  readonly target: string;
  /** The target's text now ('' when it does not exist). */
  readonly before: string;
  readonly output: string;
  readonly objects: readonly string[];
  readonly findings: readonly K8sFinding[];
  readonly additions: number;
}

export async function runK8sHarden(files: readonly string[], flags: HardenFlags, deps: Deps): Promise<number> {
  const format = flags.format ?? 'text';
  if (!['text', 'json', 'sarif'].includes(format)) throw new SdockerError(`sdocker: --format takes text, json or sarif, not '${format}'`, EXIT_USAGE);
  if ((flags.override !== undefined && flags.override !== false) || flags.segment === true) {
    throw new SdockerError('sdocker: --override and --segment are compose options; --target k8s writes whole manifests (--write)', EXIT_USAGE);
  }
  if ([flags.write, flags.check, flags.diff].filter(Boolean).length > 1) throw new SdockerError('sdocker: choose one of --write, --check and --diff', EXIT_USAGE);
  const targets = files.length > 0 ? files.map((f) => resolve(deps.cwd, f)) : projectFiles(deps.cwd, deps.env, 'name one: sdocker harden --target k8s FILE').slice(0, 1);
  const options: K8sOptions = { profile: flags.profile, env: deps.env, cliAllow: flags.allow ?? [], cliAllowFlag: '--allow', ...(flags.seccomp === undefined ? {} : { seccomp: flags.seccomp }) };
  const results: Result[] = [];
  const warnings = new Set<string>();
  for (const file of targets) {
    if (!existsSync(file)) throw new SdockerError(`sdocker: ${file} does not exist; name a manifest or compose file`, EXIT_USAGE);
    const text = readFileSync(file, 'utf8');
    results.push(isComposeText(text, file) ? await converted(text, file, options, warnings) : await hardened(text, file, options, warnings));
  }
  for (const line of warnings) deps.stderr(`${line}\n`);
  const name = (file: string): string => relative(deps.cwd, file) || file;
  const findings = results.flatMap((r) => r.findings);
  const shown = (f: K8sFinding): string => `${name(f.file)}:${f.line}:${f.col}: ${f.level} ${f.rule} [${f.service}]: ${f.message}`;
  if (format === 'json') deps.stdout(`${JSON.stringify(findings.map((f) => ({ ...f, file: name(f.file) })), null, 2)}\n`);
  else if (format === 'sarif') deps.stdout(`${JSON.stringify(toSarif(findings, deps.cwd, K8S_ROWS), null, 2)}\n`);
  else if (flags.check === true) {
    for (const f of findings) deps.stdout(`${shown(f)}\n`);
    deps.stdout(`${summary(results, findings)}\n`);
  } else {
    for (const f of findings.filter((x) => x.level !== 'change' && x.level !== 'note')) deps.stderr(`${shown(f)}\n`);
    for (const result of results) await emit(result, flags, deps, results.length > 1, name);
  }
  const refused = findings.some((f) => f.level === 'error');
  const changes = results.some((r) => r.output !== r.before);
  return refused || (flags.check === true && (changes || findings.some((f) => f.level === 'unenforced'))) ? 1 : 0;
}

async function hardened(text: string, file: string, options: K8sOptions, warnings: Set<string>): Promise<Result> {
  const result = await hardenManifests(text, file, options);
  for (const line of result.warnings) warnings.add(line);
  return { source: file, target: file, before: text, output: result.output, objects: result.objects, findings: result.findings, additions: result.edits.length };
}

/** compose.yaml -> compose.k8s.yaml, beside it. */
export function manifestsPath(composeFile: string): string {
  return join(dirname(composeFile), `${basename(composeFile).replace(/\.ya?ml$/, '')}.k8s.yaml`);
}

async function converted(text: string, file: string, options: K8sOptions, warnings: Set<string>): Promise<Result> {
  const { convertCompose } = await import('./convert.js');
  const target = manifestsPath(file);
  const conversion = await convertCompose(text, file, target, options);
  const result = await hardenManifests(conversion.text, target, options);
  for (const line of result.warnings) warnings.add(line);
  const before = existsSync(target) ? readFileSync(target, 'utf8') : '';
  return { source: file, target, before, output: result.output, objects: result.objects, findings: [...conversion.notes, ...result.findings], additions: result.edits.length };
}

async function emit(result: Result, flags: HardenFlags, deps: Deps, many: boolean, name: (file: string) => string): Promise<void> {
  if (flags.write === true) {
    if (result.output === result.before) return;
    if (result.findings.some((f) => f.level === 'error')) {
      deps.stderr(`sdocker: ${name(result.target)} not written: fix or allow the refused settings above first\n`);
      return;
    }
    writeAtomically(result.target, result.output);
    deps.stderr(result.target === result.source ? `sdocker: hardened ${name(result.target)} (${result.additions} additions)\n` : `sdocker: wrote ${name(result.target)} from ${name(result.source)} (${result.objects.length} workloads)\n`);
  } else if (flags.diff === true) {
    deps.stdout(await unifiedDiff(name(result.target), result.before, result.output));
  } else {
    deps.stdout(many ? `# ${name(result.target)}\n${result.output}` : result.output);
  }
}

/** --check's last line: `2 files, 3 workloads: 41 changes, 1 refused` (and warnings when there are any). */
function summary(results: readonly Result[], findings: readonly K8sFinding[]): string {
  const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
  const by = (level: K8sFinding['level']): number => findings.filter((f) => f.level === level).length;
  const parts = [count(by('change'), 'change'), `${by('error')} refused`];
  if (by('warning') > 0) parts.push(count(by('warning'), 'warning'));
  return `${count(results.length, 'file')}, ${count(results.reduce((n, r) => n + r.objects.length, 0), 'workload')}: ${parts.join(', ')}`;
}
