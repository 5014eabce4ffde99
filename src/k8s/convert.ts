// A compose project as Kubernetes manifests: per service a Deployment (and a Service when it
// publishes or exposes ports), per named volume a PersistentVolumeClaim, emptyDir for tmpfs and
// anonymous volumes, env and command kept (convert-container.ts). The services are read as
// compose reads them (extends, merge keys, ${VAR} from the environment and .env). The result is
// hardened afterwards like any manifest (command.ts), so a service's x-sdocker allow list goes
// on its Deployment as the x-sdocker/allow annotation.
import { basename, dirname } from 'node:path';
import { projectEnv } from '../compose/read/dotenv.js';
import { interpolateTree } from '../compose/read/interpolate.js';
import { ServiceModels } from '../compose/read/model.js';
import { ComposeDocument, renderYaml } from '../yaml/index.js';
import { dnsName, translateService, type Translated } from './convert-container.js';
import { ALLOW_ANNOTATION } from './refuse.js';
import { mapping, type K8sFinding, type Mapping } from './types.js';

/** Compose keys with no Kubernetes form, and what to do instead. */
const UNTRANSLATED: Readonly<Record<string, string>> = {
  depends_on: 'pods start in any order: make the service wait for what it needs, or add a readinessProbe to the others',
  links: "a Service's name resolves in the namespace: reach the service by its name",
  networks: 'every pod can reach every other: write a NetworkPolicy to separate them',
  healthcheck: 'write a readinessProbe or livenessProbe',
  restart: 'a Deployment restarts its pods always (with back-off); a run-once service is a Job',
  devices: 'a device reaches a pod through a device plugin of the node',
  ulimits: "the node's runtime sets them",
  pids_limit: "the node's kubelet sets it (podPidsLimit)",
  logging: "the node's kubelet rotates logs (containerLogMaxSize)",
  secrets: 'make a Secret and mount it (volumes: secret)',
  configs: 'make a ConfigMap and mount it (volumes: configMap)',
  container_name: 'a Deployment names its pods itself',
  volumes_from: 'the containers of one pod share volumes: put them in one pod',
  dns: 'write dnsConfig',
  init: 'a pod has no init process of its own (shareProcessNamespace gives one)',
  profiles: 'every service is written; leave out what you do not deploy',
  shm_size: 'mount an emptyDir with medium: Memory at /dev/shm',
  stop_signal: "the image's STOPSIGNAL is what a kubelet sends",
  labels: 'container labels have no pod form: write the ones you need as annotations',
};

/** What convert-container.ts writes; any other key is said to be left out. */
const TRANSLATED = new Set(['image', 'build', 'entrypoint', 'command', 'environment', 'env_file', 'working_dir', 'user', 'read_only', 'privileged', 'cap_add', 'cap_drop', 'security_opt', 'network_mode', 'pid', 'ipc', 'mem_limit', 'cpus', 'mem_reservation', 'deploy', 'ports', 'expose', 'volumes', 'tmpfs', 'hostname', 'sysctls', 'extra_hosts', 'stdin_open', 'tty', 'extends']);

export interface Conversion {
  readonly text: string;
  /** What does not translate (level warning, rule k8s-convert), at the compose file's lines. */
  readonly notes: K8sFinding[];
}

export async function convertCompose(text: string, file: string, target: string, options: { env: NodeJS.ProcessEnv }): Promise<Conversion> {
  const doc = new ComposeDocument(text, file);
  const models = new ServiceModels(doc);
  const env = projectEnv(dirname(file), options.env);
  const notes: K8sFinding[] = [];
  const objects: Mapping[] = [];
  const claims = new Set<string>();
  const topVolumes = (interpolateTree(doc.data['volumes'] ?? {}, env) ?? {}) as Mapping;
  for (const name of models.order()) {
    const service = interpolateTree(models.model(name), env) as Mapping;
    const note = (key: string, message: string): void => void notes.push({ file, ...doc.position(['services', name, key]), rule: 'k8s-convert', level: 'warning', service: name, message });
    const translated = translateService(name, service, dirname(file), note);
    for (const key of Object.keys(service).filter((k) => !TRANSLATED.has(k) && !k.startsWith('x-'))) {
      note(key, `${key} is not translated${UNTRANSLATED[key] === undefined ? '' : `: ${UNTRANSLATED[key]}`}`);
    }
    const allow = mapping(service['x-sdocker'])?.['allow'];
    objects.push(deployment(name, service, translated, Array.isArray(allow) ? allow.map(String) : []));
    if (translated.ports.length > 0) objects.push(serviceObject(name, translated));
    for (const claim of translated.claims) {
      if (mapping(topVolumes[claim])?.['external'] !== undefined) note('volumes', `volume ${claim} is external: the claim ${dnsName(claim)} is written; bind it to the volume you have`);
      claims.add(claim);
    }
  }
  for (const claim of claims) objects.push(claimObject(claim));
  const header = `# Written by sdocker harden --target k8s from ${basename(file)} (${basename(target)}): a Deployment per service,\n# a Service per published port set, a PersistentVolumeClaim per named volume.\n`;
  return { text: header + objects.map((o) => renderYaml(o)).join('---\n'), notes };
}

function labels(name: string): Mapping {
  return { 'app.kubernetes.io/name': dnsName(name) };
}

function deployment(name: string, service: Mapping, t: Translated, allow: readonly string[]): Mapping {
  const replicas = mapping(service['deploy'])?.['replicas'];
  const annotations = allow.length > 0 ? { annotations: { [ALLOW_ANNOTATION]: allow.join(',') } } : {};
  // A claim is ReadWriteOnce: the old pod lets it go before the new one starts.
  const strategy = t.claims.length > 0 ? { strategy: { type: 'Recreate' } } : {};
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: dnsName(name), labels: labels(name), ...annotations },
    spec: {
      replicas: replicas === undefined ? 1 : Number(replicas),
      selector: { matchLabels: labels(name) },
      ...strategy,
      template: { metadata: { labels: labels(name) }, spec: { ...t.pod, containers: [t.container], ...(t.volumes.length > 0 ? { volumes: t.volumes } : {}) } },
    },
  };
}

function serviceObject(name: string, t: Translated): Mapping {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: dnsName(name), labels: labels(name) },
    spec: {
      selector: labels(name),
      ports: t.ports.map((p) => ({ name: `${p.protocol.toLowerCase()}-${p.port}`, port: p.port, targetPort: p.targetPort, ...(p.protocol === 'TCP' ? {} : { protocol: p.protocol }) })),
    },
  };
}

/** compose volumes have no size: 1Gi is written, to be set where the data needs more. */
function claimObject(name: string): Mapping {
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: dnsName(name) }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
}
