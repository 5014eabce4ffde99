// Containers with typical misconfigurations, made with plain docker (and one with sdocker run),
// and the audit snapshot read from their `docker inspect`, as the engine test and the
// docker-bench-security comparison (audit-vs-bench.ts) both use them.
import { spawnSync } from 'node:child_process';
import { CLI } from './cli.js';
import { IMAGE, docker } from './engine.js';
import type { ContainerSnapshot, RawContainer, Snapshot } from '../../src/audit/types.js';

export interface AuditCase {
  readonly key: string;
  /** docker run/create options; `--restart no` unless the case is about restart. */
  readonly options: readonly string[];
  /** `create`: --privileged cannot start on these machines (DESIGN.md §2). `sdocker`: sdocker run. */
  readonly how: 'run' | 'create' | 'sdocker';
}

/** Stands for a free host port below 1024 in a case's options (startCase picks it). */
const LOW_PORT = '{low-port}';

export const AUDIT_CASES: readonly AuditCase[] = [
  { key: 'privileged', options: ['--restart', 'no', '--privileged'], how: 'create' },
  { key: 'hostnet', options: ['--restart', 'no', '--network', 'host'], how: 'run' },
  { key: 'hostpid', options: ['--restart', 'no', '--pid', 'host'], how: 'run' },
  { key: 'socket', options: ['--restart', 'no', '-v', '/var/run/docker.sock:/var/run/docker.sock'], how: 'run' },
  { key: 'sysfolder', options: ['--restart', 'no', '-v', '/etc:/host-etc'], how: 'run' },
  { key: 'plain', options: ['--restart', 'no'], how: 'run' },
  { key: 'ports', options: ['--restart', 'no', '-p', '80', '-p', `127.0.0.1:${LOW_PORT}:81`], how: 'run' },
  { key: 'always', options: ['--restart', 'always'], how: 'run' },
  { key: 'sdocker', options: [], how: 'sdocker' },
];

/** Start (or create) a case's container named `name`, labelled so docker-bench can be pointed at these alone. */
export function startCase(c: AuditCase, name: string, label: string): void {
  if (!c.options.some((o) => o.includes(LOW_PORT))) return startWith(c, c.options, name, label);
  // Another run on the engine may hold a port: docker then fails (and leaves the container
  // created), and the next port is tried. Where to start is spread by pid, not drawn.
  for (let i = 0; ; i += 1) {
    const port = String(700 + ((process.pid + i) % 250));
    try {
      return startWith(c, c.options.map((o) => o.replace(LOW_PORT, port)), name, label);
    } catch (error) {
      if (i >= 20 || !/port is already allocated|address already in use/.test(String(error))) throw error;
      spawnSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
    }
  }
}

function startWith(c: AuditCase, options: readonly string[], name: string, label: string): void {
  const head = ['--name', name, '--label', label, ...options, IMAGE, 'sleep', '3600'];
  if (c.how === 'sdocker') {
    const result = spawnSync(process.execPath, [CLI, 'run', '-d', ...head], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`sdocker run failed: ${result.stderr}`);
    return;
  }
  docker(c.how, ...(c.how === 'run' ? ['-d'] : []), ...head);
}

/** The snapshot the audit would read, from the docker CLI: inspect, top, info, version, the bridge's icc. */
export function snapshotOf(names: readonly string[]): Snapshot {
  const raws = JSON.parse(docker('inspect', ...names)) as RawContainer[];
  const containers: ContainerSnapshot[] = raws.map((raw) => ({ raw, processes: raw.State.Running ? top(raw.Id) : undefined }));
  const bridge = JSON.parse(docker('network', 'inspect', 'bridge', '--format', '{{json .Options}}')) as Record<string, string> | null;
  return {
    engine: {
      endpoint: 'unix:///var/run/docker.sock',
      local: true,
      info: JSON.parse(docker('info', '--format', '{{json .}}')) as Record<string, unknown>,
      version: JSON.parse(docker('version', '--format', '{{json .Server}}')) as Record<string, unknown>,
      bridgeIcc: bridge?.['com.docker.network.bridge.enable_icc'],
    },
    containers,
    images: new Map(),
  };
}

/** docker top with the snapshot reader's ps columns (user,uid,pid,comm): one row per process, keyed by title. */
function top(id: string): Record<string, string>[] {
  const [titles = '', ...rows] = docker('top', id, '-eo', 'user,uid,pid,comm').split('\n');
  const keys = titles.trim().split(/\s+/);
  return rows.map((row) => {
    const cells = row.trim().split(/\s+/);
    // comm is last and may hold spaces: the rest of the line.
    return Object.fromEntries(keys.map((key, i) => [key, i === keys.length - 1 ? cells.slice(i).join(' ') : (cells[i] ?? '')]));
  });
}
