// docker's value grammars that policy compares: sizes (docker/go-units RAMInBytes: binary
// multiples, case-insensitive b/k/m/g/t/p with optional "b"/"ib") and CPU counts.

const MULTIPLIERS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** Bytes for a docker size such as `512m`, `1.5GiB`, `1024`; undefined if it is not one. */
export function parseBytes(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgtpb]?)(?:i?b)?$/i.exec(text.trim());
  if (match === null) return undefined;
  const multiplier = MULTIPLIERS[(match[2] ?? '').toLowerCase()];
  return multiplier === undefined ? undefined : Math.floor(Number(match[1]) * multiplier);
}

/** A CPU count such as `1.5`; undefined if it is not one. */
export function parseCpus(text: string): number | undefined {
  return /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : undefined;
}

/** `soft[:hard]` of a ulimit value; hard defaults to soft. */
export function parseUlimitPair(text: string): { soft: number; hard: number } | undefined {
  const match = /^(-?\d+)(?::(-?\d+))?$/.exec(text.trim());
  if (match === null) return undefined;
  const soft = Number(match[1]);
  return { soft, hard: match[2] === undefined ? soft : Number(match[2]) };
}
