// Booleans as compose reads them. PyYAML (YAML 1.1) makes `yes`/`on`/`TRUE` booleans, and both
// composes cast strings after interpolation, case-insensitively (v1 interpolation.py to_boolean:
// y/yes/true/on, n/no/false/off; compose-go the same): `privileged: "${P:-on}"` is true. A value
// that is neither (compose refuses it, or a later compose might read it) is 'unclear'.

export type ComposeBool = 'true' | 'false' | 'unset' | 'unclear';

const TRUE = new Set(['y', 'yes', 'true', 'on']);
const FALSE = new Set(['n', 'no', 'false', 'off']);

export function composeBool(value: unknown): ComposeBool {
  if (value === undefined || value === null) return 'unset';
  if (value === true) return 'true';
  if (value === false) return 'false';
  // A number, a mapping, or a value compose could not interpolate.
  if (typeof value !== 'string') return 'unclear';
  const lower = value.toLowerCase();
  return TRUE.has(lower) ? 'true' : FALSE.has(lower) ? 'false' : 'unclear';
}

/** For a refusal: set unless clearly false (fail closed). */
export function isOnForRefusal(value: unknown): boolean {
  const read = composeBool(value);
  return read === 'true' || read === 'unclear';
}

/** For a protection (a volume's read_only): on only when clearly true. */
export function isClearlyTrue(value: unknown): boolean {
  return composeBool(value) === 'true';
}
