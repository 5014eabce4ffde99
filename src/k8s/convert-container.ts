// One compose service as a Kubernetes container and the pod fields around it, translated as
// written (the hardening comes after, from harden.ts, as for any manifest): what compose runs
// with the same meaning in a kubelet's words. What has none is handed to `note`, never dropped.
import { isAbsolute, resolve } from 'node:path';
import { parsePort, parseSecurityOpt } from '../docker/values.js';
import { Unresolved } from '../compose/read/interpolate.js';
import { cpuQuantity, memoryQuantity } from './quantity.js';
import { mapping, type Mapping } from './types.js';
import { splitWords } from './words.js';

export type Note = (key: string, message: string) => void;

export interface Translated {
  readonly container: Mapping;
  /** PodSpec fields (hostNetwork, volumes, sysctls, hostname, ...). */
  readonly pod: Mapping;
  readonly volumes: Mapping[];
  /** Top-level named volumes it mounts: one PersistentVolumeClaim each. */
  readonly claims: string[];
  /** Service ports: published (or exposed) port -> container port. */
  readonly ports: { port: number; targetPort: number; protocol: string }[];
}

/** A DNS-1123 label from a compose name (`my_app` -> `my-app`). */
export function dnsName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63) || 'app';
}

const NAMESPACE_KEYS: readonly [key: string, field: string][] = [['network_mode', 'hostNetwork'], ['pid', 'hostPID'], ['ipc', 'hostIPC']];

export function translateService(name: string, s: Mapping, composeDir: string, note: Note): Translated {
  const container: Mapping = { name: dnsName(name) };
  const pod: Mapping = {};
  const sc: Mapping = {};
  const out: Translated = { container, pod, volumes: [], claims: [], ports: [] };
  container['image'] = typeof s['image'] === 'string' ? s['image'] : dnsName(name);
  if (s['image'] === undefined) note('build', `no image: the manifest names '${String(container['image'])}'; build the image, push it where the cluster pulls from, and name it there`);
  for (const [key, field] of [['entrypoint', 'command'], ['command', 'args']] as const) {
    const value = s[key];
    const words = typeof value === 'string' ? splitWords(value) : Array.isArray(value) ? value.map(String) : undefined;
    if (words !== undefined) container[field] = words;
  }
  const env = environment(s['environment']);
  if (env.length > 0) container['env'] = env;
  if (s['env_file'] !== undefined) note('env_file', `env_file is not translated (its values would be written into the manifest): make a ConfigMap or Secret of it (kubectl create configmap NAME --from-env-file=FILE) and name it in envFrom`);
  if (typeof s['working_dir'] === 'string') container['workingDir'] = s['working_dir'];
  user(s['user'], sc, note);
  if (s['read_only'] === true || s['read_only'] === 'true') sc['readOnlyRootFilesystem'] = true;
  if (s['privileged'] === true || s['privileged'] === 'true') sc['privileged'] = true;
  const add = strings(s['cap_add']);
  const drop = strings(s['cap_drop']);
  if (add.length > 0 || drop.length > 0) sc['capabilities'] = { ...(add.length > 0 ? { add } : {}), ...(drop.length > 0 ? { drop } : {}) };
  securityOpts(strings(s['security_opt']), sc, note);
  if (Object.keys(sc).length > 0) container['securityContext'] = sc;
  for (const [key, field] of NAMESPACE_KEYS) {
    const value = s[key];
    if (value === 'host') pod[field] = true;
    else if (value !== undefined && value !== 'bridge' && value !== 'default' && value !== 'private') note(key, `${key}: ${String(value)} is not translated: the containers of one pod share their network, and a pod cannot join another's namespaces`);
  }
  resources(s, container);
  ports(s, container, out, note);
  volumes(s, name, composeDir, container, out, note);
  if (typeof s['hostname'] === 'string') pod['hostname'] = s['hostname'];
  const sysctls = mapping(s['sysctls']) ?? Object.fromEntries(strings(s['sysctls']).map((e) => e.split('=')));
  if (Object.keys(sysctls).length > 0) pod['securityContext'] = { sysctls: Object.entries(sysctls).map(([k, v]) => ({ name: k, value: String(v) })) };
  const hosts = strings(s['extra_hosts']).map((entry) => /^(.+?)[:=](.+)$/.exec(entry)).filter((m) => m !== null);
  if (hosts.length > 0) pod['hostAliases'] = hosts.map((m) => ({ ip: m[2], hostnames: [m[1]] }));
  if (s['stdin_open'] === true) container['stdin'] = true;
  if (s['tty'] === true) container['tty'] = true;
  return out;
}

function strings(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** `environment:` as a list (`K=V`, a bare `K` takes the shell's value) or a mapping; a variable with no value is left out, as compose leaves it unset. */
function environment(value: unknown): { name: string; value: string }[] {
  const pairs: [string, unknown][] = Array.isArray(value) ? value.map((e) => String(e)).map((e) => (e.includes('=') ? [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] : [e, undefined])) : Object.entries(mapping(value) ?? {});
  return pairs.filter(([, v]) => v !== undefined && v !== null && !(v instanceof Unresolved)).map(([k, v]) => ({ name: k, value: String(v) }));
}

/** `user: UID[:GID]`; a user named by name has no Kubernetes form (runAsUser takes an id). */
function user(value: unknown, sc: Mapping, note: Note): void {
  if (value === undefined || value === null) return;
  const match = /^(\d+)(?::(\d+))?$/.exec(String(value));
  if (match === null) return note('user', `user: ${String(value)} is not translated: runAsUser takes a numeric id; write user: UID:GID`);
  sc['runAsUser'] = Number(match[1]);
  if (match[2] !== undefined) sc['runAsGroup'] = Number(match[2]);
}

function securityOpts(opts: readonly string[], sc: Mapping, note: Note): void {
  for (const opt of opts) {
    const { key, value = '' } = parseSecurityOpt(opt);
    if (key === 'no-new-privileges') sc['allowPrivilegeEscalation'] = ['false', '0', 'f'].includes(value.toLowerCase());
    else if (key === 'seccomp' && value === 'unconfined') sc['seccompProfile'] = { type: 'Unconfined' };
    else if (key === 'apparmor' && value === 'unconfined') sc['appArmorProfile'] = { type: 'Unconfined' };
    else if (key === 'label' && value === 'disable') sc['seLinuxOptions'] = { type: 'spc_t' };
    else note('security_opt', `security_opt ${opt} is not translated: a seccomp or AppArmor profile file is a Localhost profile on every node (harden --target k8s --seccomp NAME names one)`);
  }
}

function resources(s: Mapping, container: Mapping): void {
  const deploy = mapping(mapping(s['deploy'])?.['resources']);
  const limits: Mapping = {};
  const requests: Mapping = {};
  const memory = mapping(deploy?.['limits'])?.['memory'] ?? s['mem_limit'];
  const cpus = mapping(deploy?.['limits'])?.['cpus'] ?? s['cpus'];
  if (memory !== undefined) limits['memory'] = memoryQuantity(String(memory)) ?? String(memory);
  if (cpus !== undefined) limits['cpu'] = cpuQuantity(String(cpus)) ?? String(cpus);
  const reserved = mapping(deploy?.['reservations'])?.['memory'] ?? s['mem_reservation'];
  if (reserved !== undefined) requests['memory'] = memoryQuantity(String(reserved)) ?? String(reserved);
  if (Object.keys(limits).length + Object.keys(requests).length > 0) container['resources'] = { ...(Object.keys(limits).length > 0 ? { limits } : {}), ...(Object.keys(requests).length > 0 ? { requests } : {}) };
}

/** `ports` (short or long syntax) and `expose`: containerPort each, and a Service port (published, or the same). */
function ports(s: Mapping, container: Mapping, out: Translated, note: Note): void {
  const found: { port: number; targetPort: number; protocol: string }[] = [];
  for (const entry of Array.isArray(s['ports']) ? s['ports'] : []) {
    const long = mapping(entry);
    const short = long === undefined ? parsePort(String(entry)) : undefined;
    const [container = '', protocol = 'tcp'] = (short === undefined ? `${String(long?.['target'])}/${String(long?.['protocol'] ?? 'tcp')}` : short.container).split('/');
    const host = short === undefined ? (long?.['published'] === undefined ? '' : String(long['published'])) : short.host;
    const [target, published] = [Number(container), Number(host === '' ? container : host)];
    if (!Number.isInteger(target) || !Number.isInteger(published)) {
      note('ports', `ports ${typeof entry === 'object' ? JSON.stringify(entry) : String(entry)} is not translated: a port range or a variable has no Service form; write each port`);
      continue;
    }
    found.push({ port: published, targetPort: target, protocol: protocol.toUpperCase() });
  }
  for (const port of strings(s['expose'])) {
    const [number, protocol = 'tcp'] = port.split('/');
    if (Number.isInteger(Number(number))) found.push({ port: Number(number), targetPort: Number(number), protocol: protocol.toUpperCase() });
  }
  const unique = found.filter((p, i) => found.findIndex((q) => q.port === p.port && q.protocol === p.protocol) === i);
  const targets = unique.filter((p, i) => unique.findIndex((q) => q.targetPort === p.targetPort && q.protocol === p.protocol) === i);
  if (targets.length > 0) container['ports'] = targets.map((p) => ({ containerPort: p.targetPort, ...(p.protocol === 'TCP' ? {} : { protocol: p.protocol }) }));
  out.ports.push(...unique);
}

/** Named volumes as claims, host paths as hostPath (judged by the k8s refusals), anonymous ones and tmpfs as emptyDir. */
function volumes(s: Mapping, service: string, composeDir: string, container: Mapping, out: Translated, note: Note): void {
  const mounts: Mapping[] = [];
  const add = (volume: Mapping, mountPath: string, readOnly: boolean): void => {
    const name = `${dnsName(service)}-${out.volumes.length}`;
    out.volumes.push({ name, ...volume });
    mounts.push({ name, mountPath, ...(readOnly ? { readOnly: true } : {}) });
  };
  for (const entry of Array.isArray(s['volumes']) ? s['volumes'] : []) {
    const long = mapping(entry);
    const [source = '', target = '', mode = ''] = long === undefined ? String(entry).split(':') : [String(long['source'] ?? ''), String(long['target'] ?? ''), long['read_only'] === true ? 'ro' : ''];
    const [from, to] = target === '' && long === undefined ? ['', source] : [source, target];
    const readOnly = mode.split(',').includes('ro');
    const type = long === undefined ? (from === '' ? 'volume' : /^[./~]/.test(from) ? 'bind' : 'volume') : String(long['type'] ?? 'volume');
    if (type === 'tmpfs') add({ emptyDir: { medium: 'Memory' } }, to, false);
    else if (from === '') add({ emptyDir: {} }, to, readOnly);
    else if (type === 'bind') {
      const path = isAbsolute(from) ? from : resolve(composeDir, from);
      note('volumes', `volumes ${from}:${to} becomes hostPath ${path}: a path of the node the pod lands on, where the project's files are not; ship them in the image or a ConfigMap`);
      add({ hostPath: { path } }, to, readOnly);
    } else {
      const claim = dnsName(from);
      if (!out.claims.includes(from)) out.claims.push(from);
      add({ persistentVolumeClaim: { claimName: claim } }, to, readOnly);
    }
  }
  for (const entry of strings(s['tmpfs'])) {
    const [path = '', options = ''] = entry.split(':');
    const size = /(?:^|,)size=([^,]+)/.exec(options)?.[1];
    add({ emptyDir: { medium: 'Memory', ...(size === undefined ? {} : { sizeLimit: memoryQuantity(size) ?? size }) } }, path, false);
  }
  if (mounts.length > 0) container['volumeMounts'] = mounts;
}
