// HostConfig's ports, restart policy, limits and logging, minus the engine's defaults (the
// values a `docker run` without the flag gets on engine 20.10, measured with docker inspect).
import { entries, flag, hostConfig, list, networkMode, type Intent, type Origin } from './intent.js';

/** docker's default --shm-size: 64 MiB (moby daemon/config DefaultShmSize). */
const DEFAULT_SHM = 64 * 1024 * 1024;
/** A host address that publishes on every interface: sdocker binds those to loopback instead. */
const EVERY_INTERFACE = new Set(['', '0.0.0.0', '::', '[::]']);

export function readHost(origin: Origin, out: Intent): void {
  readPorts(origin, out);
  readRestart(origin, out);
  readLimits(origin, out);
  readLogs(origin, out);
}

function readPorts(origin: Origin, out: Intent): void {
  const host = hostConfig(origin.raw);
  if (networkMode(origin.raw) === 'host') {
    // docker discards -p on the host network ("Published ports are discarded"): the service
    // listened on the host's ports themselves. Off it, the same numbers are published instead.
    const exposed = Object.keys(origin.raw.Config.ExposedPorts ?? {});
    const instead = ['--network', 'host'];
    for (const port of exposed) out.pieces.push({ words: ['--publish', `${port.split('/')[0]}:${port.replace(/\/tcp$/, '')}`], insteadOf: instead });
    if (exposed.length === 0) out.lost.push('ports it listened on from the host network: none is exposed, so none is published (add -p HOST:CONTAINER)');
    return;
  }
  if (host.PublishAllPorts === true) out.pieces.push(flag('publish-all'));
  for (const [port, bindings] of entries(host.PortBindings)) {
    const container = port.replace(/\/tcp$/, '');
    for (const binding of list(bindings)) {
      const ip = binding.HostIp ?? '';
      const hostPort = binding.HostPort ?? '';
      const address = EVERY_INTERFACE.has(ip) ? '' : ip.includes(':') && !ip.startsWith('[') ? `[${ip}]` : ip;
      const value = address !== '' ? `${address}:${hostPort}:${container}` : hostPort !== '' ? `${hostPort}:${container}` : container;
      out.pieces.push(flag('publish', value));
    }
  }
}

function readRestart(origin: Origin, out: Intent): void {
  const host = hostConfig(origin.raw);
  if (host.AutoRemove === true) out.pieces.push(flag('rm'));
  const name = host.RestartPolicy?.Name ?? '';
  // `no` is also what a run without --restart gets: sdocker's own policy applies then.
  if (name === '' || name === 'no') return;
  const count = host.RestartPolicy?.MaximumRetryCount ?? 0;
  // `always` and `unless-stopped` restart a crashing container forever (CIS 5.15): the fix
  // leaves the policy to sdocker's bounded one and says so, so the new container audits clean.
  if (name === 'always' || name === 'unless-stopped') {
    out.lost.push(`--restart ${name}: replaced by sdocker's bounded policy (on-failure:5, CIS 5.15); add --restart ${name} back if it must restart forever`);
    return;
  }
  out.pieces.push(flag('restart', name === 'on-failure' && count > 0 ? `on-failure:${count}` : name));
}

function readLimits(origin: Origin, out: Intent): void {
  const host = hostConfig(origin.raw);
  const push = (long: string, value: number | string | null | undefined, unset: number | string | null = 0): void => {
    if (value !== undefined && value !== null && value !== unset) out.pieces.push(flag(long, String(value)));
  };
  push('memory', host.Memory);
  // --memory alone gives MemorySwap twice Memory on engine 20.10 (measured): the default.
  const memory = host.Memory ?? 0;
  if (!(memory > 0 && host.MemorySwap === 2 * memory)) push('memory-swap', host.MemorySwap);
  push('memory-reservation', host.MemoryReservation);
  push('memory-swappiness', host.MemorySwappiness, -1);
  if ((host.NanoCpus ?? 0) > 0) push('cpus', (host.NanoCpus ?? 0) / 1e9);
  push('cpu-shares', host.CpuShares);
  push('cpu-period', host.CpuPeriod);
  push('cpu-quota', host.CpuQuota);
  push('cpuset-cpus', host.CpusetCpus, '');
  push('cpuset-mems', host.CpusetMems, '');
  // PidsLimit: null without the flag; 0 and -1 mean unlimited.
  if ((host.PidsLimit ?? 0) > 0) push('pids-limit', host.PidsLimit);
  for (const u of list(host.Ulimits)) out.pieces.push(flag('ulimit', u.Soft === u.Hard ? `${u.Name}=${u.Soft}` : `${u.Name}=${u.Soft}:${u.Hard}`));
  if (host.OomKillDisable === true) out.pieces.push(flag('oom-kill-disable'));
  push('oom-score-adj', host.OomScoreAdj);
  push('shm-size', host.ShmSize, DEFAULT_SHM);
  push('blkio-weight', host.BlkioWeight);
}

/**
 * The engine fills LogConfig from its own defaults (moby daemon mergeAndVerifyLogConfig: the
 * default driver, and its log-opts for a container of that driver): those are not the user's.
 */
function readLogs(origin: Origin, out: Intent): void {
  const log = hostConfig(origin.raw).LogConfig;
  const daemonDriver = origin.engine.info['LoggingDriver'];
  const type = log?.Type ?? '';
  const ofDaemon = type === '' || type === daemonDriver;
  if (!ofDaemon) out.pieces.push(flag('log-driver', type));
  const defaults = ofDaemon ? (origin.daemonLogOptions ?? {}) : {};
  for (const [key, value] of entries(log?.Config)) {
    if (defaults[key] !== value) out.pieces.push(flag('log-opt', `${key}=${value}`));
  }
}
