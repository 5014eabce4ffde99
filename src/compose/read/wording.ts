// A refusal found on a compose setting, said in compose's words: the key and the value as the
// file writes them (`network_mode: host`, `cap_add: sys_admin`), not the docker run option the
// check read (`--network host`), and a fix that names compose keys. The judgement itself is the
// run room's (policy/refusals.ts); only the words change.
import { normalizeCap } from '../../policy/refusals.js';

/** `KEY: VALUE` as a reader finds it in the file: a mapping in flow style, on one line. */
export function composeForm(key: string, value: unknown): string {
  return `${key}: ${flow(value)}`;
}

function flow(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flow).join(', ')}]`;
  if (value !== null && typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${k}: ${flow(v)}`).join(', ')}}`;
  return String(value);
}

/**
 * `what` of a violation (`--cap-add SYS_ADMIN`, `-v /:/h (reason)`) with its docker option
 * replaced by the compose form; what follows the option (the reason in parentheses) stays.
 */
export function composeWhat(what: string, flag: string, value: string, shown: string): string {
  const forms = [`--${flag} ${value}`, `--${flag} '${value}'`, `-v ${value}`, `--${flag}`];
  if (flag === 'cap-add') forms.unshift(`--cap-add ${normalizeCap(value)}`);
  const prefix = forms.find((form) => what === form || what.startsWith(`${form} `) || what.startsWith(`${form},`));
  return prefix === undefined ? what : `${shown}${what.slice(prefix.length)}`;
}

/** docker run options a fix may name, and the compose key that says the same. */
const KEYS: Readonly<Record<string, string>> = {
  '--cap-add': 'cap_add',
  '-p': 'ports',
  '--network': 'network_mode',
  '--pid': 'pid',
  '--ipc': 'ipc',
  '--uts': 'uts',
  '--userns': 'userns_mode',
  '--cgroupns': 'cgroup',
  '--cgroup-parent': 'cgroup_parent',
  '--device': 'devices',
  '--security-opt': 'security_opt',
};

export function composeFix(fix: string): string {
  return fix.replace(/(^|\s)(--[a-z-]+|-p)(?=\s|$|,)/g, (whole, space: string, flag: string) => (KEYS[flag] === undefined ? whole : `${space}${KEYS[flag]}:`));
}
