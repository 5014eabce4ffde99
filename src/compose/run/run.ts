// `sdocker compose ARGS...`: compose on the hardened model, the user's files untouched. compose
// itself merges the files, overrides and interpolation (`config`); sdocker hardens that model
// into a private temp file and runs compose with it from the project's own directory. A refused
// setting starts nothing (exit 125, as sdocker run: a refusal is told apart from compose's own
// failures, 1). The files' own x-sdocker allow lists count only once the user has trusted those
// exact files (`sdocker trust FILE`): a cloned repository must not disarm them. sdocker's own
// `--sd-allow RULE` (own-options.ts) lifts a refusal for this run.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Deps } from '../../planner/deps.js';
import type { Engine } from '../../engine/engine.js';
import type { Item, ParsedFlags } from '../../docker/parse.js';
import { SdockerError, EXIT_REFUSED, EXIT_USAGE } from '../../common/errors.js';
import { hostFacts } from '../../planner/facts.js';
import { loadPolicy } from '../../policy/load.js';
import type { Policy } from '../../policy/schema.js';
import { trustState, untrustedWords, type TrustState } from '../../policy/trust.js';
import { parseComposeArgs, parseComposeFlags } from './args.js';
import { projectFiles } from '../edit/command.js';
import { composeOn, findCompose, type ComposeCommand } from './endpoint.js';
import { composeJudged } from '../../judge/compose.js';
import { EXEC, RUN, V1_RUN_PREFIXES } from './flags.js';
import { projectEnv } from '../read/dotenv.js';
import { askEngine, projectName, type EngineAccess } from '../read/engine-facts.js';
import { hardenCompose } from '../edit/harden.js';
import { takeOwnOptions } from './own-options.js';
import type { AllowHint } from '../edit/refuse.js';
import { bindOneOffPorts, judgeOneOff, type OneOff } from './oneoff.js';
import { absoluteSeccomp } from '../edit/portable.js';
import { copyDrift } from './portable-drift.js';
import { configCall } from './portable-run.js';
import { withPrivateFile } from './private-file.js';
import { shownPath } from '../../common/quote.js';
import { classify } from './subcommands.js';
import { composeWatched } from '../../settle/compose.js';
import { injectedUserVolumes } from './new-volumes.js';

export async function runCompose(argv: readonly string[], deps: Deps, dockerGlobals: readonly Item[] = []): Promise<number> {
  const compose = await findCompose(deps, dockerGlobals);
  const run = (words: readonly string[]): Promise<number> => deps.run(compose.file, [...compose.prefix, ...words], compose.env === undefined ? {} : { env: compose.env });
  const { allow, settle, args } = takeOwnOptions(argv, compose.flavor, compose.name);
  const warn = sayOnce(deps);
  const parsed = parseComposeArgs(args, compose.flavor, compose.name);
  // No subcommand (compose prints its help), --help, --version: nothing is created.
  if (parsed.sub === undefined || parsed.helpOrVersion) return run(args);
  const kind = classify(parsed.sub, compose.name);
  if (kind === 'pass') return run(args);
  const what = `${compose.name} ${parsed.sub}`;
  // The engine compose will talk to: its socket (or a remote engine) decides how host paths are judged.
  const { chooseEngine } = await import('../../engine/choose.js');
  const target = chooseEngine([...dockerGlobals, ...parsed.endpoint], deps.env, deps.docker, deps.cwd);
  if (kind === 'exec') {
    const flags = parseComposeFlags(parsed.subArgs, EXEC[compose.flavor], compose.flavor, what);
    await judgeFlags('exec', flags, [deps.cwd], { deps, target, allow, warn });
    return run(args);
  }
  if (kind === 'model') noOwnOptionAfter(parsed.subArgs);
  const files = composeFiles(parsed.files, deps, compose.flavor === 'v1' ? 'v1' : 'v2');
  const fileDir = dirname(files[0] as string);
  let subArgs = parsed.subArgs;
  if (kind === 'run') {
    const flags = parseComposeFlags(parsed.subArgs, RUN[compose.flavor], compose.flavor, what, compose.flavor === 'v1' ? V1_RUN_PREFIXES : undefined);
    // v1's docopt prints help for -h/--help whatever its value: help alone is safe for both.
    if (flags.items.some((item) => item.opts.some((opt) => opt.spec.long === 'help'))) return run([parsed.sub, '--help']);
    const policy = await judgeFlags('run', flags, [deps.cwd, resolve(deps.cwd, parsed.projectDir ?? fileDir)], { deps, target, allow, warn });
    subArgs = [...bindOneOffPorts(flags, policy), ...(flags.dashdash ? ['--'] : []), ...flags.rest];
  }
  const engine = { target, name: parsed.projectName, projectDir: resolve(deps.cwd, parsed.projectDir ?? fileDir), allow, warn, settle, endpoint: [...dockerGlobals, ...parsed.endpoint], ownGlobals: parsed.ownGlobals };
  const judged = (host: string, words: readonly string[]): Promise<number> => {
    const on = composeOn(compose, dockerGlobals, host, deps.env);
    return deps.run(on.file, [...on.prefix, ...words], on.env === undefined ? {} : { env: on.env });
  };
  return runHardened(compose, files, parsed.globals, [parsed.sub, ...subArgs], parsed.projectDir === undefined ? fileDir : undefined, deps, judged, engine);
}

/** A warning (the same .sdocker.yml is read for the one-off and the model) said once. */
function sayOnce(deps: Deps): (line: string) => void {
  const said = new Set<string>();
  return (line) => {
    if (!said.has(line)) deps.stderr(`${line}\n`);
    said.add(line);
  };
}

/** up, create, scale, config... take no command words: an --sd- word there is sdocker's, misplaced. */
function noOwnOptionAfter(subArgs: readonly string[]): void {
  const misplaced = subArgs.find((word) => word.startsWith('--sd-'));
  if (misplaced !== undefined) throw new SdockerError(`sdocker: ${misplaced.split('=')[0] ?? ''} is sdocker's own option: write it right after 'sdocker compose', before compose's subcommand`, EXIT_USAGE);
}

interface EngineChoice {
  /** The engine docker's globals and compose's -H/--context choose. */
  readonly target: Engine;
  readonly name: string | undefined;
  readonly projectDir: string;
  /** --sd-allow's rules. */
  readonly allow: readonly string[];
  /** A warning, said once. */
  readonly warn: (line: string) => void;
  /** --sd-settle as written (settle/window.ts). */
  readonly settle: string | undefined;
  /** The global options that chose `target` (docker's, then compose's own -H, --context, --tls*). */
  readonly endpoint: readonly Item[];
  /** compose's global words without those: what it keeps on the judging socket. */
  readonly ownGlobals: readonly string[];
}

interface Judging {
  readonly deps: Deps;
  readonly target: Engine;
  readonly allow: readonly string[];
  readonly warn: (line: string) => void;
}

/** How the hardening asks the engine about what the model borrows (containers it joins, existing volumes). */
async function engineAccess(choice: EngineChoice, model: string, deps: Deps, engine: Engine): Promise<EngineAccess> {
  const { parseYamlData } = await import('../../yaml/index.js');
  const data = parseYamlData(model, 'compose config') as { name?: unknown } | null;
  return {
    // COMPOSE_PROJECT_NAME may come from the project's .env, as compose reads it.
    project: projectName(choice.name, projectEnv(choice.projectDir, deps.env), data?.name, choice.projectDir),
    gather: askEngine(engine),
  };
}

/** A one-off's flags against the run rules: refused before anything runs; returns the policy. */
async function judgeFlags(sub: OneOff, flags: ParsedFlags, cwds: readonly string[], { deps, target, allow, warn }: Judging): Promise<Policy> {
  const { policy, warnings } = await loadPolicy({ profile: deps.env['SDOCKER_PROFILE'] || 'default', env: deps.env, cwd: deps.cwd, cliAllow: allow });
  for (const line of warnings) warn(line);
  const verdict = judgeOneOff(sub, flags, policy, hostFacts(target), cwds);
  for (const line of verdict.allowed) deps.stderr(`${line}\n`);
  if (verdict.refused.length > 0) throw new SdockerError(verdict.refused.join('\n'), EXIT_REFUSED);
  return policy;
}

/** The policy for the project (with --sd-allow), and its seccomp profile (absolute; '' for docker's own) as harden resolves it. */
async function projectPolicy(deps: Deps, choice: EngineChoice): Promise<{ policy: Policy; seccomp: string }> {
  const { resolveSeccomp } = await import('../../policy/seccomp.js');
  const { policy } = await loadPolicy({ profile: deps.env['SDOCKER_PROFILE'] || 'default', env: deps.env, cwd: choice.projectDir, cliAllow: choice.allow });
  return { policy, seccomp: resolveSeccomp(policy.seccomp) };
}

/** compose on the hardened model: its own `config` merges the files, sdocker hardens the result. */
async function runHardened(compose: ComposeCommand, files: readonly string[], globals: readonly string[], subWords: readonly string[], projectDir: string | undefined, deps: Deps, run: (host: string, words: readonly string[]) => Promise<number>, choice: EngineChoice): Promise<number> {
  const { capture } = await import('../../common/exec.js');
  // A relative seccomp path (a file hardened to travel, portable.ts) is read from the project directory.
  const call = configCall(compose.flavor, globals, deps.cwd, choice.projectDir);
  const model = await capture(compose.file, [...compose.prefix, ...files.flatMap((f) => ['-f', f]), ...call.globals, 'config'], undefined, call.cwd);
  if (model.exitCode !== 0) {
    deps.stderr(`${model.stderr}\n`);
    return model.exitCode;
  }
  const text = absoluteSeccomp(model.stdout, files[0] as string, choice.projectDir);
  const states = new Map<string, TrustState>(files.map((file) => [file, trustState(file, readFileSync(file, 'utf8'), deps.env)]));
  const untrusted = files.filter((file) => states.get(file) !== 'trusted');
  const label = files[0] as string;
  const target = choice.target;
  const engine = await engineAccess(choice, text, deps, target);
  const trust = untrusted.length === 0 ? '' : `sdocker trust ${untrusted.map((file) => shownPath(file, deps.cwd)).join(' ')}`;
  const options = { profile: deps.env['SDOCKER_PROFILE'] || 'default', env: deps.env, cliAllow: choice.allow, seccomp: undefined, ignoreFileAllows: untrusted.length > 0, engine, host: hostFacts(target), allowHint: composeHint(trust) };
  const result = await hardenCompose(text, label, options);
  const refused = result.findings.filter((f) => f.level === 'error');
  for (const line of result.warnings) choice.warn(line);
  const project = await projectPolicy(deps, choice);
  const drift = copyDrift(text, choice.projectDir, project.seccomp, shownPath(label, deps.cwd));
  if (drift !== undefined) choice.warn(drift);
  if (trust !== '' && /x-sdocker/.test(text)) choice.warn(`sdocker: x-sdocker allow lists ignored: ${untrustedList(untrusted, states, deps.cwd)}; review, then run '${trust}'`);
  // Quiet on success: no notes (a read-only bind allowed); those are harden --check's.
  for (const f of result.findings.filter((x) => x.level !== 'change' && x.level !== 'note')) deps.stderr(`sdocker: service ${f.service}: ${f.message}\n`);
  if (refused.length > 0) return EXIT_REFUSED;
  // volumes/: new volumes of a service whose user sdocker injected are given to that user before it starts.
  const { parseYamlData } = await import('../../yaml/index.js');
  const volumes = injectedUserVolumes(label, (parseYamlData(result.output, label) ?? {}) as Record<string, unknown>, result.edits, engine.project);
  // The engine is the last judge: compose talks to sdocker's socket, which judges each container it makes before it can start (src/judge/).
  // Every compose call of the session (up --no-start, then up) goes through that one socket; settle/ watches what `up` starts.
  const judging = { deps, engine: target, globals: choice.endpoint, policy: project.policy, allows: result.allows };
  const watch = { deps, engine: target, globals: choice.endpoint.flatMap((item) => item.words), project: engine.project, files, model: result.output, sub: subWords[0] ?? '', subArgs: subWords.slice(1), settleOption: choice.settle, volumes };
  const words = (hardened: string, extra: readonly string[], sub: readonly string[]): string[] => ['-f', hardened, ...extra.flatMap((file) => ['-f', file]), ...(projectDir === undefined ? [] : ['--project-directory', projectDir]), ...choice.ownGlobals, ...sub];
  return withPrivateFile('sdocker-compose-', 'compose.hardened.yml', result.output, (hardened) =>
    composeJudged(judging, (host) => composeWatched({ ...watch, hardened }, (extra, sub) => run(host, words(hardened, extra, sub)))),
  );
}

/** `a.yml not trusted, b.yml changed since you trusted it`; files in one state share its words. */
function untrustedList(files: readonly string[], states: ReadonlyMap<string, TrustState>, cwd: string): string {
  const by = (state: TrustState): string[] => files.filter((file) => states.get(file) === state).map((file) => shownPath(file, cwd));
  return (['untrusted', 'changed'] as const).filter((state) => by(state).length > 0).map((state) => `${by(state).join(', ')} ${untrustedWords(state)}`).join('; ');
}

/** How a model refusal is lifted for sdocker compose: on the service (counted once trusted), or --sd-allow. */
function composeHint(trust: string): AllowHint {
  return (rule) => `allow it: x-sdocker: {allow: [${rule}]} on the service${trust === '' ? '' : `, then ${trust}`}, or sdocker compose --sd-allow ${rule} ...`;
}

function composeFiles(given: readonly string[], deps: Deps, flavor: 'v1' | 'v2'): string[] {
  if (given.length > 0) return given.map((f) => resolve(deps.cwd, f));
  return projectFiles(deps.cwd, deps.env, 'give one with -f', flavor);
}
