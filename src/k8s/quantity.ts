// docker's sizes and CPU counts (the profiles' words: `512m`, `1.0`) as Kubernetes quantities
// (`512Mi`, `1` or `500m`), and Kubernetes quantities read back to compare them
// (k8s.io/apimachinery resource.Quantity: binary Ki..Ei, decimal k..E, milli `m`, exponents).
import { parseBytes, parseCpus } from '../docker/units.js';

const BINARY: readonly [string, number][] = [['Ei', 2 ** 60], ['Pi', 2 ** 50], ['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]];
const DECIMAL: Readonly<Record<string, number>> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, m: 1e-3, n: 1e-9, u: 1e-6 };

/** A docker size as the largest binary unit that divides it (`512m` -> `512Mi`); undefined when it is not a size. */
export function memoryQuantity(docker: string): string | undefined {
  const bytes = parseBytes(docker);
  if (bytes === undefined) return undefined;
  const unit = BINARY.find(([, size]) => bytes >= size && bytes % size === 0);
  return unit === undefined ? String(bytes) : `${bytes / unit[1]}${unit[0]}`;
}

/** A docker CPU count as a quantity: whole CPUs plain (`1`), else millicores (`500m`). */
export function cpuQuantity(docker: string): string | undefined {
  const cpus = parseCpus(docker);
  if (cpus === undefined) return undefined;
  return Number.isInteger(cpus) ? String(cpus) : `${Math.round(cpus * 1000)}m`;
}

/** A Kubernetes quantity as a number (bytes, or CPUs); undefined when it is not one (a `${VAR}` of a template). */
export function readQuantity(value: unknown): number | undefined {
  const match = /^([+-]?\d+(?:\.\d+)?|[+-]?\.\d+)(?:(Ei|Pi|Ti|Gi|Mi|Ki)|([eE][+-]?\d+)|([kMGTPEmnu]?))$/.exec(String(value).trim());
  if (match === null) return undefined;
  const number = Number(match[1]);
  if (match[2] !== undefined) return number * (BINARY.find(([unit]) => unit === match[2])?.[1] ?? 1);
  if (match[3] !== undefined) return number * 10 ** Number(match[3].slice(1));
  return number * (DECIMAL[match[4] ?? ''] ?? 1);
}
