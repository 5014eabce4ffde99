// --override: only what hardening adds, as a compose override file for `-f base -f override`.
// compose merges an override's lists into the base (cap_drop, security_opt, tmpfs) and its
// keys over the base's, so additions carry over as they are. A port rebound to 127.0.0.1
// cannot be: compose adds an override's ports to the base's, so those are reported instead.
import type { Finding, ServiceEdit } from '../keys/types.js';

export interface Override {
  readonly data: { services: Record<string, Record<string, unknown>> };
  /** Edits an override cannot express. */
  readonly left: readonly Finding[];
}

export function buildOverride(edits: readonly ServiceEdit[], findings: readonly Finding[]): Override {
  const services: Record<string, Record<string, unknown>> = {};
  for (const { service, edit } of edits) {
    const target = (services[service] ??= {});
    if (edit.kind === 'append') {
      const list = (target[edit.key] as unknown[] | undefined) ?? [];
      list.push(edit.value);
      target[edit.key] = list;
    } else if (edit.kind === 'set') {
      setIn(target, edit.path, edit.value);
    }
  }
  const left = findings
    .filter((f) => f.level === 'change' && f.rule === 'loopback-ports')
    // An error: hardening is incomplete with the override alone (harden --override exits 1).
    .map((f) => ({ ...f, level: 'error' as const, message: `${f.message.replace(/^add /, '')}: an override cannot rebind a published port; edit the file (sdocker harden --write)` }));
  return { data: { services }, left };
}

function setIn(target: Record<string, unknown>, path: readonly (string | number)[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) node = (node[String(key)] ??= {}) as Record<string, unknown>;
  node[String(path[path.length - 1])] = value;
}
