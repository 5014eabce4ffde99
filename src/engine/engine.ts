// What sdocker asks the engine before a run: the image's user and exposed ports, whether the
// engine has AppArmor and which logging driver it uses, sdocker's network, and which named
// volumes exist already.
import type { ImageFacts } from '../policy/context.js';

export interface EngineInfo {
  readonly apparmor: boolean;
  readonly loggingDriver: string;
}

export interface NetworkState {
  /** Carries sdocker's label: sdocker created it. */
  readonly managed: boolean;
}

export interface VolumeState {
  readonly driver: string;
}

export interface Engine {
  /** Where the engine is, for messages. */
  readonly endpoint: string;
  /** The engine's socket when it is on this host (host path checks compare against it). */
  readonly socketPath: string | undefined;
  /** undefined when the image is not present locally. */
  inspectImage(ref: string): Promise<ImageFacts | undefined>;
  info(): Promise<EngineInfo>;
  inspectNetwork(name: string): Promise<NetworkState | undefined>;
  createNetwork(name: string): Promise<void>;
  /** undefined when no volume has that name (docker run would create it). */
  inspectVolume(name: string): Promise<VolumeState | undefined>;
}

/** The label sdocker puts on what it creates. */
export const MANAGED_LABEL = 'io.sdocker.managed';
/** Inter-container communication off on sdocker's bridge (docker network create -o). */
export const NETWORK_OPTIONS: Readonly<Record<string, string>> = { 'com.docker.network.bridge.enable_icc': 'false' };

export function imageFacts(config: { User?: string; ExposedPorts?: Record<string, unknown> | null } | null | undefined): ImageFacts {
  return { user: config?.User ?? '', exposedPorts: Object.keys(config?.ExposedPorts ?? {}) };
}

export function hasAppArmor(securityOptions: readonly string[] | null | undefined): boolean {
  return (securityOptions ?? []).some((opt) => opt === 'apparmor' || opt.split(',').includes('name=apparmor'));
}
