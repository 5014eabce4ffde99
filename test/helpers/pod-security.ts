// A checker of the Pod Security Standards, written from the standard's own text and nothing of
// sdocker's (it imports no src/): kubernetes/website content/en/docs/concepts/security/
// pod-security-standards.md as of Kubernetes v1.34 (read from the kubernetes-website fork
// dancer1325/kubernetes-website at f915fce; the tables of "Baseline" and "Restricted").
// `restrictedViolations` lists every control of Restricted (which includes all of Baseline) a
// pod fails, each as "Control: field value"; an empty list means the pod meets Restricted.

type Obj = Record<string, unknown>;

const obj = (value: unknown): Obj => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const unset = (value: unknown): boolean => value === undefined || value === null;

/** Baseline "Capabilities": Undefined/nil or one of these. */
const BASELINE_CAPABILITIES = ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'];
/** Baseline "Sysctls": the allowed ("safe") names. */
const SAFE_SYSCTLS = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];
/** Baseline "SELinux": the allowed types. */
const SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];
/** Restricted "Volume Types": every volume must set one of these. */
const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

interface Pod {
  readonly metadata: Obj;
  readonly spec: Obj;
}

/** spec.containers[*], spec.initContainers[*], spec.ephemeralContainers[*]: every list the controls name. */
function allContainers(spec: Obj): { where: string; c: Obj }[] {
  return ['containers', 'initContainers', 'ephemeralContainers'].flatMap((key) => list(spec[key]).map((c, i) => ({ where: `spec.${key}[${i}]`, c: obj(c) })));
}

export function baselineViolations(pod: Pod): string[] {
  const { spec, metadata } = pod;
  const psc = obj(spec['securityContext']);
  const out: string[] = [];
  const containers = allContainers(spec);
  // HostProcess
  if (obj(psc['windowsOptions'])['hostProcess'] === true) out.push('HostProcess: spec.securityContext.windowsOptions.hostProcess');
  for (const { where, c } of containers) if (obj(obj(c['securityContext'])['windowsOptions'])['hostProcess'] === true) out.push(`HostProcess: ${where}`);
  // Host Namespaces: Undefined/nil, false
  for (const key of ['hostNetwork', 'hostPID', 'hostIPC']) if (!(unset(spec[key]) || spec[key] === false)) out.push(`Host Namespaces: spec.${key}`);
  for (const { where, c } of containers) {
    const sc = obj(c['securityContext']);
    // Privileged Containers: Undefined/nil, false
    if (!(unset(sc['privileged']) || sc['privileged'] === false)) out.push(`Privileged Containers: ${where}`);
    // Capabilities: Undefined/nil or the list
    for (const cap of list(obj(sc['capabilities'])['add'])) if (!BASELINE_CAPABILITIES.includes(String(cap))) out.push(`Capabilities: ${where} adds ${String(cap)}`);
    // Host Ports: Undefined/nil, 0
    for (const port of list(c['ports'])) if (!(unset(obj(port)['hostPort']) || obj(port)['hostPort'] === 0)) out.push(`Host Ports: ${where} hostPort ${String(obj(port)['hostPort'])}`);
    // Host Probes / Lifecycle Hooks (v1.34+): host Undefined/nil or ""
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      for (const handler of ['httpGet', 'tcpSocket']) if (!(unset(obj(obj(c[probe])[handler])['host']) || obj(obj(c[probe])[handler])['host'] === '')) out.push(`Host Probes: ${where}.${probe}.${handler}.host`);
    }
    for (const hook of ['postStart', 'preStop']) {
      for (const handler of ['httpGet', 'tcpSocket']) if (!(unset(obj(obj(obj(c['lifecycle'])[hook])[handler])['host']) || obj(obj(obj(c['lifecycle'])[hook])[handler])['host'] === '')) out.push(`Lifecycle Hooks: ${where}.lifecycle.${hook}.${handler}.host`);
    }
    // AppArmor: Undefined/nil, RuntimeDefault, Localhost
    const apparmor = obj(sc['appArmorProfile'])['type'];
    if (!(unset(apparmor) || apparmor === 'RuntimeDefault' || apparmor === 'Localhost')) out.push(`AppArmor: ${where} ${String(apparmor)}`);
    // SELinux
    seLinux(obj(sc['seLinuxOptions']), where, out);
    // /proc Mount Type: Undefined/nil, Default
    if (!(unset(sc['procMount']) || sc['procMount'] === 'Default')) out.push(`/proc Mount Type: ${where} ${String(sc['procMount'])}`);
    // Seccomp: Undefined/nil, RuntimeDefault, Localhost
    const seccomp = obj(sc['seccompProfile'])['type'];
    if (!(unset(seccomp) || seccomp === 'RuntimeDefault' || seccomp === 'Localhost')) out.push(`Seccomp: ${where} ${String(seccomp)}`);
  }
  // HostPath Volumes: Undefined/nil
  for (const volume of list(spec['volumes'])) if (!unset(obj(volume)['hostPath'])) out.push(`HostPath Volumes: ${String(obj(volume)['name'])}`);
  const podApparmor = obj(psc['appArmorProfile'])['type'];
  if (!(unset(podApparmor) || podApparmor === 'RuntimeDefault' || podApparmor === 'Localhost')) out.push(`AppArmor: spec.securityContext ${String(podApparmor)}`);
  for (const [key, value] of Object.entries(obj(metadata['annotations']))) {
    if (key.startsWith('container.apparmor.security.beta.kubernetes.io/') && !(value === 'runtime/default' || String(value).startsWith('localhost/'))) out.push(`AppArmor: annotation ${key}: ${String(value)}`);
  }
  seLinux(obj(psc['seLinuxOptions']), 'spec.securityContext', out);
  const podSeccomp = obj(psc['seccompProfile'])['type'];
  if (!(unset(podSeccomp) || podSeccomp === 'RuntimeDefault' || podSeccomp === 'Localhost')) out.push(`Seccomp: spec.securityContext ${String(podSeccomp)}`);
  // Sysctls
  for (const sysctl of list(psc['sysctls'])) if (!SAFE_SYSCTLS.includes(String(obj(sysctl)['name']))) out.push(`Sysctls: ${String(obj(sysctl)['name'])}`);
  return out;
}

function seLinux(options: Obj, where: string, out: string[]): void {
  if (!(unset(options['type']) || SELINUX_TYPES.includes(String(options['type'])))) out.push(`SELinux: ${where} type ${String(options['type'])}`);
  for (const key of ['user', 'role']) if (!(unset(options[key]) || options[key] === '')) out.push(`SELinux: ${where} ${key}`);
}

export function restrictedViolations(pod: Pod): string[] {
  const { spec } = pod;
  const psc = obj(spec['securityContext']);
  const out = baselineViolations(pod);
  const linux = obj(spec['os'])['name'] !== 'windows';
  const containers = allContainers(spec);
  // Volume Types: every volume sets one of the listed fields to a non-null value
  for (const volume of list(spec['volumes'])) if (!RESTRICTED_VOLUMES.some((type) => !unset(obj(volume)[type]))) out.push(`Volume Types: ${String(obj(volume)['name'])}`);
  // Running as Non-root user (v1.23+): runAsUser any non-zero value, undefined/null
  if (psc['runAsUser'] === 0) out.push('Running as Non-root user: spec.securityContext.runAsUser 0');
  for (const { where, c } of containers) {
    const sc = obj(c['securityContext']);
    // Privilege Escalation (v1.8+, Linux only): false
    if (linux && sc['allowPrivilegeEscalation'] !== false) out.push(`Privilege Escalation: ${where}`);
    // Running as Non-root: true; the container field may be unset if the pod-level one is true
    if (!(sc['runAsNonRoot'] === true || (unset(sc['runAsNonRoot']) && psc['runAsNonRoot'] === true))) out.push(`Running as Non-root: ${where}`);
    if (sc['runAsUser'] === 0) out.push(`Running as Non-root user: ${where} runAsUser 0`);
    // Seccomp (v1.19+, Linux only): RuntimeDefault or Localhost; the container field may be unset if the pod-level one is set
    const type = obj(sc['seccompProfile'])['type'] ?? obj(psc['seccompProfile'])['type'];
    if (linux && !(type === 'RuntimeDefault' || type === 'Localhost')) out.push(`Seccomp: ${where} ${String(type)}`);
    // Capabilities (v1.22+, Linux only): drop includes ALL; add Undefined/nil or NET_BIND_SERVICE
    const caps = obj(sc['capabilities']);
    if (linux && !list(caps['drop']).includes('ALL')) out.push(`Capabilities: ${where} does not drop ALL`);
    if (linux) for (const cap of list(caps['add'])) if (cap !== 'NET_BIND_SERVICE') out.push(`Capabilities: ${where} adds ${String(cap)}`);
  }
  return [...new Set(out)];
}

/** The pod (metadata + spec) of a workload object as each kind holds it; undefined for any other kind. */
export function podOfObject(object: unknown): Pod | undefined {
  const o = obj(object);
  const template = (path: string[]): Pod => {
    let node: unknown = o;
    for (const key of path) node = obj(node)[key];
    return { metadata: obj(obj(node)['metadata']), spec: obj(obj(node)['spec']) };
  };
  switch (o['kind']) {
    case 'Pod':
      return { metadata: obj(o['metadata']), spec: obj(o['spec']) };
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'ReplicationController':
    case 'Job':
      return template(['spec', 'template']);
    case 'CronJob':
      return template(['spec', 'jobTemplate', 'spec', 'template']);
    default:
      return undefined;
  }
}
