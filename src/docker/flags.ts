// docker's own flag grammar, transcribed from docker/cli (cli/command/container/opts.go,
// run.go, create.go, exec.go and cli/flags/options.go for the global flags). test/flags.test.ts
// compares this table with `docker run --help` / `docker create --help` of the client on
// PATH, so a docker upgrade that adds a flag fails loudly instead of being mis-parsed.

/** bool: takes no value (but accepts `--f=false`); value: one value; list: repeatable value. */
export type FlagKind = 'bool' | 'value' | 'list';
export type FlagRow = readonly [long: string, short: string, kind: FlagKind, only?: 'run' | 'create' | 'hidden'];

export interface FlagSpec {
  readonly long: string;
  readonly short: string;
  readonly kind: FlagKind;
  /** One of sdocker's own `--sd-*` flags: read by sdocker, never passed to docker. */
  readonly own?: true;
}

export interface FlagTable {
  readonly byLong: ReadonlyMap<string, FlagSpec>;
  readonly byShort: ReadonlyMap<string, FlagSpec>;
}

// `docker run` and `docker create` (107 flags in docker 28.2: 104 shown, 3 hidden aliases).
export const CONTAINER_FLAGS: readonly FlagRow[] = [
  ['add-host', '', 'list'],
  ['annotation', '', 'list'],
  ['attach', 'a', 'list'],
  ['blkio-weight', '', 'value'],
  ['blkio-weight-device', '', 'list'],
  ['cap-add', '', 'list'],
  ['cap-drop', '', 'list'],
  ['cgroup-parent', '', 'value'],
  ['cgroupns', '', 'value'],
  ['cidfile', '', 'value'],
  ['cpu-count', '', 'value'],
  ['cpu-percent', '', 'value'],
  ['cpu-period', '', 'value'],
  ['cpu-quota', '', 'value'],
  ['cpu-rt-period', '', 'value'],
  ['cpu-rt-runtime', '', 'value'],
  ['cpu-shares', 'c', 'value'],
  ['cpus', '', 'value'],
  ['cpuset-cpus', '', 'value'],
  ['cpuset-mems', '', 'value'],
  ['detach', 'd', 'bool', 'run'],
  ['detach-keys', '', 'value', 'run'],
  ['device', '', 'list'],
  ['device-cgroup-rule', '', 'list'],
  ['device-read-bps', '', 'list'],
  ['device-read-iops', '', 'list'],
  ['device-write-bps', '', 'list'],
  ['device-write-iops', '', 'list'],
  ['disable-content-trust', '', 'bool'],
  ['dns', '', 'list'],
  ['dns-option', '', 'list'],
  ['dns-search', '', 'list'],
  ['domainname', '', 'value'],
  ['entrypoint', '', 'value'],
  ['env', 'e', 'list'],
  ['env-file', '', 'list'],
  ['expose', '', 'list'],
  ['gpus', '', 'list'],
  ['group-add', '', 'list'],
  ['health-cmd', '', 'value'],
  ['health-interval', '', 'value'],
  ['health-retries', '', 'value'],
  ['health-start-interval', '', 'value'],
  ['health-start-period', '', 'value'],
  ['health-timeout', '', 'value'],
  ['help', '', 'bool'],
  ['hostname', 'h', 'value'],
  ['init', '', 'bool'],
  ['interactive', 'i', 'bool'],
  ['io-maxbandwidth', '', 'value'],
  ['io-maxiops', '', 'value'],
  ['ip', '', 'value'],
  ['ip6', '', 'value'],
  ['ipc', '', 'value'],
  ['isolation', '', 'value'],
  ['kernel-memory', '', 'value'],
  ['label', 'l', 'list'],
  ['label-file', '', 'list'],
  ['link', '', 'list'],
  ['link-local-ip', '', 'list'],
  ['log-driver', '', 'value'],
  ['log-opt', '', 'list'],
  ['mac-address', '', 'value'],
  ['memory', 'm', 'value'],
  ['memory-reservation', '', 'value'],
  ['memory-swap', '', 'value'],
  ['memory-swappiness', '', 'value'],
  ['mount', '', 'list'],
  ['name', '', 'value'],
  ['network', '', 'list'],
  ['network-alias', '', 'list'],
  ['no-healthcheck', '', 'bool'],
  ['oom-kill-disable', '', 'bool'],
  ['oom-score-adj', '', 'value'],
  ['pid', '', 'value'],
  ['pids-limit', '', 'value'],
  ['platform', '', 'value'],
  ['privileged', '', 'bool'],
  ['publish', 'p', 'list'],
  ['publish-all', 'P', 'bool'],
  ['pull', '', 'value'],
  ['quiet', 'q', 'bool'],
  ['read-only', '', 'bool'],
  ['restart', '', 'value'],
  ['rm', '', 'bool'],
  ['runtime', '', 'value'],
  ['security-opt', '', 'list'],
  ['shm-size', '', 'value'],
  ['sig-proxy', '', 'bool', 'run'],
  ['stop-signal', '', 'value'],
  ['stop-timeout', '', 'value'],
  ['storage-opt', '', 'list'],
  ['sysctl', '', 'list'],
  ['tmpfs', '', 'list'],
  ['tty', 't', 'bool'],
  ['ulimit', '', 'list'],
  ['use-api-socket', '', 'bool'],
  ['user', 'u', 'value'],
  ['userns', '', 'value'],
  ['uts', '', 'value'],
  ['volume', 'v', 'list'],
  ['volume-driver', '', 'value'],
  ['volumes-from', '', 'list'],
  ['workdir', 'w', 'value'],
  // Hidden aliases that docker still accepts (opts.go: MarkHidden).
  ['net', '', 'value', 'hidden'],
  ['net-alias', '', 'list', 'hidden'],
  ['dns-opt', '', 'list', 'hidden'],
];

// `docker exec` (cli/command/container/exec.go).
export const EXEC_FLAGS: readonly FlagRow[] = [
  ['detach', 'd', 'bool'],
  ['detach-keys', '', 'value'],
  ['env', 'e', 'list'],
  ['env-file', '', 'list'],
  ['interactive', 'i', 'bool'],
  ['privileged', '', 'bool'],
  ['tty', 't', 'bool'],
  ['user', 'u', 'value'],
  ['workdir', 'w', 'value'],
  ['help', '', 'bool'],
];

// Flags docker accepts before the subcommand (cli/flags/options.go).
export const GLOBAL_FLAGS: readonly FlagRow[] = [
  ['config', '', 'value'],
  ['context', 'c', 'value'],
  ['debug', 'D', 'bool'],
  ['host', 'H', 'list'],
  ['log-level', 'l', 'value'],
  ['tls', '', 'bool'],
  ['tlscacert', '', 'value'],
  ['tlscert', '', 'value'],
  ['tlskey', '', 'value'],
  ['tlsverify', '', 'bool'],
  ['version', 'v', 'bool'],
  ['help', '', 'bool'],
];

// sdocker's own flags, read where docker's flags are (before the image) and removed before
// docker runs. The `sd-` prefix cannot collide with a docker flag.
export const SDOCKER_FLAGS: readonly FlagRow[] = [
  ['sd-dry-run', '', 'bool'],
  ['sd-allow', '', 'list'],
  ['sd-profile', '', 'value'],
  ['sd-settle', '', 'value'],
];

// `sdocker learn`'s own options, read among docker run's flags (before the image).
export const LEARN_FLAGS: readonly FlagRow[] = [
  ['probe-port', '', 'list'],
  ['probe-cmd', '', 'value'],
  ['settle', '', 'value'],
  ['wait', '', 'value'],
  ['max-trials', '', 'value'],
  ['output', '', 'value'],
  ['dry-run', '', 'bool'],
  // --help is docker's own bool (no -h: that is --hostname).
];

/** Index tables for one subcommand; `only` rows of the other subcommand are left out. */
export function indexFlags(rows: readonly FlagRow[], sub?: 'run' | 'create', own: readonly FlagRow[] = []): FlagTable {
  const byLong = new Map<string, FlagSpec>();
  const byShort = new Map<string, FlagSpec>();
  const tagged = [...rows.map((row) => [row, false] as const), ...own.map((row) => [row, true] as const)];
  for (const [[long, short, kind, only], isOwn] of tagged) {
    if (only !== undefined && only !== 'hidden' && only !== sub) continue;
    const spec: FlagSpec = isOwn ? { long, short, kind, own: true } : { long, short, kind };
    byLong.set(long, spec);
    if (short !== '') byShort.set(short, spec);
  }
  return { byLong, byShort };
}
