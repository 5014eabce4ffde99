// How compose merges an `extends` base service with the service extending it, key by key, as
// compose v1 1.29 does (compose/config/config.py merge_service_dicts). compose-go
// (override/merge.go) agrees on what survives: it merges every mapping key by key and appends
// lists, so an entry added on the extending service joins the base's in both.
import { containerPath } from './project.js';

type Data = Record<string, unknown>;

const MAPPINGS = new Set(['environment', 'labels', 'ulimits', 'sysctls', 'depends_on', 'storage_opt', 'extra_hosts', 'networks']);
/** merge_unique_items_lists: the union of both (v1 sorts it). */
const UNIQUE = new Set(['cap_add', 'cap_drop', 'expose', 'external_links', 'volumes_from', 'device_cgroup_rules', 'profiles', 'security_opt']);
/** merge_list_or_string: both, the base's first. */
const JOINED = new Set(['dns', 'dns_search', 'env_file', 'tmpfs']);
/** Mappings merged key by key at every depth (merge_deploy, merge_healthchecks, merge_blkio_config, merge_build). */
const DEEP = new Set(['deploy', 'healthcheck', 'blkio_config', 'build']);

function isMapping(value: unknown): value is Data {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** `[K=V]` (environment, labels, sysctls), `[host:ip]` (extra_hosts) or `[name]` (depends_on, networks) as a mapping. */
function toMapping(key: string, value: unknown): Data {
  if (isMapping(value)) return value;
  const out: Data = {};
  for (const item of asList(value)) {
    const text = String(item);
    if (key === 'depends_on' || key === 'networks') out[text] = null;
    else {
      const at = key === 'extra_hosts' ? text.search(/[:=]/) : text.indexOf('=');
      if (at < 0) out[text] = null;
      else out[text.slice(0, at)] = text.slice(at + 1);
    }
  }
  return out;
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (!isMapping(base) || !isMapping(over)) return over === undefined ? base : over;
  const out: Data = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = deepMerge(base[key], value);
  return out;
}

/** merge_logging: the options merge when the driver stays the same (or the base names none). */
function mergeLogging(base: unknown, over: unknown): unknown {
  if (!isMapping(base) || !isMapping(over)) return over ?? base;
  const driver = over['driver'] ?? base['driver'];
  if (driver === base['driver'] || base['driver'] === undefined) {
    const options = { ...(isMapping(base['options']) ? base['options'] : {}), ...(isMapping(over['options']) ? over['options'] : {}) };
    return { ...base, ...over, ...(driver === undefined ? {} : { driver }), options };
  }
  return { ...base, ...over };
}

/** merge_path_mappings: entries for the same container path are the extending service's. */
function byTarget(base: unknown, over: unknown): unknown[] {
  const overs = asList(over);
  const taken = new Set(overs.map(containerPath));
  return [...asList(base).filter((entry) => !taken.has(containerPath(entry))), ...overs];
}

function mergeKey(key: string, base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (base === undefined) return over;
  if (MAPPINGS.has(key)) return { ...toMapping(key, base), ...toMapping(key, over) };
  if (UNIQUE.has(key)) return [...new Set([...asList(base), ...asList(over)].map(String))];
  if (JOINED.has(key)) return [...asList(base), ...asList(over)];
  if (key === 'volumes' || key === 'devices') return byTarget(base, over);
  // merge_ports keys a port by (target, published, host ip, protocol): a different one is added.
  if (key === 'ports') return [...asList(base).filter((p) => !asList(over).some((o) => JSON.stringify(o) === JSON.stringify(p))), ...asList(over)];
  if (key === 'logging') return mergeLogging(base, over);
  if (DEEP.has(key)) return deepMerge(base, over);
  return over;
}

/** The service `over` extending `base` (neither is changed); `replaced`: keys tagged `!override`, taken as written. */
export function mergeServices(base: Readonly<Data>, over: Readonly<Data>, replaced: ReadonlySet<string> = new Set()): Data {
  const out: Data = {};
  for (const key of new Set([...Object.keys(base), ...Object.keys(over)])) {
    if (key === 'extends') continue;
    const value = replaced.has(key) ? over[key] : mergeKey(key, base[key], over[key]);
    if (value !== undefined) out[key] = value;
  }
  return out;
}
