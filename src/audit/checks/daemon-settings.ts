// CIS §2 settings the Engine API does not show (log level, iptables, TLS, default ulimits,
// cgroup parent, base device size, no-new-privileges, userland proxy): judged on dockerd's
// command line and daemon.json. On an engine whose host files were not read they are "info":
// unknown, not assumed good or bad.
import type { EngineSnapshot, Finding } from '../types.js';
import { type DaemonConfig, hasEntries, isOff, isOn, type Setting } from './daemon-config.js';
import { engineKind, type findingFor, str } from './engine-facts.js';

type Make = ReturnType<typeof findingFor>;

const UNSEEN = 'not visible through the Engine API';

export function configuredChecks(e: EngineSnapshot, config: DaemonConfig | undefined, make: Make): Finding[] {
  if (!config) {
    const why = `${UNSEEN}; check dockerd's configuration on the ${engineKind(e)} engine's host`;
    const unknown = (check: string, cis: string, what: string): Finding => make(check, cis, 'info', `${what}: ${why}`, `endpoint=${e.endpoint}`);
    return [
      logLevelRemote(e, make), unknown('daemon-iptables', '2.4', 'iptables management'), tlsRemote(e, make),
      unknown('daemon-default-ulimits', '2.8', 'default ulimits'), unknown('daemon-cgroup-parent', '2.10', 'the default cgroup parent'),
      baseDevice(e, undefined, make), unknown('daemon-no-new-privileges', '2.14', 'no-new-privileges by default'),
      unknown('daemon-userland-proxy', '2.16', 'the userland proxy'),
    ];
  }
  const get = (key: string): Setting | undefined => config.get(key);
  const dflt = (key: string): string => `${key} not set (${config.argsKnown ? "dockerd's command line and " : ''}${'daemon.json'}): dockerd's default`;
  return [
    logLevel(e, get('log-level'), get('debug'), dflt('log-level'), make),
    isOff(get('iptables'))
      ? make('daemon-iptables', '2.4', 'warn', 'dockerd may not manage iptables: published ports and network isolation rules are missing; set "iptables": true', get('iptables')!.source)
      : make('daemon-iptables', '2.4', 'pass', 'dockerd manages iptables', get('iptables')?.source ?? dflt('iptables')),
    tls(get('hosts'), get('tlsverify'), get('tls'), make),
    hasEntries(get('default-ulimits'))
      ? make('daemon-default-ulimits', '2.8', 'pass', 'default ulimits are set', get('default-ulimits')!.source)
      : make('daemon-default-ulimits', '2.8', 'info', 'no default ulimits: containers inherit dockerd\'s limits unless run with --ulimit; set "default-ulimits" if they should not', dflt('default-ulimits')),
    hasEntries(get('cgroup-parent'))
      ? make('daemon-cgroup-parent', '2.10', 'warn', `containers are placed under a non-default cgroup parent: confirm it is meant`, get('cgroup-parent')!.source)
      : make('daemon-cgroup-parent', '2.10', 'pass', 'containers use the default cgroup parent', dflt('cgroup-parent')),
    baseDevice(e, get('storage-opts'), make),
    isOn(get('no-new-privileges'))
      ? make('daemon-no-new-privileges', '2.14', 'pass', 'containers cannot gain privileges through setuid binaries by default', get('no-new-privileges')!.source)
      : make('daemon-no-new-privileges', '2.14', 'warn', 'setuid binaries in containers can gain privileges unless run with no-new-privileges: set "no-new-privileges": true', get('no-new-privileges')?.source ?? dflt('no-new-privileges')),
    isOff(get('userland-proxy'))
      ? make('daemon-userland-proxy', '2.16', 'pass', 'published ports are forwarded by iptables, without docker-proxy', get('userland-proxy')!.source)
      : make('daemon-userland-proxy', '2.16', 'warn', 'a docker-proxy process listens on each published port, a userland copy of every connection; set "userland-proxy": false', get('userland-proxy')?.source ?? dflt('userland-proxy')),
  ];
}

function logLevel(e: EngineSnapshot, level: Setting | undefined, debug: Setting | undefined, dflt: string, make: Make): Finding {
  // "debug": true (or -D) raises the level whatever log-level says; /info shows it live as Debug.
  if (e.info['Debug'] === true) return make('daemon-log-level', '2.3', 'warn', 'dockerd logs at debug level, which can write request bodies and secrets to its log; set "log-level": "info"', `info.Debug=true${debug ? `, ${debug.source}` : ''}`);
  if (!level) return make('daemon-log-level', '2.3', 'pass', 'dockerd logs at info level (the default)', dflt);
  return str(level.value) === 'info'
    ? make('daemon-log-level', '2.3', 'pass', 'dockerd logs at info level', level.source)
    : make('daemon-log-level', '2.3', 'warn', `dockerd logs at ${str(level.value)} level: set "log-level": "info"`, level.source);
}

function logLevelRemote(e: EngineSnapshot, make: Make): Finding {
  return e.info['Debug'] === true
    ? make('daemon-log-level', '2.3', 'warn', 'dockerd logs at debug level, which can write request bodies and secrets to its log; set "log-level": "info"', 'info.Debug=true')
    : make('daemon-log-level', '2.3', 'info', `the log level is ${UNSEEN} (only that it is not debug)`, 'info.Debug=false');
}

function tls(hosts: Setting | undefined, verify: Setting | undefined, tlsOn: Setting | undefined, make: Make): Finding {
  const list = hosts ? (Array.isArray(hosts.value) ? hosts.value : [hosts.value]).map(str) : [];
  const tcp = list.filter((h) => h.startsWith('tcp://'));
  if (tcp.length === 0) return make('daemon-tls', '2.7', 'n/a', 'dockerd listens on no TCP socket', hosts?.source ?? 'hosts not set: the unix socket only');
  const evidence = [hosts!.source, verify?.source, tlsOn?.source].filter(Boolean).join('; ');
  // --tlsverify implies --tls (docker/cli opts); --tls alone encrypts but accepts any client.
  if (isOn(verify)) return make('daemon-tls', '2.7', 'pass', `dockerd listens on ${tcp.join(', ')} and verifies client certificates`, evidence);
  if (isOn(tlsOn)) return make('daemon-tls', '2.7', 'warn', `dockerd listens on ${tcp.join(', ')} with TLS but without client verification: anyone who connects is root; set "tlsverify": true with a CA for client certificates`, evidence);
  return make('daemon-tls', '2.7', 'warn', `dockerd listens on ${tcp.join(', ')} without TLS: anyone who connects is root; set "tlsverify": true with certificates, or listen on the unix socket only`, evidence);
}

function tlsRemote(e: EngineSnapshot, make: Make): Finding {
  if (!e.endpoint.startsWith('tcp://')) return make('daemon-tls', '2.7', 'info', `whether dockerd also listens on TCP is ${UNSEEN}`, `endpoint=${e.endpoint}`);
  return make('daemon-tls', '2.7', 'info', `the engine is reached over TCP; whether it verifies client certificates is ${UNSEEN}`, `endpoint=${e.endpoint}`);
}

function baseDevice(e: EngineSnapshot, opts: Setting | undefined, make: Make): Finding {
  const driver = str(e.info['Driver']);
  // dm.basesize is an option of the devicemapper driver only (removed in engine 25).
  if (driver !== 'devicemapper') return make('daemon-base-device-size', '2.11', 'n/a', `dm.basesize applies to devicemapper, not ${driver}`, `info.Driver=${driver}`);
  const values = opts ? (Array.isArray(opts.value) ? opts.value : [opts.value]).map(str) : [];
  const set = values.find((v) => v.startsWith('dm.basesize'));
  if (set) return make('daemon-base-device-size', '2.11', 'warn', `the base device size is changed (${set}): confirm it is needed`, opts!.source);
  return make('daemon-base-device-size', '2.11', opts || e.hostFiles ? 'pass' : 'info', opts || e.hostFiles ? 'the base device size is the default' : `storage options are ${UNSEEN}`, `info.Driver=${driver}`);
}
