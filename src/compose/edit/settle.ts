// A service's model with harden's edits applied as data: what a service extending it (in the
// same file) inherits once the file is hardened, so that service does not add it twice.
import type { ServiceEdit } from '../keys/types.js';

type Data = Record<string, unknown>;

function clone<T>(value: T): T {
  return structuredClone(value);
}

function setIn(target: Data | unknown[], path: readonly (string | number)[], value: unknown): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  const holder = target as Record<string | number, unknown>;
  if (rest.length === 0) {
    holder[head] = value;
    return;
  }
  const next = holder[head];
  if (next === null || typeof next !== 'object') holder[head] = typeof rest[0] === 'number' ? [] : {};
  setIn(holder[head] as Data, rest, value);
}

export function withEdits(model: Readonly<Data>, edits: readonly ServiceEdit[]): Data {
  const out = clone(model) as Data;
  for (const { edit } of edits) {
    if (edit.kind === 'append') {
      const current = out[edit.key];
      out[edit.key] = [...(Array.isArray(current) ? current : current === undefined || current === null ? [] : [current]), edit.value];
    } else if (edit.kind === 'replace' && edit.path.length === 1) {
      out[String(edit.path[0])] = edit.value;
    } else setIn(out, edit.path, clone(edit.value));
  }
  return out;
}
