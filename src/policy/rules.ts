// The one rule table. `run` (and later `harden` and `audit`) read these rows, so what is
// refused, what is injected, and what docs/rules.md and the dry run say about it never drift.
// CIS ids are from the CIS Docker Benchmark v1.6.0, whose §5 opens with swarm mode (5.1), as docker-bench-security
// v1.6.1 numbers them: privileged is 5.5, the Docker socket 5.32.

export type RefuseId =
  | 'privileged'
  | 'dangerous-cap'
  | 'host-network'
  | 'host-pid'
  | 'host-ipc'
  | 'host-uts'
  | 'host-userns'
  | 'host-cgroupns'
  | 'cgroup-parent'
  | 'docker-socket'
  | 'sensitive-mount'
  | 'swappable-source'
  | 'seccomp-unconfined'
  | 'apparmor-unconfined'
  | 'label-disable'
  | 'new-privileges'
  | 'systempaths-unconfined'
  | 'all-devices'
  | 'host-device'
  | 'exec-privileged';

export type InjectId =
  | 'cap-drop'
  | 'no-new-privileges'
  | 'seccomp'
  | 'apparmor'
  | 'cgroupns'
  | 'read-only'
  | 'tmpfs'
  | 'memory'
  | 'cpus'
  | 'pids-limit'
  | 'ulimit-nofile'
  | 'user'
  | 'restart'
  | 'log-limits'
  | 'network'
  | 'loopback-ports';

export type RuleId = RefuseId | InjectId;

export interface RuleRow {
  readonly cis: string;
  readonly title: string;
  /** One line: why, with the outside fact it rests on. */
  readonly why: string;
}

export interface InjectRow extends RuleRow {
  /** The problem of a container without it, as `sdocker audit` states it before the fix. */
  readonly risk: string;
}

export const REFUSALS: Readonly<Record<RefuseId, RuleRow>> = {
  privileged: { cis: '5.5', title: '--privileged', why: 'grants every capability and device and lifts seccomp, AppArmor and /proc masking' },
  'dangerous-cap': { cis: '5.4', title: '--cap-add of ALL or an escape-grade capability', why: 'each lets a process reach the host kernel or other processes (SYS_ADMIN mounts, DAC_READ_SEARCH opens host files by handle, SYS_MODULE loads modules)' },
  'host-network': { cis: '5.10', title: "the host's network namespace", why: "the container sees and binds every host interface, including services on the host's loopback" },
  'host-pid': { cis: '5.16', title: "the host's PID namespace", why: 'the container sees and can signal every host process' },
  'host-ipc': { cis: '5.17', title: "the host's IPC namespace", why: "the container can read and write the host's shared memory" },
  'host-uts': { cis: '5.21', title: "the host's UTS namespace", why: "the container can change the host's hostname" },
  'host-userns': { cis: '5.31', title: "the host's user namespace", why: 'disables the user-namespace remapping the engine was configured with' },
  'host-cgroupns': { cis: '-', title: "the host's cgroup namespace", why: "the container sees the host's whole cgroup tree" },
  'cgroup-parent': { cis: '5.25', title: '--cgroup-parent', why: "places the container outside the engine's cgroup, out of its limits' reach" },
  'docker-socket': { cis: '5.32', title: "the Docker engine's socket", why: 'whoever reaches the engine API can start a privileged container: root on the host' },
  'sensitive-mount': { cis: '5.6', title: 'a system folder or secret host path mounted', why: "a writable system folder is root on the host; a file or folder below one may be mounted read-only, never the folder itself or a secret (credentials, the engine's state, /proc, /sys, /dev)" },
  'swappable-source': { cis: '-', title: 'a bind or device source that a container can replace', why: 'a source is looked up again at each start: a container that can write the folder holding it (through a writable bind above it) swaps it for a symlink to /etc or a disk, and a restart mounts that' },
  'seccomp-unconfined': { cis: '5.22', title: 'seccomp=unconfined', why: 'removes the system-call filter that blocks kernel attack surface such as keyctl, bpf and unshare' },
  'apparmor-unconfined': { cis: '5.2', title: 'apparmor=unconfined', why: 'removes the mandatory access control that denies mount and writes to /proc and /sys' },
  'label-disable': { cis: '5.3', title: 'label=disable', why: 'turns off SELinux separation between containers and the host' },
  'new-privileges': { cis: '5.26', title: 'no-new-privileges=false', why: 'lets setuid binaries in the image raise privileges' },
  'systempaths-unconfined': { cis: '-', title: 'systempaths=unconfined', why: 'unmasks /proc/kcore, /proc/sys and friends, exposing kernel memory and settings' },
  'all-devices': { cis: '5.18', title: 'a --device-cgroup-rule granting every device', why: 'the container may create and open any host device node (disks, memory)' },
  'host-device': { cis: '5.18', title: 'a host disk, memory or raw SCSI device given with --device', why: 'raw access to a host disk reads and rewrites every file past every permission; /dev/mem and /dev/port reach the kernel itself' },
  'exec-privileged': { cis: '5.23', title: 'exec --privileged', why: 'runs the command with every capability inside a running container' },
};

export const INJECTIONS: Readonly<Record<InjectId, InjectRow>> = {
  'cap-drop': { cis: '5.4', title: '--cap-drop ALL', why: "docker's default still grants 14 capabilities (CHOWN, DAC_OVERRIDE, NET_RAW, SETUID, ...); most programs need none", risk: 'it keeps docker\'s 14 default capabilities (CHOWN, DAC_OVERRIDE, NET_RAW, SETUID, ...), which most programs never use' },
  'no-new-privileges': { cis: '5.26', title: '--security-opt no-new-privileges', why: 'setuid and file-capability binaries cannot raise privileges', risk: 'setuid and file-capability binaries in it can raise their privileges' },
  seccomp: { cis: '5.22', title: "--security-opt seccomp=<sdocker's profile>", why: "Docker's filter without the calls a dangerous capability would reopen (mount, unshare, bpf, ...), ptrace, the keyring, io_uring and odd socket families", risk: 'Docker\'s default system-call filter still allows ptrace, the keyring, io_uring, odd socket families and the calls a dangerous capability would reopen (mount, unshare, bpf, ...)' },
  apparmor: { cis: '5.2', title: "--security-opt apparmor=<sdocker's profile>", why: 'denies mount, writes under /proc/sys and /sys, and raw sockets, where the engine has AppArmor', risk: 'no AppArmor profile denies it mount, writes under /proc/sys and /sys, and raw sockets' },
  cgroupns: { cis: '-', title: '--cgroupns private', why: "on cgroup v1 the engine's default is the host's cgroup namespace (moby: private only on cgroup v2): the container sees the host's whole cgroup tree", risk: "it shares the host's cgroup namespace (the engine's default on cgroup v1): it sees the host's whole cgroup tree" },
  'read-only': { cis: '5.13', title: '--read-only', why: 'an intruder cannot change the image: no dropped binaries, no edited configuration', risk: 'its root filesystem is writable: an intruder can drop binaries or edit its configuration' },
  tmpfs: { cis: '5.13', title: '--tmpfs for writable paths', why: 'writable scratch space under a read-only root, noexec,nosuid,nodev and owned by the run user', risk: 'its writable paths are not scratch space that is noexec, nosuid, nodev and owned by the run user' },
  memory: { cis: '5.11', title: '--memory with an equal --memory-swap', why: 'one container cannot exhaust the host memory or push it into swap', risk: 'its memory is not limited (or it may swap): one container can exhaust the host\'s memory or push it into swap' },
  cpus: { cis: '5.12', title: '--cpus', why: 'one container cannot starve the host of CPU', risk: 'its CPU is not limited: one container can starve the host of CPU' },
  'pids-limit': { cis: '5.29', title: '--pids-limit', why: 'a fork bomb stops at the limit instead of exhausting the host PID space', risk: 'its process count is not limited: a fork bomb can exhaust the host\'s PID space' },
  'ulimit-nofile': { cis: '5.19', title: '--ulimit nofile', why: 'bounds open files per process instead of inheriting the engine limit', risk: 'its processes inherit the engine\'s open-file limit instead of a bounded one' },
  user: { cis: '4.1', title: 'a non-root --user', why: 'root in a container is root on the host kernel: one kernel bug from host root', risk: 'it runs as root, and root in a container is root on the host kernel: one kernel bug from host root' },
  restart: { cis: '5.15', title: '--restart on-failure:5', why: 'a crashing container is retried a bounded number of times instead of looping forever', risk: 'the engine restarts it forever when it keeps crashing' },
  'log-limits': { cis: '-', title: '--log-opt max-size and max-file', why: 'the json-file and local drivers keep logs unbounded by default: a chatty container fills the disk', risk: 'its logs grow without bound (json-file and local keep them all by default): a chatty container fills the disk' },
  network: { cis: '5.30', title: "a dedicated network instead of docker0", why: 'on docker0 every container can reach every other; sdocker\'s bridge has inter-container traffic off', risk: 'it is on docker0, where every container can reach every other' },
  'loopback-ports': { cis: '5.14', title: 'published ports bound to 127.0.0.1', why: 'docker publishes on every host interface and bypasses host firewalls (iptables DOCKER chain)', risk: 'its ports are published on every host interface, past host firewalls (docker\'s iptables DOCKER chain)' },
};

export function ruleRow(id: RuleId): RuleRow {
  return (REFUSALS as Record<string, RuleRow>)[id] ?? (INJECTIONS as Record<string, RuleRow>)[id] as RuleRow;
}

export function isRefuseId(id: string): id is RefuseId {
  return Object.hasOwn(REFUSALS, id);
}
