// Kubernetes objects checked against the API's own schema (test/fixtures/k8s-schema: the
// v1.34 OpenAPI v3 components), independently of sdocker's code: ajv, with every object schema
// that lists its properties closed (kubeconform -strict), so a misspelt or misplaced field fails.
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

export const KUBERNETES_VERSION = '1.34';

const FIXTURE = new URL('../../../test/fixtures/k8s-schema/kubernetes-1.34.json', import.meta.url);

const KINDS: Readonly<Record<string, string>> = {
  'v1/Pod': 'io.k8s.api.core.v1.Pod',
  'v1/Service': 'io.k8s.api.core.v1.Service',
  'v1/PersistentVolumeClaim': 'io.k8s.api.core.v1.PersistentVolumeClaim',
  'v1/ReplicationController': 'io.k8s.api.core.v1.ReplicationController',
  'apps/v1/Deployment': 'io.k8s.api.apps.v1.Deployment',
  'apps/v1/StatefulSet': 'io.k8s.api.apps.v1.StatefulSet',
  'apps/v1/DaemonSet': 'io.k8s.api.apps.v1.DaemonSet',
  'apps/v1/ReplicaSet': 'io.k8s.api.apps.v1.ReplicaSet',
  'batch/v1/Job': 'io.k8s.api.batch.v1.Job',
  'batch/v1/CronJob': 'io.k8s.api.batch.v1.CronJob',
};

function closed(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closed);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, closed(v)]));
  if (out['properties'] !== undefined && out['additionalProperties'] === undefined) out['additionalProperties'] = false;
  return out;
}

let validators: Map<string, ValidateFunction> | undefined;

function load(): Map<string, ValidateFunction> {
  const doc = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { components: { schemas: Record<string, unknown> } };
  // The OpenAPI keywords ajv does not know (x-kubernetes-*, format int-or-string) carry no constraint here.
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: false });
  ajv.addSchema({ $id: 'k8s', components: { schemas: closed(doc.components.schemas) } });
  return new Map(Object.entries(KINDS).map(([kind, name]) => [kind, ajv.compile({ $ref: `k8s#/components/schemas/${name}` })]));
}

/** The schema's complaints about one object (`[]` when valid); an apiVersion/kind the schema has no entry for is one complaint. */
export function schemaErrors(object: unknown): string[] {
  validators ??= load();
  const o = object as { apiVersion?: unknown; kind?: unknown } | null;
  const validate = validators.get(`${String(o?.apiVersion)}/${String(o?.kind)}`);
  if (validate === undefined) return [`no ${String(o?.apiVersion)} ${String(o?.kind)} in the Kubernetes ${KUBERNETES_VERSION} API`];
  if (validate(object)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params['additionalProperty'])})` : ''}`);
}

/** Whether the schema knows the kind (the workloads, Service, PersistentVolumeClaim). */
export function schemaKnows(object: unknown): boolean {
  const o = object as { apiVersion?: unknown; kind?: unknown } | null;
  return Object.hasOwn(KINDS, `${String(o?.apiVersion)}/${String(o?.kind)}`);
}
