// Fakes for unit tests of argument building: an engine that answers from data and records
// what it was asked to create, and a runner that records the docker argv instead of running it.
import type { ContainerState, Engine, EngineInfo, NetworkSpec, NetworkState, VolumeState } from '../../src/engine/engine.js';
import type { Deps } from '../../src/planner/deps.js';
import { main } from '../../src/cli/main.js';
import type { ImageFacts } from '../../src/policy/context.js';

export interface FakeEngineOptions {
  images?: Record<string, ImageFacts>;
  info?: EngineInfo;
  networks?: Record<string, NetworkState>;
  containers?: Record<string, ContainerState>;
  volumes?: Record<string, VolumeState>;
  unreachable?: boolean;
}

export class FakeEngine implements Engine {
  readonly endpoint = 'fake://engine';
  readonly socketPath = '/var/run/docker.sock';
  readonly created: string[] = [];
  readonly specs: Record<string, NetworkSpec | undefined> = {};
  /** What changed the engine, in order, with the docker commands run between (`docker run`). */
  readonly events: string[] = [];
  readonly asked: string[] = [];

  constructor(private readonly options: FakeEngineOptions = {}) {}

  private check(what: string): void {
    this.asked.push(what);
    if (this.options.unreachable === true) throw new (class extends Error {})('engine unreachable');
  }

  async inspectImage(ref: string): Promise<ImageFacts | undefined> {
    this.check(`image ${ref}`);
    return (this.options.images ?? { alpine: { user: '', exposedPorts: [] } })[ref];
  }

  async info(): Promise<EngineInfo> {
    this.check('info');
    return this.options.info ?? { apparmor: false, loggingDriver: 'json-file' };
  }

  async inspectNetwork(name: string): Promise<NetworkState | undefined> {
    this.check(`network ${name}`);
    return this.options.networks?.[name];
  }

  async createNetwork(name: string, spec?: NetworkSpec): Promise<void> {
    this.check(`create ${name}`);
    this.created.push(name);
    this.specs[name] = spec;
    this.events.push(`create ${name}`);
  }

  async listNetworks(label: string): Promise<string[]> {
    this.check(`list ${label}`);
    return Object.entries(this.options.networks ?? {}).filter(([, n]) => n.labels?.[label] !== undefined).map(([name]) => name);
  }

  async removeNetwork(name: string): Promise<void> {
    this.check(`remove ${name}`);
    this.events.push(`remove ${name}`);
  }

  async connectNetwork(network: string, container: string, aliases: readonly string[]): Promise<void> {
    this.check(`connect ${network}`);
    this.events.push(`connect ${network} ${container} [${aliases.join(' ')}]`);
  }

  async disconnectNetwork(network: string, container: string): Promise<void> {
    this.check(`disconnect ${network}`);
    this.events.push(`disconnect ${network} ${container}`);
  }

  async inspectContainer(ref: string): Promise<ContainerState | undefined> {
    this.check(`container ${ref}`);
    return this.options.containers?.[ref];
  }

  async inspectVolume(name: string): Promise<VolumeState | undefined> {
    this.check(`volume ${name}`);
    return this.options.volumes?.[name];
  }
}

export interface MainResult {
  code: number;
  stdout: string;
  stderr: string;
  /** docker's argv without the judging socket's `-H` (judged: it had one). */
  runs: { file: string; args: readonly string[]; judged: boolean }[];
  engine: FakeEngine;
}

/** The `-H unix://` socket sdocker points docker at (src/judge/proxy.ts: a private folder sdocker-engine-XXXX). */
export const JUDGING_HOST = /^unix:\/\/.*\/sdocker-engine-[^/]+\/docker\.sock$/;

/** docker's argv with the judging socket's `-H` pair taken out, and whether it was there. */
export function withoutJudge(args: readonly string[]): { args: readonly string[]; judged: boolean } {
  const at = args.findIndex((word, i) => word === '-H' && JUDGING_HOST.test(args[i + 1] ?? ''));
  return at === -1 ? { args, judged: false } : { args: [...args.slice(0, at), ...args.slice(at + 2)], judged: true };
}

export interface RunMainOptions extends FakeEngineOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  exitCode?: number;
}

/** main() with fakes; HOME and XDG dirs point at an empty folder so no real config leaks in. */
export async function runMain(argv: readonly string[], options: RunMainOptions = {}): Promise<MainResult> {
  const engine = new FakeEngine(options);
  const result: MainResult = { code: -1, stdout: '', stderr: '', runs: [], engine };
  const deps: Deps = {
    env: options.env ?? { HOME: '/nonexistent-home', XDG_CONFIG_HOME: '/nonexistent-home/.config' },
    cwd: options.cwd ?? '/',
    stdout: (text) => (result.stdout += text),
    stderr: (text) => (result.stderr += text),
    docker: 'docker',
    run: async (file, raw) => {
      const { args, judged } = withoutJudge(raw);
      result.runs.push({ file, args, judged });
      engine.events.push(`docker ${args[0] ?? ''}`);
      return options.exitCode ?? 0;
    },
    onInterrupt: () => () => undefined,
    engineFor: async () => engine,
  };
  result.code = await main(argv, deps);
  return result;
}

/** The docker argv of the one run a hardened command made. */
export function dockerArgv(result: MainResult): readonly string[] {
  const run = result.runs.at(-1);
  if (run === undefined) throw new Error(`docker was not run; stderr: ${result.stderr}`);
  return run.args;
}
