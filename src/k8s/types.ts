// What hardening Kubernetes manifests produces: edits to make in each document of the file, and
// findings to report in the shape harden reports compose findings (file:line:col, rule, level).
import type { Finding } from '../compose/keys/types.js';
import type { RuleId, RuleRow } from '../policy/rules.js';
import type { Path } from '../yaml/index.js';

/** The rule table's ids, and what only Kubernetes has. */
export type K8sRule = RuleId | 'service-account-token' | 'pod-security' | 'k8s-convert';

export const K8S_ROWS: Readonly<Record<Exclude<K8sRule, RuleId>, RuleRow>> = {
  'service-account-token': {
    cis: 'K8s 5.1.6',
    title: 'automountServiceAccountToken: false',
    why: "every pod gets its service account's API token mounted by default: an intruder in any container can call the Kubernetes API with it (CIS Kubernetes Benchmark 5.1.6)",
  },
  'pod-security': {
    cis: '-',
    title: 'the Pod Security Standards level a pod meets',
    why: 'a namespace enforcing "restricted" (Pod Security Admission) refuses a pod that meets only baseline or privileged (kubernetes.io/docs/concepts/security/pod-security-standards)',
  },
  'k8s-convert': {
    cis: '-',
    title: 'a compose setting with no Kubernetes equivalent',
    why: 'harden --target k8s writes what a kubelet runs; what it cannot say is reported, never dropped in silence',
  },
};

export interface K8sFinding extends Omit<Finding, 'rule'> {
  readonly rule: K8sRule;
}

/** One change to one document of the stream: a value set at a path, or an item appended to the sequence at a path. */
export interface K8sEdit {
  readonly doc: number;
  readonly kind: 'set' | 'append';
  readonly path: Path;
  readonly value: unknown;
  readonly rule: K8sRule;
  /** The object (and container) it is for: `Deployment/web`, `Deployment/web/nginx`. */
  readonly service: string;
  /** One line for --check: what changes. */
  readonly note: string;
}

export type Mapping = Record<string, unknown>;

export function mapping(value: unknown): Mapping | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Mapping) : undefined;
}

export function items(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
