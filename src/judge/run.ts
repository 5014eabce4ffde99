// `sdocker run|create` through the judging socket: docker runs the final argv as it is, against
// sdocker's private socket instead of the engine, so everything the client does (stdio, TTY,
// -a, --rm, -d printing the id, signals relayed as kill requests, pulls, --name conflicts,
// exit codes) is docker's own; the one difference is that the container docker creates is read
// back and judged before docker hears that it exists (hooks.ts). A refusal: the container is
// gone, docker prints the engine error and exits, and sdocker exits 125 (docker create exits 1
// on an engine error; run 125).
import type { Item } from '../docker/parse.js';
import type { Deps } from '../planner/deps.js';
import type { Engine, EngineInfo } from '../engine/engine.js';
import { privateCgroupns } from '../docker/api-version.js';
import { EXIT_REFUSED } from '../common/errors.js';
import type { HostFacts } from '../policy/context.js';
import type { Policy } from '../policy/schema.js';
import { cliDial, socketDial, type Dial } from './dial.js';
import { EngineAsk } from './gather.js';
import { ContainerJudge } from './hooks.js';
import type { Setting } from './judge.js';
import { serveJudgingSocket } from './proxy.js';

export interface Judging {
  readonly deps: Deps;
  readonly engine: Engine;
  /** docker's global options as the user wrote them (they choose the engine). */
  readonly globals: readonly Item[];
  readonly policy: Policy;
  readonly host: HostFacts;
  readonly info: Pick<EngineInfo, 'rootDir' | 'apiVersion'>;
}

export interface JudgedRun {
  readonly code: number;
  /** The containers the judge let through (the one `run`/`create` made), by id. */
  readonly admitted: readonly string[];
}

/** Global options that choose the engine: replaced by the judging socket. */
const ENDPOINT_FLAGS = new Set(['host', 'context', 'tls', 'tlscacert', 'tlscert', 'tlskey', 'tlsverify']);
/** What the environment says about the engine: the judging socket's -H decides instead. */
const ENDPOINT_ENV = ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_TLS', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH'];

/** docker's words (after the globals) and environment that reach the judging socket. */
export type JudgedDocker = (rest: readonly string[]) => { words: string[]; env: NodeJS.ProcessEnv };

/** Run docker with `argv` (which starts with the globals' words), every container it makes judged first. */
export async function runJudged(argv: readonly string[], judging: Judging): Promise<JudgedRun> {
  const globalWords = judging.globals.reduce((n, item) => n + item.words.length, 0);
  return withJudge(judging, (on) => {
    const { words, env } = on(argv.slice(globalWords));
    return judging.deps.run(judging.deps.docker, words, { env });
  });
}

/**
 * `use` runs docker (once or in steps, as volumes/run.ts does: create, then start) through one
 * judging socket; its exit code, or 125 after a refusal, and what the judge let through.
 */
export async function withJudge(judging: Judging, use: (on: JudgedDocker) => Promise<number>): Promise<JudgedRun> {
  const { deps } = judging;
  const dial = dialFor(judging);
  const setting = settingOf(judging);
  const judge = new ContainerJudge(new EngineAsk(dial), async () => setting, deps.stderr);
  const socket = await serveJudgingSocket(dial, judge);
  try {
    const code = await use((rest) => judgedArgv(rest, judging.globals, socket.host, deps.env));
    return { code: judge.refusals.length > 0 ? EXIT_REFUSED : code, admitted: judge.admitted };
  } finally {
    await socket.close();
  }
}

export function settingOf(judging: Pick<Judging, 'policy' | 'host' | 'info'>): Setting {
  return { policy: judging.policy, host: judging.host, rootDir: judging.info.rootDir, cgroupnsPrivate: privateCgroupns(judging.info) };
}

/** The engine's own socket when it is on this host; any other endpoint through docker's dial-stdio. */
export function dialFor(judging: Pick<Judging, 'engine' | 'globals' | 'deps'>): Dial {
  const { engine, deps } = judging;
  if (engine.socketPath !== undefined && engine.endpoint.startsWith('unix://')) return socketDial(engine.socketPath);
  return cliDial(deps.docker, judging.globals.flatMap((item) => item.words));
}

/** docker's words to reach the judging socket at `host`: the globals that do not choose the engine, -H, then `rest`; the environment without its choice of engine. */
export function judgedArgv(rest: readonly string[], globals: readonly Item[], host: string, env: NodeJS.ProcessEnv): { words: string[]; env: NodeJS.ProcessEnv } {
  const clean = Object.fromEntries(Object.entries(env).filter(([key]) => !ENDPOINT_ENV.includes(key)));
  return { words: [...keptGlobals(globals), '-H', host, ...rest], env: clean };
}

/** The globals that do not choose the engine (--config, -D, -l), written out long. */
function keptGlobals(globals: readonly Item[]): string[] {
  return globals.flatMap((item) => item.opts.filter((opt) => !ENDPOINT_FLAGS.has(opt.spec.long)).map((opt) => `--${opt.spec.long}=${opt.value}`));
}
