// What the user asked for when a container was created, read back from its inspect: the flags
// of a `docker run` that re-creates it, without what the image and the engine supplied. The
// inspect fields are the Engine API's (v1.41, engine 20.10), typed here as far as a fix reads
// them; values measured on that engine are cited where they decide what counts as a default.
import type { EngineSnapshot, RawContainer, RawImage } from '../types.js';

/** One flag as run words (`['--env', 'A=1']`). */
export interface Piece {
  readonly words: readonly string[];
  /** Words of another piece: this one stands in for it, and goes when that one is kept. */
  readonly insteadOf?: readonly string[];
}

export interface Intent {
  readonly pieces: Piece[];
  /** What could not be recovered, one line each. */
  readonly lost: string[];
}

/** Everything the reading depends on. */
export interface Origin {
  readonly raw: RawContainer;
  /** The image's config; undefined when the image is not in the snapshot. */
  readonly image: RawImage['Config'] | undefined;
  readonly engine: EngineSnapshot;
  /** The daemon's default log-opts (daemon.json `log-opts`), when known: the engine copies them into every container of its default driver. */
  readonly daemonLogOptions?: Readonly<Record<string, string>> | undefined;
  /** The policy's seccomp profile, compacted as docker's CLI sends it: a container that has it got it from sdocker. */
  readonly policySeccomp?: string | undefined;
}

export function flag(long: string, value?: string): Piece {
  return { words: value === undefined ? [`--${long}`] : [`--${long}`, value] };
}

export interface RawMountSpec {
  readonly Type?: string;
  readonly Source?: string;
  readonly Target?: string;
  readonly ReadOnly?: boolean;
  readonly Consistency?: string;
  readonly BindOptions?: { readonly Propagation?: string; readonly NonRecursive?: boolean } | null;
  readonly VolumeOptions?: {
    readonly NoCopy?: boolean;
    readonly Labels?: Readonly<Record<string, string>> | null;
    readonly DriverConfig?: { readonly Name?: string; readonly Options?: Readonly<Record<string, string>> | null } | null;
  } | null;
  readonly TmpfsOptions?: { readonly SizeBytes?: number; readonly Mode?: number } | null;
}

/** The HostConfig fields a fix reads (a type alias, so the inspect record can be read as it). */
export type RawHostConfig = {
  readonly Binds?: readonly string[] | null;
  readonly Mounts?: readonly RawMountSpec[] | null;
  readonly Tmpfs?: Readonly<Record<string, string>> | null;
  readonly VolumesFrom?: readonly string[] | null;
  readonly VolumeDriver?: string;
  readonly NetworkMode?: string;
  readonly PortBindings?: Readonly<Record<string, readonly { readonly HostIp?: string; readonly HostPort?: string }[] | null>> | null;
  readonly PublishAllPorts?: boolean;
  readonly Links?: readonly string[] | null;
  readonly Dns?: readonly string[] | null;
  readonly DnsOptions?: readonly string[] | null;
  readonly DnsSearch?: readonly string[] | null;
  readonly ExtraHosts?: readonly string[] | null;
  readonly RestartPolicy?: { readonly Name?: string; readonly MaximumRetryCount?: number } | null;
  readonly AutoRemove?: boolean;
  readonly LogConfig?: { readonly Type?: string; readonly Config?: Readonly<Record<string, string>> | null } | null;
  readonly CapAdd?: readonly string[] | null;
  readonly CapDrop?: readonly string[] | null;
  readonly Privileged?: boolean;
  readonly SecurityOpt?: readonly string[] | null;
  readonly MaskedPaths?: readonly string[] | null;
  readonly PidMode?: string;
  readonly IpcMode?: string;
  readonly UTSMode?: string;
  readonly UsernsMode?: string;
  readonly CgroupnsMode?: string;
  readonly CgroupParent?: string;
  readonly Devices?: readonly { readonly PathOnHost?: string; readonly PathInContainer?: string; readonly CgroupPermissions?: string }[] | null;
  readonly DeviceCgroupRules?: readonly string[] | null;
  readonly DeviceRequests?: readonly unknown[] | null;
  readonly GroupAdd?: readonly string[] | null;
  readonly Sysctls?: Readonly<Record<string, string>> | null;
  readonly Init?: boolean | null;
  readonly ReadonlyRootfs?: boolean;
  readonly Runtime?: string;
  readonly Memory?: number;
  readonly MemorySwap?: number;
  readonly MemoryReservation?: number;
  readonly MemorySwappiness?: number | null;
  readonly NanoCpus?: number;
  readonly CpuShares?: number;
  readonly CpuPeriod?: number;
  readonly CpuQuota?: number;
  readonly CpusetCpus?: string;
  readonly CpusetMems?: string;
  readonly PidsLimit?: number | null;
  readonly Ulimits?: readonly { readonly Name: string; readonly Soft: number; readonly Hard: number }[] | null;
  readonly OomKillDisable?: boolean | null;
  readonly OomScoreAdj?: number;
  readonly ShmSize?: number;
  readonly BlkioWeight?: number;
};

export function hostConfig(raw: RawContainer): RawHostConfig {
  return raw.HostConfig as RawHostConfig;
}

export function networkMode(raw: RawContainer): string {
  return hostConfig(raw).NetworkMode ?? 'default';
}

/** A list field of inspect: null, absent and [] alike. */
export function list<T>(value: readonly T[] | null | undefined): readonly T[] {
  return value ?? [];
}

/** Record entries, in their order: null and absent alike. */
export function entries<T>(value: Readonly<Record<string, T>> | null | undefined): [string, T][] {
  return Object.entries(value ?? {});
}
