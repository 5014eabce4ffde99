// What a rule sees: the user's docker options (read-only), the merged policy, and facts
// about the engine and the host. Rules are pure functions of this context.
import type { Item, Opt } from '../docker/parse.js';
import { parseBool } from '../docker/parse.js';
import type { InheritedFacts } from './inherited-facts.js';
import type { Policy } from './schema.js';

/** Hidden aliases docker still accepts, folded onto the documented name. */
const ALIASES: Readonly<Record<string, string>> = { net: 'network', 'net-alias': 'network-alias', 'dns-opt': 'dns-option' };

export interface ImageFacts {
  /** Config.User of the image ('' is root). */
  readonly user: string;
  /** Config.ExposedPorts keys, e.g. `80/tcp`. */
  readonly exposedPorts: readonly string[];
  /** The image's id (sha256:...), where the engine said it. */
  readonly id?: string;
}

/** What the engine told us; `undefined` where it could not be asked (a dry run without an engine). */
export interface EngineFacts {
  readonly image: ImageFacts | undefined;
  readonly apparmor: boolean | undefined;
  /** Whether sdocker's AppArmor profile is loaded on the engine's host. */
  readonly apparmorLoaded: boolean | undefined;
  readonly loggingDriver: string | undefined;
  /** Whether each named volume the run mounts exists already; absent where not asked. */
  readonly volumes?: ReadonlyMap<string, boolean>;
  /** The engine's data root (docker info DockerRootDir), secret like /var/lib/docker. */
  readonly rootDir?: string;
  /** The engine's API version (docker info's Api-Version header); absent where not asked. */
  readonly apiVersion?: string;
  /** What --volumes-from, `container:` namespaces and named volumes bring in; absent where not asked. */
  readonly inherited?: InheritedFacts;
}

/** `other`: a socket, a device node or a pipe. */
export type PathKind = 'file' | 'folder' | 'other' | 'missing';

/** Before the engine is asked (refusals first), and in a dry run without an engine. */
export const UNKNOWN_FACTS: EngineFacts = { image: undefined, apparmor: undefined, apparmorLoaded: undefined, loggingDriver: undefined };

/** A device node on the engine's host: block, character or FIFO, with its numbers. */
export interface DeviceNode {
  readonly path: string;
  readonly type: 'b' | 'c' | 'p';
  readonly major: number;
  readonly minor: number;
  /** The kernel subsystem sysfs names for it (`scsi_generic`, `misc`), where sysfs says. */
  readonly subsystem?: string;
}

/** What docker hands over for a `--device` host path (moby oci.DevicesFromPath). */
export interface DeviceScan {
  /** The path with its symlinks resolved. */
  readonly resolved: string;
  /** false: nothing is there now (docker looks the path up again when the container starts). */
  readonly exists: boolean;
  /** The node itself, or every node below a folder (symlinks inside it are not followed). */
  readonly nodes: readonly DeviceNode[];
  /** The folder held more entries than sdocker looks at. */
  readonly truncated: boolean;
}

/** Questions about the host's file system, answered by the caller (tests pass a fake). */
export interface HostFacts {
  /** The path with symlinks resolved, or normalised if it does not exist. */
  realpath(path: string): string;
  /** What is at a path, symlinks followed; `undefined` where the host cannot be looked at (a remote engine). */
  kind(path: string): PathKind | undefined;
  /** The engine's own socket, resolved, when the engine is local. */
  readonly engineSocket: string | undefined;
  /** The device nodes a `--device` host path gives; absent or undefined where the host cannot be looked at. */
  devices?(path: string): DeviceScan | undefined;
  /** The paths a lookup of `path` passes through: the path, each symlink met (where it lives), and the end; absent where the host cannot be looked at. */
  lookup?(path: string): string[];
}

export interface RuleContext {
  readonly sub: 'run' | 'create' | 'exec';
  readonly items: readonly Item[];
  readonly policy: Policy;
  readonly facts: EngineFacts;
  readonly host: HostFacts;
  readonly cwd: string;
  /** Absolute path of the seccomp profile to inject ('' for none). */
  readonly seccompFile: string;
  /** The name sdocker gives a container that needs one (--link) when the user gave none. */
  readonly generatedName?: string;
  /** The image reference of a run or create, for commands sdocker suggests. */
  readonly image?: string;
}

/** The user's options, by documented long name. */
export class OptionView {
  private readonly opts: readonly Opt[];

  /** `own`: view sdocker's own `--sd-*` options instead of docker's. */
  constructor(items: readonly Item[], own = false) {
    this.opts = items.flatMap((item) => item.opts).filter((opt) => (opt.spec.own === true) === own);
  }

  values(long: string): string[] {
    return this.opts.filter((opt) => canonical(opt.spec.long) === long).map((opt) => opt.value);
  }

  has(long: string): boolean {
    return this.values(long).length > 0;
  }

  last(long: string): string | undefined {
    return this.values(long).at(-1);
  }

  /** A bool flag's effective value; a value docker would reject counts as set (fail closed). */
  isOn(long: string): boolean {
    const value = this.last(long);
    return value !== undefined && parseBool(value) !== false;
  }
}

export function canonical(long: string): string {
  return ALIASES[long] ?? long;
}
