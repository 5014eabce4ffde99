// The run rules' refusals in Kubernetes' words: each PodSpec or securityContext field that does
// what `sdocker run` refuses is a Violation of the same rule (policy/rules.ts), lifted by the same
// allow entries. hostPath volumes are judged as bind mounts of the node (policy/mounts.ts): the
// node is another machine, so only the path is judged, as for a remote engine.
import { socketHostFacts } from '../planner/facts.js';
import { judgeBind } from '../policy/mounts.js';
import { isAllowed, normalizeCap, refusalMessage, type Violation } from '../policy/refusals.js';
import type { Path } from '../yaml/index.js';
import { securityContext, type ContainerView } from './containers.js';
import { items, mapping, type Mapping } from './types.js';
import type { PodView } from './workloads.js';

export interface K8sRefusal {
  readonly violation: Violation;
  /** Where it is written in the document. */
  readonly path: Path;
  readonly service: string;
  readonly allowed: boolean;
  readonly message: string;
}

/** A node is judged by path only: its files are not on this machine. */
const NODE = socketHostFacts(undefined);

/** SELinux types container-selinux declares unconfined (as refusals.ts judges label=type:). */
const UNCONFINED_TYPES = new Set(['spc_t', 'unconfined_t', 'container_runtime_t']);

const NAMESPACES: readonly [key: string, rule: Violation['rule'], fix: string][] = [
  ['hostNetwork', 'host-network', 'expose the port through a Service (or containerPort) instead'],
  ['hostPID', 'host-pid', 'drop hostPID'],
  ['hostIPC', 'host-ipc', 'drop hostIPC'],
];

export const ALLOW_ANNOTATION = 'x-sdocker/allow';

/** The message of a refusal, lifted here by the object's annotation or harden's --allow. */
export function k8sRefusalMessage(violation: Violation): string {
  return refusalMessage(violation).replace(/, or --sd-allow (\S+)$/, (_, rule: string) => `, or allow it: annotation ${ALLOW_ANNOTATION}: "${rule}" on the object, or --allow ${rule}`);
}

function refusal(violation: Violation, path: Path, service: string, allow: readonly string[]): K8sRefusal {
  return { violation, path, service, allowed: isAllowed(violation, allow), message: k8sRefusalMessage(violation) };
}

/** What the pod itself sets: host namespaces, hostPath volumes, a pod-wide unconfined seccomp or SELinux type. */
export function podRefusals(pod: PodView, allow: readonly string[], lists: Parameters<typeof judgeBind>[2]): K8sRefusal[] {
  const found: K8sRefusal[] = [];
  for (const [key, rule, fix] of NAMESPACES) {
    if (pod.spec[key] === true) found.push(refusal({ rule, what: `${key}: true`, fix }, [...pod.specPath, key], pod.label, allow));
  }
  found.push(...contextRefusals(mapping(pod.spec['securityContext']) ?? {}, [...pod.specPath, 'securityContext'], pod.label, allow));
  items(pod.spec['volumes']).forEach((volume, i) => {
    const hostPath = mapping(mapping(volume)?.['hostPath']);
    if (hostPath === undefined) return;
    const name = String(mapping(volume)?.['name'] ?? '');
    const source = String(hostPath['path'] ?? '');
    const mounts = volumeMounts(pod, name);
    const readOnly = mounts.length > 0 && mounts.every((mount) => mount['readOnly'] === true);
    const decision = judgeBind({ source, target: '', readOnly }, NODE, lists);
    const what = `hostPath ${source}${readOnly ? ' (read-only)' : ''}`;
    const path = [...pod.specPath, 'volumes', i, 'hostPath'];
    if (decision.kind === 'engine-socket') found.push(refusal({ rule: 'docker-socket', what, fix: 'give the pod a narrower API proxy' }, path, pod.label, allow));
    if (decision.kind === 'refused') found.push(refusal({ rule: 'sensitive-mount', detail: decision.path, what: `${what} (${decision.reason})`, fix: decision.fix.replace(/\(-v SRC.*\)$/, '(readOnly: true on every volumeMount of it)') }, path, pod.label, allow));
  });
  return found;
}

/** Every volumeMount of the pod's containers that mounts volume `name`. */
export function volumeMounts(pod: PodView, name: string): Mapping[] {
  return ['initContainers', 'containers'].flatMap((list) => items(pod.spec[list]).flatMap((c) => items(mapping(c)?.['volumeMounts']).map((m) => mapping(m) ?? {}).filter((m) => m['name'] === name)));
}

/** What one container sets: privileged, dangerous capabilities, privilege escalation, unconfined profiles. */
export function containerRefusals(c: ContainerView): K8sRefusal[] {
  const sc = securityContext(c);
  const at = [...c.path, 'securityContext'];
  const found: K8sRefusal[] = [];
  if (sc['privileged'] === true) found.push(refusal({ rule: 'privileged', what: 'privileged: true', fix: 'add the one capability it needs in capabilities.add' }, [...at, 'privileged'], c.label, c.allow));
  items(mapping(sc['capabilities'])?.['add']).forEach((cap, i) => {
    const name = normalizeCap(String(cap));
    if (c.policy.capabilities.dangerous.includes(name)) found.push(refusal({ rule: 'dangerous-cap', detail: name, what: `capabilities.add: ${name}`, fix: 'grant a narrower capability' }, [...at, 'capabilities', 'add', i], c.label, c.allow));
  });
  if (sc['allowPrivilegeEscalation'] === true) found.push(refusal({ rule: 'new-privileges', what: 'allowPrivilegeEscalation: true', fix: 'set it false' }, [...at, 'allowPrivilegeEscalation'], c.label, c.allow));
  if (sc['procMount'] === 'Unmasked') found.push(refusal({ rule: 'systempaths-unconfined', what: 'procMount: Unmasked', fix: 'drop it' }, [...at, 'procMount'], c.label, c.allow));
  found.push(...contextRefusals(sc, at, c.label, c.allow));
  found.push(...annotationRefusals(c));
  return found;
}

/** seccompProfile, appArmorProfile and seLinuxOptions of a pod's or container's securityContext. */
function contextRefusals(sc: Mapping, at: Path, service: string, allow: readonly string[]): K8sRefusal[] {
  const found: K8sRefusal[] = [];
  if (mapping(sc['seccompProfile'])?.['type'] === 'Unconfined') found.push(refusal({ rule: 'seccomp-unconfined', what: 'seccompProfile: Unconfined', fix: 'use RuntimeDefault, or a Localhost profile that allows what it needs' }, [...at, 'seccompProfile'], service, allow));
  if (mapping(sc['appArmorProfile'])?.['type'] === 'Unconfined') found.push(refusal({ rule: 'apparmor-unconfined', what: 'appArmorProfile: Unconfined', fix: 'use RuntimeDefault, or a Localhost profile that allows what it needs' }, [...at, 'appArmorProfile'], service, allow));
  const type = mapping(sc['seLinuxOptions'])?.['type'];
  if (typeof type === 'string' && UNCONFINED_TYPES.has(type)) found.push(refusal({ rule: 'label-disable', what: `seLinuxOptions.type: ${type} (an unconfined SELinux type)`, fix: 'give a confined type, or none' }, [...at, 'seLinuxOptions'], service, allow));
  return found;
}

/** The annotations that predate the securityContext fields (still read for pods that use them). */
function annotationRefusals(c: ContainerView): K8sRefusal[] {
  const found: K8sRefusal[] = [];
  const apparmor = c.pod.annotations[`container.apparmor.security.beta.kubernetes.io/${c.name}`];
  if (apparmor === 'unconfined') found.push(refusal({ rule: 'apparmor-unconfined', what: `annotation container.apparmor.security.beta.kubernetes.io/${c.name}: unconfined`, fix: 'drop the annotation' }, c.path, c.label, c.allow));
  const seccomp = c.pod.annotations[`container.seccomp.security.alpha.kubernetes.io/${c.name}`] ?? c.pod.annotations['seccomp.security.alpha.kubernetes.io/pod'];
  if (seccomp === 'unconfined') found.push(refusal({ rule: 'seccomp-unconfined', what: 'annotation seccomp.security.alpha.kubernetes.io: unconfined', fix: 'drop the annotation' }, c.path, c.label, c.allow));
  return found;
}
