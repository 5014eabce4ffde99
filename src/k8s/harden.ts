// Hardening a file of Kubernetes manifests: every pod of a workload document (workloads.ts) gets
// the run engine's rules and its images' profiles in Kubernetes' words; refused settings are
// reported with file:line:col and left in place; every other document and byte stays as written.
import { dirname } from 'node:path';
import { checkAllowList, splitAllow } from '../policy/allow.js';
import { loadPolicy, type LoadedPolicy } from '../policy/load.js';
import { ManifestStream } from '../yaml/index.js';
import { podContainers, runsAsRoot, type ContainerView } from './containers.js';
import { containerEdits, Edits, grantRefusals } from './container-edits.js';
import { podLevel } from './levels.js';
import { podEdits } from './pod-edits.js';
import { withEdits } from './plain.js';
import { ALLOW_ANNOTATION, containerRefusals, podRefusals, type K8sRefusal } from './refuse.js';
import { mapping, type K8sEdit, type K8sFinding } from './types.js';
import { podOf, type PodView } from './workloads.js';

export interface K8sOptions {
  readonly profile: string;
  readonly env: NodeJS.ProcessEnv;
  readonly cliAllow: readonly string[];
  readonly cliAllowFlag?: string;
  /** A Localhost seccomp profile name (the kubelet's seccomp folder) instead of RuntimeDefault. */
  readonly seccomp?: string;
}

export interface K8sHardened {
  readonly file: string;
  /** The workload objects judged, `Kind/name`. */
  readonly objects: readonly string[];
  readonly original: string;
  readonly output: string;
  readonly findings: readonly K8sFinding[];
  readonly edits: readonly K8sEdit[];
  /** The policy's own warnings (an untrusted .sdocker.yml that loosens), once each. */
  readonly warnings: readonly string[];
}

export async function hardenManifests(text: string, file: string, options: K8sOptions): Promise<K8sHardened> {
  const stream = new ManifestStream(text, file);
  const policies = new Map<string, Promise<LoadedPolicy>>();
  const policyOf = (image: string): Promise<LoadedPolicy> => {
    if (!policies.has(image)) policies.set(image, loadPolicy({ profile: options.profile, env: options.env, cwd: dirname(file), cliAllow: options.cliAllow, cliAllowFlag: options.cliAllowFlag ?? '--allow', ...(image === '' ? {} : { image }) }));
    return policies.get(image) as Promise<LoadedPolicy>;
  };
  const findings: K8sFinding[] = [];
  const edits: K8sEdit[] = [];
  const warnings = new Set<string>();
  const objects: string[] = [];
  for (const [index, document] of stream.documents.entries()) {
    const pod = podOf(document.data, index);
    if (pod === undefined) continue;
    objects.push(pod.label);
    const own = splitAllow([pod.annotations[ALLOW_ANNOTATION] ?? '']);
    checkAllowList(own, `annotation ${ALLOW_ANNOTATION} of ${pod.label} in ${file}`);
    const base = await policyOf('');
    for (const line of base.warnings) warnings.add(line);
    const containers: ContainerView[] = [];
    for (const { path, data } of podContainers(pod)) {
      const image = typeof data['image'] === 'string' ? data['image'] : '';
      const { policy, warnings: said } = await policyOf(image);
      for (const line of said) warnings.add(line);
      const name = String(data['name'] ?? '');
      containers.push({ pod, path, data, name, label: `${pod.label}/${name}`, image, policy, allow: [...policy.allow, ...own] });
    }
    const at = (path: readonly (string | number)[]): { line: number; col: number } => document.edit.position(path);
    const refusals: K8sRefusal[] = podRefusals(pod, [...base.policy.allow, ...own], base.policy);
    const podEdit = new Edits(index, pod.label);
    const containerEditsList: Edits[] = [];
    for (const c of containers) {
      const grants = grantRefusals(c, runsAsRoot(c));
      refusals.push(...containerRefusals(c), ...grants);
      const refused = new Set(grants.filter((g) => !g.allowed).map((g) => g.violation.detail ?? ''));
      const e = new Edits(index, c.label);
      containerEdits(c, e, refused);
      containerEditsList.push(e);
    }
    podEdits(pod, containers, podEdit, options.seccomp === undefined ? {} : { seccomp: options.seccomp });
    for (const r of refusals) {
      const message = r.allowed ? `allowed: ${r.message.replace(/^sdocker: refusing /, '')}` : r.message.replace(/^sdocker: /, '');
      findings.push({ file, ...at(r.path), rule: r.violation.rule, level: r.allowed ? 'warning' : 'error', service: r.service, message });
    }
    const all = [...containerEditsList, podEdit];
    for (const e of all) {
      for (const edit of e.edits) findings.push({ file, ...at(edit.path), rule: edit.rule, level: 'change', service: edit.service, message: `add ${edit.note}` });
      for (const note of e.notes) findings.push({ file, ...at(note.path), rule: note.rule, level: note.level, service: pod.label, message: note.message });
      edits.push(...e.edits);
    }
    findings.push(...levelFindings(pod, document.data, all.flatMap((e) => e.edits), file, at));
  }
  for (const edit of edits) {
    const target = stream.documents[edit.doc]?.edit;
    if (edit.kind === 'set') target?.setIn(edit.path, edit.value);
    else target?.appendIn(edit.path, edit.value);
  }
  return { file, objects, original: text, output: stream.toString(), findings, edits, warnings: [...warnings] };
}

/** What keeps the hardened pod from Pod Security Standards "restricted", said once per pod. */
function levelFindings(pod: PodView, data: unknown, edits: readonly K8sEdit[], file: string, at: (path: readonly (string | number)[]) => { line: number; col: number }): K8sFinding[] {
  let spec: unknown = withEdits(data, edits);
  for (const key of pod.specPath) spec = mapping(spec)?.[key];
  const { level, reasons } = podLevel(mapping(spec) ?? {});
  if (level === 'restricted') return [];
  return [{ file, ...at(pod.specPath), rule: 'pod-security', level: 'warning', service: pod.label, message: `meets Pod Security Standards ${level}, not restricted: ${reasons.join('; ')}` }];
}
