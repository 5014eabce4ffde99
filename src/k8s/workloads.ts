// Where each workload kind keeps its pod: the kinds `harden --target k8s` hardens and the path
// of their PodSpec (k8s.io/api: core/v1 Pod, apps/v1 Deployment, StatefulSet, DaemonSet,
// ReplicaSet, batch/v1 Job, CronJob, core/v1 ReplicationController). Any other kind (Service,
// ConfigMap, a custom resource) is left as written.
import type { Path } from '../yaml/index.js';
import { mapping, type Mapping } from './types.js';

const TEMPLATE = ['spec', 'template'];

/** The pod template (metadata + spec) of each kind; the Pod is its own. */
const POD_TEMPLATES: Readonly<Record<string, Path>> = {
  Pod: [],
  Deployment: TEMPLATE,
  StatefulSet: TEMPLATE,
  DaemonSet: TEMPLATE,
  ReplicaSet: TEMPLATE,
  ReplicationController: TEMPLATE,
  Job: TEMPLATE,
  CronJob: ['spec', 'jobTemplate', ...TEMPLATE],
};

export const WORKLOAD_KINDS = Object.keys(POD_TEMPLATES);

export interface PodView {
  /** The document's index in the file. */
  readonly doc: number;
  readonly kind: string;
  readonly name: string;
  /** `Kind/name`, as findings name the object. */
  readonly label: string;
  /** Where the PodSpec is in the document. */
  readonly specPath: Path;
  readonly spec: Mapping;
  /** The object's annotations and its pod template's (the template's win). */
  readonly annotations: Readonly<Record<string, string>>;
}

/** The pod of a workload document; undefined for any other document. */
export function podOf(data: unknown, doc: number): PodView | undefined {
  const object = mapping(data);
  const kind = typeof object?.['kind'] === 'string' ? object['kind'] : '';
  const template = POD_TEMPLATES[kind];
  if (object === undefined || template === undefined) return undefined;
  let node: unknown = object;
  for (const key of template) node = mapping(node)?.[key];
  const spec = mapping(mapping(node)?.['spec']);
  if (spec === undefined) return undefined;
  const name = String(mapping(object['metadata'])?.['name'] ?? '');
  const annotations = { ...strings(mapping(mapping(object['metadata'])?.['annotations'])), ...(template.length === 0 ? {} : strings(mapping(mapping(mapping(node)?.['metadata'])?.['annotations']))) };
  return { doc, kind, name, label: `${kind}/${name}`, specPath: [...template, 'spec'], spec, annotations };
}

function strings(value: Mapping | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(value ?? {}).map(([k, v]) => [k, String(v)]));
}
