// dockerd's configured settings: its command line and its daemon.json, read as one view. dockerd
// refuses to start when a directive is given both ways ("the following directives are specified
// both as a flag and in the configuration file", moby daemon/config), so a setting has one source.
import type { EngineSnapshot, HostFiles } from '../types.js';

export interface Setting {
  readonly value: unknown;
  /** For evidence: `dockerd --icc=false` or `daemon.json "icc": false`. */
  readonly source: string;
}

export interface DaemonConfig {
  /** The parsed daemon.json, {} when there is none; null when it is unreadable or not an object. */
  readonly file: Readonly<Record<string, unknown>> | null;
  readonly fileProblem: string | undefined;
  /** Whether the command line is known (false: only daemon.json was read). */
  readonly argsKnown: boolean;
  get(key: string): Setting | undefined;
}

// dockerd's flags that take a value (dockerd --help); the rest are booleans. Short forms as in
// docker-bench's helper_lib.sh normalisation (-l, -H, -s, -D, -G).
const SHORT: Readonly<Record<string, string>> = { l: 'log-level', H: 'host', s: 'storage-driver', D: 'debug', G: 'group', g: 'data-root' };
const VALUED = new Set(['log-level', 'host', 'storage-driver', 'group', 'data-root', 'insecure-registry', 'storage-opt',
  'cgroup-parent', 'authorization-plugin', 'default-ulimit', 'userns-remap', 'tlscacert', 'tlscert', 'tlskey',
  'seccomp-profile', 'config-file', 'log-driver', 'log-opt', 'bridge', 'bip', 'exec-opt', 'add-runtime', 'dns',
  'containerd', 'pidfile', 'exec-root', 'label', 'registry-mirror', 'default-runtime', 'mtu']);
// The daemon.json key of a flag where the two differ (moby daemon/config: `json:"..."` tags).
const FILE_KEY: Readonly<Record<string, string>> = {
  host: 'hosts', 'insecure-registry': 'insecure-registries', 'storage-opt': 'storage-opts',
  'authorization-plugin': 'authorization-plugins', 'default-ulimit': 'default-ulimits', 'log-opt': 'log-opts',
  'exec-opt': 'exec-opts', label: 'labels', 'registry-mirror': 'registry-mirrors', 'add-runtime': 'runtimes',
};
const REPEATED = new Set(['host', 'insecure-registry', 'storage-opt', 'authorization-plugin', 'default-ulimit', 'log-opt', 'exec-opt', 'label', 'registry-mirror', 'dns']);

/** dockerd's argv as daemon.json keys: `--icc=false` → icc: false; repeated flags collect. */
export function parseDockerdArgs(argv: readonly string[]): Map<string, Setting> {
  const out = new Map<string, Setting>();
  for (let i = 1; i < argv.length; i++) {
    const word = argv[i] ?? '';
    const m = /^--?([A-Za-z][\w-]*)(?:=(.*))?$/s.exec(word);
    if (!m) continue;
    const name = word.startsWith('--') ? m[1]! : (SHORT[m[1]!] ?? m[1]!);
    let raw = m[2];
    if (raw === undefined && VALUED.has(name)) raw = argv[++i];
    const value: unknown = raw === undefined ? true : VALUED.has(name) ? raw : raw !== 'false';
    const key = FILE_KEY[name] ?? name;
    const prior = out.get(key)?.value;
    const merged = REPEATED.has(name) ? [...(Array.isArray(prior) ? prior : []), value] : value;
    out.set(key, { value: merged, source: `dockerd ${word}${raw !== undefined && !word.includes('=') ? ` ${raw}` : ''}` });
  }
  return out;
}

function parseFile(files: HostFiles): { file: Record<string, unknown> | null; problem: string | undefined } {
  const { path, text, error } = files.daemonJson;
  if (error !== undefined) return { file: null, problem: `${path}: ${error}` };
  if (text === null || text.trim() === '') return { file: {}, problem: undefined };
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return { file: parsed as Record<string, unknown>, problem: undefined };
    return { file: null, problem: `${path} is not a JSON object` };
  } catch (e) {
    return { file: null, problem: `${path} is not valid JSON (${(e as Error).message}); dockerd will not start with it` };
  }
}

/** The configured view, or undefined when the engine's host files were not read (a remote engine). */
export function daemonConfig(engine: EngineSnapshot): DaemonConfig | undefined {
  const files = engine.hostFiles;
  if (!files) return undefined;
  const { file, problem } = parseFile(files);
  const args = parseDockerdArgs(files.dockerdArgs ?? []);
  const path = files.daemonJson.path;
  return {
    file, fileProblem: problem, argsKnown: files.dockerdArgs !== null,
    get(key) {
      const fromArgs = args.get(key);
      if (fromArgs) return fromArgs;
      if (file && Object.hasOwn(file, key)) return { value: file[key], source: `${path} "${key}": ${JSON.stringify(file[key])}` };
      return undefined;
    },
  };
}

/** A setting that is on: true, or the string "true" (a flag's value). */
export function isOn(s: Setting | undefined): boolean {
  return s !== undefined && (s.value === true || s.value === 'true');
}

export function isOff(s: Setting | undefined): boolean {
  return s !== undefined && (s.value === false || s.value === 'false');
}

/** A list or map setting with at least one entry (an empty [] or {} in daemon.json is unset). */
export function hasEntries(s: Setting | undefined): boolean {
  if (s === undefined || s.value === null || s.value === undefined || s.value === '') return false;
  if (Array.isArray(s.value)) return s.value.length > 0;
  if (typeof s.value === 'object') return Object.keys(s.value).length > 0;
  return true;
}
