// The shape of a profile or config file, checked key by key so a typo gets one clear error
// naming the file and the key instead of being silently ignored.
import { SdockerError, EXIT_USAGE } from '../common/errors.js';

export interface Policy {
  allow: string[];
  user: string;
  capabilities: { add: string[]; asRoot: string[]; dangerous: string[] };
  noNewPrivileges: boolean;
  seccomp: string;
  apparmor: { profile: string; required: boolean };
  readOnly: boolean;
  tmpfs: { paths: string[]; options: string; size: string };
  limits: { memory: string; cpus: string; pids: number; nofile: string };
  restart: string;
  logging: { maxSize: string; maxFile: number };
  network: { name: string; noneWithoutPorts: boolean };
  ports: { bindAddress: string };
  sensitivePaths: string[];
  secretPaths: string[];
  /** Image profiles only: the images the profile is for. */
  images?: string[];
  /** sdocker audit: findings a user accepted, each with its reason (shown as info, never hidden). */
  audit?: { suppress?: Suppression[] };
  /** Set by loadPolicy, never read from a file: the file that set each dotted key last. */
  origins?: Readonly<Record<string, string>>;
}

export interface Suppression {
  readonly check: string;
  /** A container name, image reference or engine endpoint; absent: every target. */
  readonly target?: string;
  readonly reason: string;
}

export type Leaf = 'string' | 'boolean' | 'number' | 'list' | 'suppressions';
type Shape = { readonly [key: string]: Leaf | Shape };

/** Every key a profile may set. `string` leaves also take a number (`cpus: 1.5`). */
export const POLICY_SHAPE: Shape = {
  allow: 'list',
  user: 'string',
  capabilities: { add: 'list', asRoot: 'list', dangerous: 'list' },
  noNewPrivileges: 'boolean',
  seccomp: 'string',
  apparmor: { profile: 'string', required: 'boolean' },
  readOnly: 'boolean',
  tmpfs: { paths: 'list', options: 'string', size: 'string' },
  limits: { memory: 'string', cpus: 'string', pids: 'number', nofile: 'string' },
  restart: 'string',
  logging: { maxSize: 'string', maxFile: 'number' },
  network: { name: 'string', noneWithoutPorts: 'boolean' },
  ports: { bindAddress: 'string' },
  sensitivePaths: 'list',
  secretPaths: 'list',
  images: 'list',
  audit: { suppress: 'suppressions' },
};

export type Layer = Record<string, unknown>;

/** Check one file's content against POLICY_SHAPE; returns it with numbers in string keys as strings. */
export function validateLayer(value: unknown, file: string): Layer {
  if (value === null || value === undefined) return {};
  return validateObject(value, POLICY_SHAPE, file, '');
}

function validateObject(value: unknown, shape: Shape, file: string, prefix: string): Layer {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badKey(file, prefix.replace(/\.$/, '') || '(top level)', 'must be a mapping of keys');
  }
  const out: Layer = {};
  for (const [key, child] of Object.entries(value)) {
    const path = prefix + key;
    const want = shape[key];
    if (want === undefined) {
      throw badKey(file, path, `is not a known key; known here: ${Object.keys(shape).join(', ')}`);
    }
    out[key] = typeof want === 'string' ? validateLeaf(child, want, file, path) : validateObject(child, want, file, `${path}.`);
  }
  return out;
}

function validateLeaf(value: unknown, want: Leaf, file: string, path: string): unknown {
  if (want === 'suppressions') return validateSuppressions(value, file, path);
  if (want === 'list') {
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' || typeof v === 'number')) {
      throw badKey(file, path, 'must be a list of strings');
    }
    return value.map(String);
  }
  if (want === 'string' && (typeof value === 'string' || typeof value === 'number')) return String(value);
  if (want === 'number' && typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (want === 'boolean' && typeof value === 'boolean') return value;
  const expected = want === 'number' ? 'a whole number (0 turns it off)' : `a ${want}`;
  throw badKey(file, path, `must be ${expected}, got ${JSON.stringify(value)}`);
}

/** `[{check, target?, reason}]`: a reason is required, so a suppression always says why. */
function validateSuppressions(value: unknown, file: string, path: string): Suppression[] {
  if (!Array.isArray(value)) throw badKey(file, path, 'must be a list of {check, target, reason}');
  return value.map((entry: unknown, i) => {
    const item = entry as Record<string, unknown> | null;
    const extra = typeof item === 'object' && item !== null ? Object.keys(item).find((key) => !['check', 'target', 'reason'].includes(key)) : undefined;
    const text = (key: string): boolean => typeof item?.[key] === 'string' && (item[key] as string).trim() !== '';
    if (typeof item !== 'object' || item === null || Array.isArray(item) || extra !== undefined || !text('check') || !text('reason') || (item['target'] !== undefined && !text('target'))) {
      throw badKey(file, `${path}[${i}]`, `must be {check: ID, target: NAME (optional), reason: TEXT}${extra === undefined ? '' : `; '${extra}' is not one of them`}`);
    }
    return { check: String(item['check']), reason: String(item['reason']), ...(item['target'] === undefined ? {} : { target: String(item['target']) }) };
  });
}

function badKey(file: string, key: string, problem: string): SdockerError {
  return new SdockerError(`sdocker: ${file}: '${key}' ${problem}`, EXIT_USAGE);
}

/** Leaf paths of a layer, as [dotted key, value]. */
export function leaves(layer: Layer, prefix = ''): [string, unknown][] {
  return Object.entries(layer).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? leaves(value as Layer, `${prefix}${key}.`)
      : [[`${prefix}${key}`, value] as [string, unknown]],
  );
}
