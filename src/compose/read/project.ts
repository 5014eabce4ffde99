// A compose project as compose resolves it for the settings the refusal checks read: every value
// interpolated (with the project's `.env`), `extends` followed across services and files and
// merged as compose merges (v1 config.py merge_service_dicts; compose-go override/merge.go and
// uncity.go): scalars are overridden, volumes and devices merged by container path, other lists
// joined. Each value keeps where it was written, so a finding can name where it came from.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SdockerError } from '../../common/errors.js';
import { ComposeDocument, type Path } from '../../yaml/index.js';
import { projectEnv } from './dotenv.js';
import { interpolateTree, Unresolved, type Env } from './interpolate.js';

export const SCALAR_KEYS = ['privileged', 'use_api_socket', 'network_mode', 'pid', 'ipc', 'uts', 'userns_mode', 'cgroup', 'cgroup_parent', 'build'] as const;
export const LIST_KEYS = ['cap_add', 'security_opt', 'device_cgroup_rules', 'volumes', 'volumes_from', 'devices', 'secrets', 'configs', 'networks'] as const;
/** Lists whose entries an override replaces by container path rather than adds to. */
const BY_TARGET = new Set(['volumes', 'devices']);

/** One value as written: in which file, on which service, at which path. */
export interface Written {
  readonly value: unknown;
  readonly file: string;
  readonly service: string;
  readonly path: Path;
}

/** A service's checked settings after `extends`, and what compose would refuse on the way. */
export interface Resolved {
  readonly values: ReadonlyMap<string, readonly Written[]>;
  readonly problems: readonly { readonly at: Written; readonly message: string }[];
}

interface FileData {
  readonly services: Readonly<Record<string, unknown>>;
  readonly volumes: Readonly<Record<string, unknown>>;
  /** Top-level secrets and configs: a `file:` one is bind-mounted into the container (outside a swarm). */
  readonly secrets: Readonly<Record<string, unknown>>;
  readonly configs: Readonly<Record<string, unknown>>;
  /** Top-level networks: one named `host` is the host's namespace (network-settings.ts). */
  readonly networks: Readonly<Record<string, unknown>>;
}

export class ComposeProject {
  readonly env: Env;
  private readonly files = new Map<string, FileData>();
  private readonly resolved = new Map<string, Resolved>();

  /**
   * `options.beneath`: the files compose merges this one over (an override file over the main
   * one, the earlier COMPOSE_FILE parts), in order: each service is theirs merged with this
   * file's, as compose merges files (v1 merge_service_dicts, the same merge as `extends`), and
   * their services and top-level keys are this project's too. `options.dotenv` false: the
   * project's `.env` is not read (docker stack deploy never reads it).
   */
  constructor(
    readonly file: string,
    data: Readonly<Record<string, unknown>>,
    env: Env,
    private readonly options: { readonly beneath?: readonly string[]; readonly dotenv?: boolean } = {},
  ) {
    this.env = options.dotenv === false ? env : projectEnv(dirname(file), env);
    this.files.set(file, this.interpolated(data));
  }

  /** The files merged under this one, in order. */
  get beneath(): readonly string[] {
    return this.options.beneath ?? [];
  }

  /** The top-level volumes, interpolated (this file's over those beneath it). */
  get volumes(): Readonly<Record<string, unknown>> {
    return this.top('volumes');
  }

  /** The top-level networks, interpolated. */
  get networks(): Readonly<Record<string, unknown>> {
    return this.top('networks');
  }

  /** The top-level secrets or configs, interpolated. */
  topFiles(kind: 'secrets' | 'configs'): Readonly<Record<string, unknown>> {
    return this.top(kind);
  }

  /** The main file's service names. */
  get serviceNames(): string[] {
    return Object.keys((this.files.get(this.file) as FileData).services);
  }

  has(service: string): boolean {
    return [...this.beneath, this.file].some((file) => Object.hasOwn(this.load(file).services, service));
  }

  private top(key: Exclude<keyof FileData, 'services'>): Readonly<Record<string, unknown>> {
    return Object.assign({}, ...[...this.beneath, this.file].map((file) => this.load(file)[key])) as Record<string, unknown>;
  }

  /** A service of the main file, resolved (memoised). */
  service(name: string): Resolved {
    const known = this.resolved.get(name);
    if (known !== undefined) return known;
    const result = [...this.beneath, this.file]
      .filter((file) => Object.hasOwn(this.load(file).services, name))
      .map((file) => this.resolve(file, name, []))
      .reduce((under, over) => ({ values: mergeValues(under.values, over.values), problems: [...under.problems, ...over.problems] }), { values: new Map(), problems: [] } as Resolved);
    this.resolved.set(name, result);
    return result;
  }

  private interpolated(data: Readonly<Record<string, unknown>>): FileData {
    const mapping = (value: unknown): Record<string, unknown> => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
    const top = (key: string): Record<string, unknown> => mapping(interpolateTree(mapping(data[key]), this.env));
    return { services: top('services'), volumes: top('volumes'), secrets: top('secrets'), configs: top('configs'), networks: top('networks') };
  }

  private load(file: string): FileData {
    const known = this.files.get(file);
    if (known !== undefined) return known;
    const loaded = this.interpolated(new ComposeDocument(readFileSync(file, 'utf8'), file).data);
    this.files.set(file, loaded);
    return loaded;
  }

  private resolve(file: string, name: string, chain: readonly string[]): Resolved {
    const raw = this.load(file).services[name];
    const data = (raw !== null && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
    const own = ownValues(file, name, data);
    if (data['extends'] === undefined || data['extends'] === null) return { values: own, problems: [] };
    const at: Written = { value: data['extends'], file, service: name, path: ['services', name, 'extends'] };
    const target = extendsTarget(data['extends'], file);
    if (typeof target === 'string') return { values: own, problems: [{ at, message: target }] };
    const key = `${target.file}#${target.service}`;
    if (chain.includes(key)) return { values: own, problems: [{ at, message: `extends of service '${name}' is circular` }] };
    try {
      if (!Object.hasOwn(this.load(target.file).services, target.service)) {
        return { values: own, problems: [{ at, message: `extends names service '${target.service}', which ${target.file} does not define` }] };
      }
    } catch (error) {
      const message = error instanceof SdockerError ? error.message.replace(/^sdocker: /, '') : `cannot read ${target.file}`;
      return { values: own, problems: [{ at, message: `extends: ${message}` }] };
    }
    const base = this.resolve(target.file, target.service, [...chain, `${file}#${name}`]);
    return { values: mergeValues(base.values, own), problems: base.problems };
  }
}

/** `extends: NAME` or `extends: {service, file}`; a string is why compose refuses it. */
function extendsTarget(value: unknown, file: string): { file: string; service: string } | string {
  if (value instanceof Unresolved) return value.reason;
  if (typeof value === 'string') return { file, service: value };
  const { service, file: other } = (typeof value === 'object' && value !== null ? value : {}) as { service?: unknown; file?: unknown };
  if (service instanceof Unresolved) return service.reason;
  if (other instanceof Unresolved) return other.reason;
  if (typeof service !== 'string') return 'extends names no service';
  return { file: typeof other === 'string' ? resolve(dirname(file), other) : file, service };
}

function ownValues(file: string, service: string, data: Readonly<Record<string, unknown>>): Map<string, Written[]> {
  const values = new Map<string, Written[]>();
  for (const key of SCALAR_KEYS) {
    if (data[key] !== undefined && data[key] !== null) values.set(key, [{ value: data[key], file, service, path: ['services', service, key] }]);
  }
  for (const key of LIST_KEYS) {
    const value = data[key];
    if (value === undefined || value === null) continue;
    const items = Array.isArray(value) ? value.map((item, i) => ({ value: item as unknown, path: ['services', service, key, i] })) : [{ value, path: ['services', service, key] }];
    values.set(key, items.map((item) => ({ ...item, file, service })));
  }
  return values;
}

function mergeValues(base: ReadonlyMap<string, readonly Written[]>, own: ReadonlyMap<string, readonly Written[]>): Map<string, Written[]> {
  const merged = new Map<string, Written[]>();
  for (const key of new Set([...base.keys(), ...own.keys()])) {
    const under = base.get(key) ?? [];
    const over = own.get(key) ?? [];
    if ((SCALAR_KEYS as readonly string[]).includes(key)) merged.set(key, [...(over.length > 0 ? over : under)]);
    else if (BY_TARGET.has(key)) {
      const targets = new Set(over.map((w) => containerPath(w.value)));
      merged.set(key, [...under.filter((w) => containerPath(w.value) === undefined || !targets.has(containerPath(w.value))), ...over]);
    } else merged.set(key, [...under, ...over]);
  }
  return merged;
}

/** The container path of a volume or device entry (`SRC:DST[:MODE]`, `DST`, or `{target}`). */
export function containerPath(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const parts = value.split(':');
    return parts.length === 1 ? parts[0] : parts[1];
  }
  const target = (value as { target?: unknown } | null)?.target;
  return typeof target === 'string' ? target : undefined;
}
