// One row per rule of the table (policy/rules.ts) with the value a profile gives it: shared by
// `sdocker rules` (the effective policy) and `rules --markdown` (docs/rules.md's table).
import { INJECTIONS, REFUSALS, type InjectId, type RuleRow } from '../policy/rules.js';
import type { Policy } from '../policy/schema.js';

export type Row = [id: string, kind: 'refuses' | 'adds', row: RuleRow, value: string];

export function rows(policy: Policy): Row[] {
  return [
    ...Object.entries(REFUSALS).map(([id, row]): Row => [id, 'refuses', row, id === 'sensitive-mount' ? mountLists(policy) : '']),
    ...Object.entries(INJECTIONS).map(([id, row]): Row => [id, 'adds', row, injectedValue(id as InjectId, policy)]),
  ];
}

/** The profile's path lists behind sensitive-mount. */
function mountLists(p: Policy): string {
  return `system folders (read-only below): ${p.sensitivePaths.map((path) => (path === '/' ? '/ (itself only)' : path)).join(' ')}; secret (any mode): ${p.secretPaths.join(' ')}`;
}

/** What the profile injects for a rule, as a user would write it. */
export function injectedValue(id: InjectId, p: Policy): string {
  const values: Record<InjectId, string> = {
    'cap-drop': ['--cap-drop ALL', ...p.capabilities.add.map((cap) => `--cap-add ${cap}`), ...p.capabilities.asRoot.map((cap) => `--cap-add ${cap} (as root)`)].join(' '),
    'no-new-privileges': p.noNewPrivileges ? 'no-new-privileges' : 'off',
    seccomp: p.seccomp || "off (docker's default)",
    apparmor: `${p.apparmor.profile || 'off'}${p.apparmor.required ? ' (required)' : ''}`,
    cgroupns: 'private (engine API 1.41 and newer)',
    'read-only': p.readOnly ? '--read-only' : 'off',
    tmpfs: `${p.tmpfs.paths.join(', ')} (${[p.tmpfs.options, `size=${p.tmpfs.size}`].join(',')},uid/gid of the run user)`,
    memory: p.limits.memory ? `${p.limits.memory}, swap ${p.limits.memory}` : 'off',
    cpus: p.limits.cpus || 'off',
    'pids-limit': p.limits.pids > 0 ? String(p.limits.pids) : 'off',
    'ulimit-nofile': p.limits.nofile ? `nofile=${p.limits.nofile}` : 'off',
    user: p.user || 'off',
    restart: p.restart || 'off',
    'log-limits': `max-size=${p.logging.maxSize} max-file=${p.logging.maxFile}`,
    network: p.network.noneWithoutPorts ? `${p.network.name}; none without published ports` : p.network.name || 'off',
    'loopback-ports': p.ports.bindAddress || 'off',
  };
  return values[id];
}
