// CIS Docker Benchmark v1.6.0 §2 (daemon configuration), judged on the live engine where GET
// /info or the bridge network shows the setting, and on dockerd's configuration (daemon.json and
// its command line, daemon-settings.ts) where only the host can tell. The list and numbering
// follow docker-bench-security ff26d67 tests/2_docker_daemon_configuration.sh.
import type { EngineSnapshot, Finding, Snapshot } from '../types.js';
import { daemonConfig } from './daemon-config.js';
import { configuredChecks } from './daemon-settings.js';
import { findingFor, securityOptions, str } from './engine-facts.js';
import { hostChecks } from './host.js';

type Make = ReturnType<typeof findingFor>;

export function engineChecks(s: Snapshot): Finding[] {
  const e = s.engine;
  const make = findingFor(e);
  const config = daemonConfig(e);
  const out: Finding[] = [];
  if (config?.fileProblem) out.push(make('daemon-json', null, 'warn', `daemon.json cannot be read: ${config.fileProblem}`, config.fileProblem));
  out.push(rootless(e, make), icc(e, make), ...configuredChecks(e, config, make), insecureRegistries(e, make), aufs(e, make),
    userns(e, make), authorization(e, make), remoteLogging(e, make), liveRestore(e, make), seccomp(e, make), experimental(e, make));
  out.push(...hostChecks(e, make));
  return out.sort((a, b) => cisOrder(a.cis) - cisOrder(b.cis));
}

/** 2.1 < 2.2 < 2.10 < 3.1: numeric by part. */
function cisOrder(cis: string | null): number {
  if (!cis) return 0;
  return cis.split('.').reduce((acc, part, i) => acc + (Number(part) || 0) * 100 ** (2 - i), 0);
}

function rootless(e: EngineSnapshot, make: Make): Finding {
  const on = securityOptions(e.info).has('rootless');
  // docker-bench only prints a note (Manual); a rootful daemon is the common, supported set-up.
  return make('daemon-rootless', '2.1', on ? 'pass' : 'info', on ? 'the daemon runs rootless' : 'the daemon runs as root: an escape from the engine or a container is root on the host; rootless mode (dockerd-rootless-setuptool.sh) confines it to one user',
    `info.SecurityOptions=${str(e.info['SecurityOptions'])}`);
}

function icc(e: EngineSnapshot, make: Make): Finding {
  const evidence = `network bridge: com.docker.network.bridge.enable_icc=${e.bridgeIcc ?? '(absent)'}`;
  // The option is written on the default bridge at each daemon start from --icc / "icc": the live truth.
  if (e.bridgeIcc === undefined) return make('daemon-icc', '2.2', 'n/a', 'there is no default bridge network', evidence);
  return e.bridgeIcc === 'false'
    ? make('daemon-icc', '2.2', 'pass', 'containers on the default bridge cannot reach each other', evidence)
    : make('daemon-icc', '2.2', 'warn', 'containers on the default bridge can reach each other: set "icc": false', evidence);
}

function insecureRegistries(e: EngineSnapshot, make: Make): Finding {
  const reg = (e.info['RegistryConfig'] ?? {}) as { InsecureRegistryCIDRs?: string[] | null; IndexConfigs?: Record<string, { Secure?: boolean }> | null };
  // dockerd always adds 127.0.0.0/8 (moby registry/config.go): a local registry, not a finding.
  const cidrs = (reg.InsecureRegistryCIDRs ?? []).filter((c) => c !== '127.0.0.0/8' && c !== '::1/128');
  const names = Object.entries(reg.IndexConfigs ?? {}).filter(([, v]) => v.Secure === false).map(([k]) => k);
  const insecure = [...names, ...cidrs];
  const evidence = `info.RegistryConfig: insecure ${insecure.length > 0 ? insecure.join(', ') : 'none beyond 127.0.0.0/8'}`;
  return insecure.length > 0
    ? make('daemon-insecure-registries', '2.5', 'warn', `images are pulled without TLS verification from ${insecure.join(', ')}: remove them from "insecure-registries" once they serve TLS`, evidence)
    : make('daemon-insecure-registries', '2.5', 'pass', 'no insecure registry is configured', evidence);
}

function aufs(e: EngineSnapshot, make: Make): Finding {
  const driver = str(e.info['Driver']);
  return driver === 'aufs'
    ? make('daemon-aufs', '2.6', 'warn', 'the aufs storage driver is unmaintained and removed from current engines: move to overlay2', `info.Driver=${driver}`)
    : make('daemon-aufs', '2.6', 'pass', `the storage driver is ${driver}`, `info.Driver=${driver}`);
}

function userns(e: EngineSnapshot, make: Make): Finding {
  const opts = securityOptions(e.info);
  const evidence = `info.SecurityOptions=${str(e.info['SecurityOptions'])}`;
  if (opts.has('userns')) return make('daemon-userns', '2.9', 'pass', 'containers run in a remapped user namespace', evidence);
  if (opts.has('rootless')) return make('daemon-userns', '2.9', 'pass', 'the rootless daemon runs every container inside its own user namespace', evidence);
  return make('daemon-userns', '2.9', 'warn', 'no user-namespace remapping: root in a container is root on the host; set "userns-remap" (it hides existing images and volumes: see the suggestions beside daemon.json)', evidence);
}

function authorization(e: EngineSnapshot, make: Make): Finding {
  const plugins = ((e.info['Plugins'] ?? {}) as { Authorization?: string[] | null }).Authorization ?? [];
  const evidence = `info.Plugins.Authorization=${str(plugins.length > 0 ? plugins : null)}`;
  return plugins.length > 0
    ? make('daemon-authorization', '2.12', 'pass', `client commands pass the authorization plugin ${plugins.join(', ')}`, evidence)
    : make('daemon-authorization', '2.12', 'warn', 'no authorization plugin: whoever reaches the socket may do anything; install one and name it in "authorization-plugins"', evidence);
}

// Drivers that keep logs on this host only; docker-bench warns on json-file alone.
const LOCAL_LOGS = new Set(['json-file', 'local', 'none', '']);

function remoteLogging(e: EngineSnapshot, make: Make): Finding {
  const driver = str(e.info['LoggingDriver'] ?? '');
  const evidence = `info.LoggingDriver=${driver}`;
  return LOCAL_LOGS.has(driver)
    ? make('daemon-remote-logging', '2.13', 'warn', `container logs stay on this host (${driver || 'none'}), where an intruder can erase them: send them to a log server ("log-driver", e.g. syslog)`, evidence)
    : make('daemon-remote-logging', '2.13', 'pass', `container logs go to ${driver}`, evidence);
}

function liveRestore(e: EngineSnapshot, make: Make): Finding {
  const on = e.info['LiveRestoreEnabled'] === true;
  const swarm = ((e.info['Swarm'] ?? {}) as { LocalNodeState?: string }).LocalNodeState;
  const evidence = `info.LiveRestoreEnabled=${String(on)}${swarm === 'active' ? ', info.Swarm.LocalNodeState=active' : ''}`;
  if (on) return make('daemon-live-restore', '2.15', 'pass', 'containers keep running while dockerd restarts', evidence);
  // dockerd refuses live-restore together with swarm mode (moby daemon/config validation).
  if (swarm === 'active') return make('daemon-live-restore', '2.15', 'n/a', 'live-restore is incompatible with swarm mode', evidence);
  return make('daemon-live-restore', '2.15', 'warn', 'every container stops when dockerd stops: set "live-restore": true', evidence);
}

function seccomp(e: EngineSnapshot, make: Make): Finding {
  const opt = securityOptions(e.info).get('seccomp');
  const evidence = `info.SecurityOptions=${str(e.info['SecurityOptions'])}`;
  const profile = opt?.['profile'];
  if (!opt) return make('daemon-seccomp', '2.17', 'warn', 'seccomp is not available: containers get no system-call filter; run the engine on a kernel and build with seccomp', evidence);
  if (profile === 'unconfined') return make('daemon-seccomp', '2.17', 'warn', 'the daemon-wide seccomp profile is unconfined: containers get no system-call filter; remove "seccomp-profile" from daemon.json', evidence);
  // moby reports "default" (20.10) or "builtin" (23+) for its own profile.
  if (profile === 'default' || profile === 'builtin') return make('daemon-seccomp', '2.17', 'pass', "containers get Docker's default seccomp profile", evidence);
  return make('daemon-seccomp', '2.17', 'info', `a custom daemon-wide seccomp profile is applied (${profile ?? '?'}): review it`, evidence);
}

function experimental(e: EngineSnapshot, make: Make): Finding {
  const on = e.info['ExperimentalBuild'] === true;
  const evidence = `info.ExperimentalBuild=${String(on)}`;
  return on
    ? make('daemon-experimental', '2.18', 'warn', 'experimental features are on, with their untested code paths; set "experimental": false', evidence)
    : make('daemon-experimental', '2.18', 'pass', 'experimental features are off', evidence);
}
