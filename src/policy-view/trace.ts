// Which layer set each value of the effective policy, and what it replaced: read from the
// layers loadPolicy merged (policy/load.ts), in the same order (later wins; arrays replace,
// `allow` and audit's `suppress` accumulate: policy/merge.ts).
import type { PolicyLayer } from '../policy/load.js';
import { getPath } from '../policy/merge.js';
import { leaves } from '../policy/schema.js';

export interface ValueTrace {
  readonly key: string;
  readonly value: unknown;
  readonly layer: PolicyLayer;
  /** The value below it, when a lower layer set one too. */
  readonly over?: { readonly value: unknown; readonly layer: PolicyLayer };
}

const ACCUMULATED = new Set(['allow', 'audit.suppress']);

export function traceValues(layers: readonly PolicyLayer[]): ValueTrace[] {
  const set = new Map<string, { value: unknown; layer: PolicyLayer }[]>();
  for (const layer of layers) {
    for (const [key, value] of leaves(layer.data)) {
      if (!ACCUMULATED.has(key)) set.set(key, [...(set.get(key) ?? []), { value, layer }]);
    }
  }
  return [...set]
    .map(([key, all]): ValueTrace => {
      const last = all[all.length - 1] as { value: unknown; layer: PolicyLayer };
      const below = all[all.length - 2];
      return { key, ...last, ...(below === undefined ? {} : { over: below }) };
    })
    .sort((a, b) => a.key.localeCompare(b.key));
}

/** Each allow entry with the first layer that lifted it. */
export function allowOrigins(layers: readonly PolicyLayer[]): { entry: string; layer: PolicyLayer }[] {
  const seen = new Map<string, PolicyLayer>();
  for (const layer of layers) {
    const entries = getPath(layer.data, 'allow');
    for (const entry of Array.isArray(entries) ? entries.map(String) : []) if (!seen.has(entry)) seen.set(entry, layer);
  }
  return [...seen].map(([entry, layer]) => ({ entry, layer }));
}

/** A value as a config file would write it; an empty string or list shows as off. */
export function shownValue(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? '[] (none)' : value.map(String).join(' ');
  if (value === '') return "'' (off)";
  return String(value);
}
