// Container checks for the rule table's injections: what `sdocker run` would have added, looked
// for in a container's inspect. A container that lacks it warns with the rule's own why.
import type { InjectId } from '../../policy/rules.js';
import type { Finding } from '../types.js';
import { hasSecurityOption } from './container-refusals.js';
import { isRootUser } from '../../policy/defaults.js';
import { onAllInterfaces, remedy, shown, why, type ContainerView } from './container-view.js';

type Check = (v: ContainerView) => Finding;

const has = (v: ContainerView, rule: InjectId, ok: boolean, evidence: string, passMessage: string): Finding =>
  v.finding(rule, ok ? 'pass' : 'warn', ok ? passMessage : why(rule), evidence);

/** docker-bench's 5.4 passes docker's 14 default capabilities; the rule table calls them too many (CIS 5.3 asks for only the needed ones). */
const capDrop: Check = (v) => {
  const privileged = v.raw.HostConfig['Privileged'] === true;
  const dropsAll = v.list('CapDrop').some((cap) => cap.toUpperCase() === 'ALL' || cap.toUpperCase() === 'CAP_ALL');
  return has(v, 'cap-drop', dropsAll && !privileged, `HostConfig.CapDrop=${shown(v.list('CapDrop'))}${privileged ? ', HostConfig.Privileged=true' : ''}`, `every capability dropped, ${v.list('CapAdd').length} added back`);
};

/** The bare word and `=true` both set it (the daemon's parseSecurityOpt). */
const noNewPrivileges: Check = (v) => {
  const opt = v.securityOpt('no-new-privileges');
  const on = opt !== undefined && (opt.value === undefined || ['1', 't', 'true'].includes(opt.value.trim().toLowerCase()));
  return has(v, 'no-new-privileges', on, `HostConfig.SecurityOpt=${shown(v.list('SecurityOpt'))}`, 'setuid binaries cannot raise privileges');
};

/** A profile of its own passes; the engine's default is a filter still (info); unconfined warns (and seccomp-unconfined says why). */
const seccomp: Check = (v) => {
  const evidence = `HostConfig.SecurityOpt=${shown(v.list('SecurityOpt'))}`;
  if (!hasSecurityOption(v, 'seccomp')) return v.finding('seccomp', 'n/a', 'the engine has no seccomp', evidence);
  const value = (v.securityOpt('seccomp')?.value ?? '').trim();
  if (value.toLowerCase() === 'unconfined' || v.raw.HostConfig['Privileged'] === true) return v.finding('seccomp', 'warn', `no system-call filter at all; ${remedy('seccomp')}`, evidence);
  if (value === '' || value === 'builtin') return v.finding('seccomp', 'info', why('seccomp'), evidence);
  return v.finding('seccomp', 'pass', 'a seccomp profile of its own', evidence);
};

const apparmor: Check = (v) => {
  const profile = v.raw.AppArmorProfile;
  const evidence = `AppArmorProfile=${profile}`;
  if (!hasSecurityOption(v, 'apparmor')) return v.finding('apparmor', 'n/a', 'the engine has no AppArmor', evidence);
  return has(v, 'apparmor', profile !== '' && profile !== 'unconfined', evidence, `confined by AppArmor profile ${profile}`);
};

const readOnly: Check = (v) => has(v, 'read-only', v.raw.HostConfig['ReadonlyRootfs'] === true, `HostConfig.ReadonlyRootfs=${v.raw.HostConfig['ReadonlyRootfs'] === true}`, 'the root filesystem is read-only');

/** MemorySwap -1 or above Memory lets the container swap: limited, but not as the rule asks. */
const memory: Check = (v) => {
  const mem = v.num('Memory');
  const swap = v.num('MemorySwap');
  const evidence = `HostConfig.Memory=${mem}, HostConfig.MemorySwap=${swap}`;
  if (mem <= 0) return v.finding('memory', 'warn', why('memory'), evidence);
  if (swap !== mem) return v.finding('memory', 'info', 'its memory is limited, but it may also use swap; re-create it with --memory-swap equal to --memory', evidence);
  return v.finding('memory', 'pass', 'memory limited, without swap', evidence);
};

/** --cpus, --cpu-quota, --cpuset-cpus and --cpu-shares each bound it (docker-bench reads only the first and the last). */
const cpus: Check = (v) => {
  const limited = v.num('NanoCpus') > 0 || v.num('CpuQuota') > 0 || v.str('CpusetCpus') !== '' || v.num('CpuShares') > 0;
  return has(v, 'cpus', limited, `HostConfig.NanoCpus=${v.num('NanoCpus')}, CpuQuota=${v.num('CpuQuota')}, CpusetCpus=${v.str('CpusetCpus')}, CpuShares=${v.num('CpuShares')}`, 'CPU limited');
};

const pidsLimit: Check = (v) => has(v, 'pids-limit', v.num('PidsLimit') > 0, `HostConfig.PidsLimit=${String(v.raw.HostConfig['PidsLimit'] ?? null)}`, 'process count limited');

/** CIS 5.18 is manual (override only where needed): no override is said, as docker-bench does. */
const ulimitNofile: Check = (v) => {
  const ulimits = (v.raw.HostConfig['Ulimits'] as { Name?: string; Soft?: number; Hard?: number }[] | null | undefined) ?? [];
  const nofile = ulimits.find((u) => u.Name === 'nofile');
  const evidence = `HostConfig.Ulimits=${shown(ulimits.map((u) => `${u.Name}=${u.Soft}:${u.Hard}`))}`;
  return v.finding('ulimit-nofile', nofile === undefined ? 'info' : 'pass', nofile === undefined ? why('ulimit-nofile') : 'open files bounded', evidence);
};

const user: Check = (v) => has(v, 'user', !isRootUser(v.raw.Config.User), `Config.User=${v.raw.Config.User}`, `runs as ${v.raw.Config.User}`);

/**
 * `no` never restarts; on-failure up to 5 is the benchmark's value. `always`, `unless-stopped`
 * and on-failure without a count (0: unbounded) loop forever: docker-bench reads only
 * MaximumRetryCount, which is 0 for them, and passes them.
 */
const restart: Check = (v) => {
  const policy = (v.raw.HostConfig['RestartPolicy'] as { Name?: string; MaximumRetryCount?: number } | undefined) ?? {};
  const name = policy.Name ?? '';
  const count = policy.MaximumRetryCount ?? 0;
  const evidence = `HostConfig.RestartPolicy=${name === '' ? 'no' : name}${name === 'on-failure' ? `:${count}` : ''}`;
  const ok = name === '' || name === 'no' || (name === 'on-failure' && count > 0 && count <= 5);
  return has(v, 'restart', ok, evidence, name === 'on-failure' ? `at most ${count} restarts` : 'never restarted by the engine');
};

/** Only json-file and local keep their own files on the host; other drivers ship logs away. */
const logLimits: Check = (v) => {
  const log = (v.raw.HostConfig['LogConfig'] as { Type?: string; Config?: Record<string, string> } | undefined) ?? {};
  const type = log.Type ?? '';
  const evidence = `HostConfig.LogConfig=${type} ${shown(log.Config ?? {})}`;
  if (type !== 'json-file' && type !== 'local') return v.finding('log-limits', 'n/a', `the ${type || 'unknown'} log driver keeps no log files of the engine's`, evidence);
  // The local driver rotates by default (100m x 5, moby daemon/logger/local); json-file does not.
  const bounded = log.Config?.['max-size'] !== undefined || type === 'local';
  return has(v, 'log-limits', bounded, evidence, 'logs rotated');
};

/** docker0 with inter-container traffic off (the bridge's enable_icc=false) is what the rule's network gives. */
const network: Check = (v) => {
  const mode = v.str('NetworkMode');
  const networks = Object.keys(v.raw.NetworkSettings.Networks ?? {});
  const evidence = `HostConfig.NetworkMode=${mode}, NetworkSettings.Networks=${shown(networks)}`;
  if (mode === 'host' || mode === 'none' || mode.startsWith('container:')) return v.finding('network', 'n/a', `no network of its own (${mode})`, evidence);
  const onBridge = mode === 'default' || mode === 'bridge' || networks.includes('bridge');
  if (!onBridge) return v.finding('network', 'pass', 'on a user-defined network', evidence);
  if (v.snapshot.engine.bridgeIcc === 'false') return v.finding('network', 'info', 'on docker0, where inter-container traffic is off: nothing to do', `${evidence}, bridge enable_icc=false`);
  return v.finding('network', 'warn', why('network'), `${evidence}, bridge enable_icc=${v.snapshot.engine.bridgeIcc ?? 'true'}`);
};

const loopbackPorts: Check = (v) => {
  const ports = v.ports();
  const evidence = `HostConfig.PortBindings=${shown(ports.map((p) => `${p.hostIp || '0.0.0.0'}:${p.hostPort || '(any)'}->${p.port}`))}${v.raw.HostConfig['PublishAllPorts'] === true ? ', PublishAllPorts=true' : ''}`;
  if (ports.length === 0) return v.finding('loopback-ports', 'n/a', 'no port published', evidence);
  const open = ports.filter((p) => onAllInterfaces(p.hostIp));
  return has(v, 'loopback-ports', open.length === 0, evidence, 'every published port bound to a named address');
};

export const INJECTION_CHECKS: readonly Check[] = [apparmor, capDrop, memory, cpus, readOnly, loopbackPorts, restart, ulimitNofile, seccomp, noNewPrivileges, pidsLimit, network, user, logLimits];
