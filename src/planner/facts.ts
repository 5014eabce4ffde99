// Facts a plan depends on, gathered once and in parallel: the engine's answers and the host's
// file system. A dry run works without an engine: what cannot be asked stays unknown.
import { lstatSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { appArmorState } from '../policy/apparmor.js';
import { scanDevices } from './host-devices.js';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import type { Engine, EngineInfo, NetworkState, VolumeState } from '../engine/engine.js';
import { asksAnything, gatherInherited, type InheritAsk } from './inherited-facts.js';
import { UNKNOWN_FACTS, type EngineFacts, type HostFacts, type ImageFacts, type PathKind, type RuleContext } from '../policy/context.js';
import type { LoadedPolicy } from '../policy/load.js';
import { resolveSeccomp } from '../policy/seccomp.js';

export interface GatherRequest {
  readonly engine: Engine;
  readonly image: string;
  readonly apparmorProfile: string;
  readonly dryRun: boolean;
  /** Pull the image (`missing`: because it is not present); undefined: never pull. */
  readonly pull: ((missing: boolean) => Promise<number>) | undefined;
  /** --pull always: pull before inspecting. */
  readonly pullFirst: boolean;
  /** The network the run will likely join, asked about at the same time as the rest. */
  readonly network: string | undefined;
  /** Named volumes the run mounts: whether each exists is asked at the same time. */
  readonly volumes: readonly string[];
  /** What the run borrows (--volumes-from, `container:` namespaces, named volumes): asked only when it borrows. */
  readonly inherit?: InheritAsk;
}

export interface Gathered {
  readonly facts: EngineFacts;
  /** Why something is unknown (dry runs only; a real run fails instead). */
  readonly unknown: string | undefined;
  /** The state of `network`: undefined when it does not exist or was not asked about. */
  readonly network: NetworkState | undefined;
}

export async function gatherFacts(request: GatherRequest): Promise<Gathered> {
  const { engine } = request;
  try {
    if (request.pullFirst && request.pull !== undefined) await pullOrFail(request.pull, false);
    const network = request.network === undefined ? undefined : engine.inspectNetwork(request.network);
    // Awaited below; until then a failure must not count as unhandled when another question fails first.
    network?.catch(() => undefined);
    const volume = askOnce((name: string) => engine.inspectVolume(name));
    const inherited = request.inherit !== undefined && asksAnything(request.inherit) ? gatherInherited(engine, request.inherit, volume) : undefined;
    inherited?.catch(() => undefined);
    const volumes = existingVolumes(volume, request.volumes);
    let [image, info] = await Promise.all([engine.inspectImage(request.image), engine.info()]);
    if (image === undefined && request.pull !== undefined && !request.pullFirst) {
      await pullOrFail(request.pull, true);
      image = await engine.inspectImage(request.image);
    }
    const facts = { ...engineFacts(image, info, engine, request.apparmorProfile), volumes: await volumes, ...(inherited === undefined ? {} : { inherited: await inherited }) };
    return { facts, unknown: undefined, network: await network };
  } catch (error) {
    if (!request.dryRun) throw error;
    return { facts: UNKNOWN_FACTS, unknown: error instanceof Error ? error.message : String(error), network: undefined };
  }
}

/** Which volumes exist; one the engine would not answer for is left out (it only feeds a notice). */
async function existingVolumes(volume: (name: string) => Promise<VolumeState | undefined>, names: readonly string[]): Promise<ReadonlyMap<string, boolean>> {
  const answers = await Promise.all([...new Set(names)].map(async (name) => [name, await volume(name).then((state) => state !== undefined, () => undefined)] as const));
  return new Map(answers.filter((answer): answer is readonly [string, boolean] => answer[1] !== undefined));
}

/** One question per name, however many parts of the gathering ask it. */
function askOnce<T>(ask: (name: string) => Promise<T>): (name: string) => Promise<T> {
  const asked = new Map<string, Promise<T>>();
  return (name) => {
    const answer = asked.get(name) ?? ask(name);
    asked.set(name, answer);
    return answer;
  };
}

/** A failed pull ends the run, as a failed pull ends docker run. */
export class PullFailed extends Error {
  constructor(readonly exitCode: number) {
    super(`pull failed with exit code ${exitCode}`);
  }
}

async function pullOrFail(pull: (missing: boolean) => Promise<number>, missing: boolean): Promise<void> {
  const code = await pull(missing);
  if (code !== 0) throw new PullFailed(code);
}

function engineFacts(image: ImageFacts | undefined, info: EngineInfo, engine: Engine, profile: string): EngineFacts {
  const local = engine.socketPath !== undefined;
  const apparmorLoaded = !info.apparmor ? false : local ? appArmorState(profile).kind === 'loaded' : undefined;
  return { image, apparmor: info.apparmor, apparmorLoaded, loggingDriver: info.loggingDriver, ...(info.rootDir === undefined ? {} : { rootDir: info.rootDir }), ...(info.apiVersion === undefined ? {} : { apiVersion: info.apiVersion }) };
}

/** What every rule of a run reads, before the engine is asked anything (refusals come first). */
export function baseContext(sub: RuleContext['sub'], items: RuleContext['items'], loaded: LoadedPolicy, engine: Engine, cwd: string, image: string | undefined): RuleContext {
  return {
    sub,
    items,
    policy: loaded.policy,
    facts: UNKNOWN_FACTS,
    host: hostFacts(engine),
    cwd,
    seccompFile: resolveSeccomp(loaded.policy.seccomp),
    ...(image === undefined ? {} : { image }),
  };
}

/** Host file-system answers; for a remote engine paths are only normalised (they name the remote host's files). */
export function hostFacts(engine: Engine): HostFacts {
  return socketHostFacts(engine.socketPath);
}

/** The same, from the engine's socket on this host (undefined: the engine is elsewhere). */
export function socketHostFacts(socketPath: string | undefined): HostFacts {
  if (socketPath === undefined) return { realpath: (path) => resolve(path), kind: () => undefined, engineSocket: undefined };
  return { realpath: resolveExisting, kind: pathKind, engineSocket: resolveExisting(socketPath), devices: scanDevices, lookup: lookupPaths };
}

/** The path, every symlink its lookup meets (where the link itself lives), and where it ends. */
export function lookupPaths(path: string): string[] {
  const start = resolve(path);
  const seen = [start];
  let current: string = sep;
  const rest = start.split(sep).filter(Boolean);
  for (let hops = 0; rest.length > 0 && hops < 64; hops += 1) {
    const next = join(current, rest.shift() as string);
    const link = readLink(next);
    if (link === undefined) {
      current = next;
      continue;
    }
    seen.push(next);
    rest.unshift(...(isAbsolute(link) ? link : join(current, link)).split(sep).filter(Boolean));
    current = sep;
  }
  seen.push(join(current, ...rest));
  return [...new Set(seen)];
}

function readLink(path: string): string | undefined {
  try {
    return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : undefined;
  } catch {
    return undefined;
  }
}

/** What is at a path; one that cannot be looked at (EACCES) counts as `other`, which no rule lets through. */
export function pathKind(path: string): PathKind {
  try {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat === undefined) return 'missing';
    return stat.isFile() ? 'file' : stat.isDirectory() ? 'folder' : 'other';
  } catch {
    return 'other';
  }
}

/** realpath of the longest existing prefix, with the rest appended: docker -v creates missing folders. */
export function resolveExisting(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync.native(absolute);
  } catch {
    const parent = dirname(absolute);
    return parent === absolute ? absolute : join(resolveExisting(parent), basename(absolute));
  }
}
