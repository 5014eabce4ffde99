// Which services compose learn learns, and how each is watched: the services as docker-compose
// itself reads the file (`config`: interpolation, extends, merges), those named or, by default,
// those whose image has no profile; the image's exposed TCP ports are watched as learn watches them.
import { dirname } from 'node:path';
import { capture } from '../common/exec.js';
import { EXIT_USAGE, SdockerError } from '../common/errors.js';
import { chooseEngine } from '../engine/choose.js';
import type { Engine } from '../engine/engine.js';
import { tmpfsPath } from '../policy/defaults.js';
import { loadPolicy, type LoadedPolicy } from '../policy/load.js';
import { parseYamlData } from '../yaml/index.js';
import type { ContainerSpec } from '../learn/reference.js';
import { allNeeds } from './batch.js';

export interface Definition {
  readonly image?: string;
  readonly depends_on?: readonly string[] | Readonly<Record<string, unknown>>;
}

function directNeeds(definition: Definition | undefined): string[] {
  const needs = definition?.depends_on ?? [];
  return Array.isArray(needs) ? [...needs] : Object.keys(needs);
}

/** A service after what it depends on: the order services are reported and tried in. */
function dependenciesFirst(services: Readonly<Record<string, Definition>>): string[] {
  const order: string[] = [];
  const visit = (name: string, path: readonly string[]): void => {
    if (order.includes(name) || path.includes(name) || services[name] === undefined) return;
    for (const need of directNeeds(services[name])) visit(need, [...path, name]);
    order.push(name);
  };
  for (const name of Object.keys(services)) visit(name, []);
  return order;
}

export interface Target {
  readonly service: string;
  readonly image: string;
  readonly loaded: LoadedPolicy;
  readonly spec: ContainerSpec;
  /** The services it depends on, directly or not. */
  readonly needs: readonly string[];
}

export interface TargetRequest {
  readonly compose: string;
  readonly docker: string;
  readonly file: string;
  readonly named: readonly string[];
  readonly profile: string;
  readonly env: NodeJS.ProcessEnv;
}

/** The services as docker-compose reads the file, dependencies first; a named service it lacks is an error before anything runs. */
export async function readServices(request: TargetRequest): Promise<[string, Definition][]> {
  const config = await capture(request.compose, ['-f', request.file, 'config'], undefined, dirname(request.file));
  if (config.exitCode !== 0) throw new SdockerError(`sdocker learn: ${request.compose} cannot read ${request.file}: ${config.stderr.trim().split('\n').at(-1) ?? ''}`, EXIT_USAGE);
  const services = ((parseYamlData(config.stdout, request.file) as { services?: Record<string, Definition> }).services ?? {});
  const unknown = request.named.filter((name) => services[name] === undefined);
  if (unknown.length > 0) throw new SdockerError(`sdocker learn: ${request.file} has no service ${unknown.join(', ')}; its services: ${Object.keys(services).join(', ')}`, EXIT_USAGE);
  return dependenciesFirst(services).map((name) => [name, services[name] ?? {}]);
}

/** Those named, or those whose image has no profile; read once the reference run has the images here. */
export async function learnTargets(request: TargetRequest, services: readonly [string, Definition][]): Promise<Target[]> {
  const targets: Target[] = [];
  const engine = chooseEngine([], request.env, request.docker, dirname(request.file));
  const needs = allNeeds(new Map(services.map(([name, definition]) => [name, directNeeds(definition)])));
  for (const [service, definition] of services) {
    if (request.named.length > 0 && !request.named.includes(service)) continue;
    const image = definition.image;
    if (image === undefined) continue;
    const loaded = await loadPolicy({ profile: request.profile, env: request.env, cwd: dirname(request.file), cliAllow: [], image });
    if (request.named.length === 0 && loaded.imageProfile !== undefined) continue;
    targets.push({ service, image, loaded, spec: await specOf(engine, image, loaded), needs: needs.get(service) ?? [] });
  }
  return targets;
}

async function specOf(engine: Engine, image: string, loaded: LoadedPolicy): Promise<ContainerSpec> {
  const exposed = (await engine.inspectImage(image))?.exposedPorts ?? [];
  return {
    image, args: [], flags: [], required: [], probeCmd: [], settleMs: 3000, waitMs: 60_000,
    ports: exposed.filter((port) => port.endsWith('/tcp')),
    writable: loaded.policy.tmpfs.paths.map(tmpfsPath),
  };
}
