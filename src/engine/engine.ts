// What sdocker asks the engine before a run: the image's user and exposed ports, whether the
// engine has AppArmor and which logging driver it uses, sdocker's network, and which named
// volumes exist already.
import type { ImageFacts } from '../policy/context.js';
import type { ContainerConfig, VolumeDefinition } from '../policy/inherited-facts.js';

export interface EngineInfo {
  readonly apparmor: boolean;
  readonly loggingDriver: string;
  /** DockerRootDir: the engine's state (/var/lib/docker, a custom data-root, rootless ~/.local/share/docker). */
  readonly rootDir?: string;
  /** The engine's API version (1.41 for 20.10): `--cgroupns` needs 1.41. Absent where not asked (a remote engine). */
  readonly apiVersion?: string;
  /** `1` or `2` (docker info CgroupVersion). */
  readonly cgroupVersion?: string;
}

export interface NetworkState {
  /** Carries sdocker's label: sdocker created it. */
  readonly managed: boolean;
  /** Its labels (link networks name their pair in them); absent where an engine did not say. */
  readonly labels?: Readonly<Record<string, string>>;
  /** When the engine created it (RFC 3339). */
  readonly created?: string;
  /** Names of the running containers attached to it. */
  readonly containers?: readonly string[];
}

/** How sdocker creates a network other than its own bridge (a link network). */
export interface NetworkSpec {
  readonly labels: Readonly<Record<string, string>>;
  readonly options: Readonly<Record<string, string>>;
  /** No route out of the host (docker network create --internal). */
  readonly internal: boolean;
}

export interface ContainerState {
  /** Its name, without docker's leading slash. */
  readonly name: string;
  /** The networks it is configured on (a created, never started container lists them too). */
  readonly networks: readonly string[];
  /** What a run that borrows from it inherits (namespaces, mounts); absent where an engine did not say. */
  readonly config?: ContainerConfig;
}

/** A volume's definition (docker volume inspect): its driver and the options it was created with. */
export type VolumeState = VolumeDefinition;

export interface Engine {
  /** Where the engine is, for messages. */
  readonly endpoint: string;
  /** The engine's socket when it is on this host (host path checks compare against it). */
  readonly socketPath: string | undefined;
  /** undefined when the image is not present locally. */
  inspectImage(ref: string): Promise<ImageFacts | undefined>;
  info(): Promise<EngineInfo>;
  inspectNetwork(name: string): Promise<NetworkState | undefined>;
  /** Without a spec: sdocker's own bridge (labelled, inter-container traffic off). */
  createNetwork(name: string, spec?: NetworkSpec): Promise<void>;
  /** Names of the networks carrying `label` (any value). */
  listNetworks(label: string): Promise<string[]>;
  removeNetwork(name: string): Promise<void>;
  /** Attach a container; one already attached counts as done. */
  connectNetwork(network: string, container: string, aliases: readonly string[]): Promise<void>;
  disconnectNetwork(network: string, container: string): Promise<void>;
  /** undefined when no container has that name or id. */
  inspectContainer(ref: string): Promise<ContainerState | undefined>;
  /** undefined when no volume has that name (docker run would create it). */
  inspectVolume(name: string): Promise<VolumeState | undefined>;
}

/** The label sdocker puts on what it creates. */
export const MANAGED_LABEL = 'io.sdocker.managed';
/** Inter-container communication off on sdocker's bridge (docker network create -o). */
export const NETWORK_OPTIONS: Readonly<Record<string, string>> = { 'com.docker.network.bridge.enable_icc': 'false' };
/** sdocker's own bridge, as `createNetwork` makes it without a spec. */
export const SDOCKER_NETWORK: NetworkSpec = { labels: { [MANAGED_LABEL]: 'true' }, options: NETWORK_OPTIONS, internal: false };

/** docker answers 403 "endpoint with name X already exists in network N" to a second connect. */
export function alreadyConnected(message: string): boolean {
  return /already exists in network/i.test(message);
}

export function imageFacts(config: { User?: string; ExposedPorts?: Record<string, unknown> | null } | null | undefined, id?: string): ImageFacts {
  return { user: config?.User ?? '', exposedPorts: Object.keys(config?.ExposedPorts ?? {}), ...(id ? { id } : {}) };
}

/** The parts of a container's inspect that `--volumes-from` and `container:` namespaces pass on. */
export interface RawContainerConfig {
  HostConfig?: { NetworkMode?: string; PidMode?: string; IpcMode?: string } | null;
  Mounts?: { Type?: string; Name?: string; Source?: string; Destination?: string; Driver?: string; RW?: boolean }[] | null;
}

export function containerConfig(raw: RawContainerConfig): ContainerConfig {
  const host = raw.HostConfig ?? {};
  const mounts = (raw.Mounts ?? []).map((m) => ({
    type: m.Type ?? '',
    source: m.Source ?? '',
    destination: m.Destination ?? '',
    rw: m.RW !== false,
    ...(m.Name ? { name: m.Name } : {}),
    ...(m.Driver ? { driver: m.Driver } : {}),
  }));
  return { networkMode: host.NetworkMode ?? '', pidMode: host.PidMode ?? '', ipcMode: host.IpcMode ?? '', mounts };
}

export function volumeDefinition(raw: { Driver?: string; Options?: Record<string, string> | null }): VolumeDefinition {
  return { driver: raw.Driver || 'local', options: raw.Options ?? {} };
}

export function hasAppArmor(securityOptions: readonly string[] | null | undefined): boolean {
  return (securityOptions ?? []).some((opt) => opt === 'apparmor' || opt.split(',').includes('name=apparmor'));
}
