// Merging profile layers. deepmerge concatenates arrays by default, which is wrong for a
// policy (a project could never shorten a list): arrays replace the layer below, except
// `allow`, whose entries accumulate from every layer and from --sd-allow, and audit's
// `suppress`, whose entries accumulate from the user's and the project's files.
import deepmerge from 'deepmerge';
import { parseBytes, parseCpus, parseUlimitPair } from '../docker/units.js';
import { leaves, type Layer } from './schema.js';

export function mergeLayers(layers: readonly Layer[]): Layer {
  return deepmerge.all<Layer>(layers as Layer[], {
    arrayMerge: (_target, source) => source,
    customMerge: (key) => (key === 'allow' ? (a: string[], b: string[]) => [...new Set([...a, ...b])] : key === 'suppress' ? (a: unknown[], b: unknown[]) => [...a, ...b] : undefined),
  });
}

type Tighter = (base: unknown, next: unknown) => boolean;

const secureTrue: Tighter = (_base, next) => next === true;
const size: Tighter = (base, next) => lessOrEqual(parseBytes(String(next)), parseBytes(String(base)));
const count: Tighter = (base, next) => Number(next) > 0 && (Number(base) === 0 || Number(next) <= Number(base));
const subset: Tighter = (base, next) => asList(next).every((v) => asList(base).includes(v));
const superset: Tighter = (base, next) => asList(base).every((v) => asList(next).includes(v));

/** For each key, whether a new value is at least as strict as the one below it. */
const TIGHTER: Readonly<Record<string, Tighter>> = {
  noNewPrivileges: secureTrue,
  readOnly: secureTrue,
  'apparmor.required': secureTrue,
  'network.noneWithoutPorts': secureTrue,
  'limits.memory': size,
  'limits.cpus': (base, next) => lessOrEqual(parseCpus(String(next)), parseCpus(String(base))),
  'limits.pids': count,
  'limits.nofile': (base, next) => lessOrEqual(parseUlimitPair(String(next))?.hard, parseUlimitPair(String(base))?.hard),
  'tmpfs.size': size,
  'tmpfs.paths': subset,
  'logging.maxSize': size,
  'logging.maxFile': count,
  'capabilities.add': subset,
  'capabilities.dangerous': superset,
  sensitivePaths: superset,
  secretPaths: superset,
};

/**
 * Split an untrusted layer (a project's .sdocker.yml, written by whoever wrote the repository)
 * into what only tightens `base` and the keys that would loosen it. An unknown comparison
 * counts as loosening: any change of a string such as `seccomp` or `user` needs trust.
 */
export function splitTightening(base: Layer, layer: Layer): { tight: Layer; loose: string[] } {
  const tight: Layer = {};
  const loose: string[] = [];
  for (const [key, next] of leaves(layer)) {
    const below = getPath(base, key);
    const isTighter = TIGHTER[key];
    // Adding to what is allowed or suppressed loosens, whatever is below.
    const ok = ACCUMULATED.includes(key) ? asList(next).length === 0 : sameValue(below, next) || (isTighter?.(below, next) ?? false);
    if (ok) setPath(tight, key, next);
    else loose.push(key);
  }
  return { tight, loose };
}

const ACCUMULATED: readonly string[] = ['allow', 'audit.suppress'];

function lessOrEqual(next: number | undefined, base: number | undefined): boolean {
  if (next === undefined || next <= 0) return false;
  return base === undefined || base <= 0 || next <= base;
}

function asList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function getPath(layer: Layer, key: string): unknown {
  let node: unknown = layer;
  for (const part of key.split('.')) {
    node = typeof node === 'object' && node !== null ? (node as Layer)[part] : undefined;
  }
  return node;
}

function setPath(layer: Layer, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = layer;
  for (const part of parts.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Layer;
  }
  node[parts[parts.length - 1] as string] = value;
}
