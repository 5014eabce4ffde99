// Memory, CPU and process limits of a compose service. A limit the file sets, beside the
// service or in deploy.resources.limits, is the user's; sdocker adds only what is missing, in
// a form both composes read without refusing the file:
// - compose v1 1.29 (project.py translate_resource_keys_to_container_config) replaces mem_limit
//   by limits.memory whenever a deploy.resources.limits block exists (wiped when it has none)
//   and cpus by limits.cpus when present; its schema rejects limits.pids.
// - compose-go v2 (loader/validate.go checkConsistency) refuses mem_limit, cpus or pids_limit
//   beside a deploy.resources.limits block whose value differs, absent counting as 0.
// So without a limits block sdocker writes mem_limit/cpus/pids_limit; with one, memory and cpus
// go into it and a pids limit cannot be written for both (said, not written). memswap_limit
// (read from beside the service only) equals the memory limit: no swap.
import { parseBytes, parseCpus } from '../../docker/units.js';
import { isLooser } from '../../policy/inject/limits.js';
import type { Path } from '../../yaml/index.js';
import { asWritten, type ServiceEdit, type ServiceView } from './types.js';

export type LimitRule = 'memory' | 'cpus' | 'pids-limit';

export interface LimitNote {
  readonly rule: LimitRule;
  /** Under the service. */
  readonly path: Path;
  readonly message: string;
}

export interface LimitPlan {
  readonly edits: ServiceEdit[];
  readonly notes: LimitNote[];
}

export const LIMITS = ['deploy', 'resources', 'limits'] as const;
// docker refuses --cpus with --cpu-quota or --cpu-period ("Conflicting options"): the user's CFS
// settings stand. cpu_count and cpu_percent are Windows-only: a Linux engine ignores them.
export const CFS_KEYS = ['cpu_quota', 'cpu_period'];

export type Parse = (text: string) => number | undefined;
export const parseCount: Parse = (value) => (/^-?\d+$/.test(value.trim()) ? Number(value) : undefined);

function mapping(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** deploy.resources.limits or .reservations, when the file has that block. */
export function resources(s: ServiceView, block: 'limits' | 'reservations'): Record<string, unknown> | undefined {
  return mapping(mapping(mapping(s.data['deploy'])?.['resources'])?.[block]);
}

export const text = (value: unknown): string => String(value);

/** Equal as compose compares them (bytes, CPUs); the same text when either cannot be read (${VAR}). */
export function same(a: unknown, b: unknown, parse: Parse): boolean {
  const [x, y] = [parse(text(a)), parse(text(b))];
  return x !== undefined && y !== undefined ? x === y : text(a) === text(b);
}

function above(value: unknown, than: unknown, parse: Parse): boolean {
  const [x, y] = [parse(text(value)), parse(text(than))];
  return x !== undefined && y !== undefined && x > y;
}

export class Plan implements LimitPlan {
  readonly edits: ServiceEdit[] = [];
  readonly notes: LimitNote[] = [];
  constructor(
    private readonly s: ServiceView,
    private readonly rule: LimitRule,
  ) {}

  set(path: Path, value: unknown, note = `${path.join('.')}: ${text(value)}`): void {
    this.edits.push({ rule: this.rule, service: this.s.name, edit: { kind: 'set', path, value }, note });
  }

  warn(path: Path, message: string): void {
    this.notes.push({ rule: this.rule, path, message });
  }

  /** The file's value at `path` as the file writes it: `cpus: 1.0` is said `1.0`, not `1`. */
  shown(path: Path, value: unknown): string {
    return asWritten(value, this.s.source?.(path));
  }

  /** The user's value above the profile's, said as `run` says it (policy/inject/limits.ts). */
  looser(path: Path, value: unknown, profile: string, parse: Parse): void {
    const given = parse(text(value));
    if (given !== undefined && isLooser(given, parse(profile))) this.warn(path, `${path.join('.')} ${this.shown(path, value)} is above the profile's ${profile}`);
  }
}

interface Placed {
  readonly top: unknown;
  readonly deploy: unknown;
  readonly limits: Record<string, unknown> | undefined;
  /** The file's own value (deploy's wins, as v1 reads it), and where it is written. */
  readonly given: unknown;
  readonly path: Path;
}

/**
 * Where the file sets a limit: beside the service (`top`) and in deploy.resources.limits;
 * undefined when the two differ (said on the plan, left as written).
 */
function placed(plan: Plan, s: ServiceView, key: string, deployKey: string, parse: Parse): Placed | undefined {
  const limits = resources(s, 'limits');
  const [top, deploy] = [s.data[key], limits?.[deployKey]];
  if (top !== undefined && deploy !== undefined && !same(top, deploy, parse)) {
    differ(plan, key, deployKey, top, deploy);
    return undefined;
  }
  return { top, deploy, limits, given: deploy ?? top, path: deploy === undefined ? [key] : [...LIMITS, deployKey] };
}

/** Two distinct values: compose v2 refuses the file, v1 takes deploy's. Left as written. */
function differ(plan: Plan, key: string, deployKey: string, top: unknown, deploy: unknown): void {
  const [mine, deployed] = [plan.shown([key], top), plan.shown([...LIMITS, deployKey], deploy)];
  plan.warn([...LIMITS, deployKey], `${key} ${mine} and deploy.resources.limits.${deployKey} ${deployed} differ: compose v2 refuses the file (can't set distinct values) and v1 uses ${deployed}; keep one value`);
}

/** The profile's limit, or the file's reservation when above it (the engine refuses a limit below the reservation). */
export function profileOrReservation(plan: Plan, profile: string, [path, reservation]: [Path, unknown], what: string, parse: Parse): unknown {
  if (reservation === undefined || !above(reservation, profile, parse)) return profile;
  const shown = plan.shown(path, reservation);
  plan.warn(path, `the ${what} reservation ${shown} is above the profile's limit ${profile}: the limit added is ${text(reservation)} (a limit below the reservation fails)`);
  return reservation;
}

export function memoryLimits(s: ServiceView): LimitPlan {
  const plan = new Plan(s, 'memory');
  const profile = s.policy.limits.memory;
  const at = placed(plan, s, 'mem_limit', 'memory', parseBytes);
  if (at === undefined) return plan;
  const { top, deploy, limits } = at;
  const swap = s.data['memswap_limit'];
  let memory = at.given;
  if (memory !== undefined) {
    plan.looser(at.path, memory, profile, parseBytes);
    if (limits !== undefined && deploy === undefined) plan.set([...LIMITS, 'memory'], text(top));
  } else if (profile !== '') {
    const deployed = resources(s, 'reservations')?.['memory'];
    const reservation: [Path, unknown] = deployed === undefined ? [['mem_reservation'], s.data['mem_reservation']] : [['deploy', 'resources', 'reservations', 'memory'], deployed];
    memory = profileOrReservation(plan, profile, reservation, 'memory', parseBytes);
    // As run does: a swap bound of the user's below the limit is the limit (docker needs memory with swap).
    if (swap !== undefined && above(memory, swap, parseBytes)) memory = swap;
    plan.set(limits === undefined ? ['mem_limit'] : [...LIMITS, 'memory'], limits === undefined ? memory : text(memory));
  }
  const shown = memory === at.given ? plan.shown(at.path, memory) : text(memory);
  if (memory !== undefined) swapLimit(plan, memory, swap, shown);
  return plan;
}

/** `shown`: the memory limit as the file writes it, when it is the file's. */
function swapLimit(plan: Plan, memory: unknown, swap: unknown, shown: string): void {
  if (swap === undefined) {
    plan.set(['memswap_limit'], memory, `memswap_limit: ${text(memory)} (no swap)`);
    return;
  }
  const unlimited = Number(swap) === -1 || Number(swap) === 0;
  if (unlimited || above(swap, memory, parseBytes)) {
    plan.warn(['memswap_limit'], `memswap_limit ${plan.shown(['memswap_limit'], swap)} lets the container swap beyond the memory limit ${shown}`);
  } else if (above(memory, swap, parseBytes)) {
    plan.warn(['memswap_limit'], `memswap_limit ${plan.shown(['memswap_limit'], swap)} is below the memory limit ${shown}: the engine refuses to create the container (Minimum memoryswap limit should be larger than memory limit); make them equal`);
  }
}

export function cpuLimits(s: ServiceView): LimitPlan {
  const plan = new Plan(s, 'cpus');
  const profile = s.policy.limits.cpus;
  const at = placed(plan, s, 'cpus', 'cpus', parseCpus);
  if (at === undefined) return plan;
  const { top, deploy, limits } = at;
  if (at.given !== undefined) {
    plan.looser(at.path, at.given, profile, parseCpus);
    if (limits !== undefined && deploy === undefined) plan.set([...LIMITS, 'cpus'], top);
    return plan;
  }
  if (profile === '' || CFS_KEYS.some((key) => s.data[key] !== undefined)) return plan;
  // Compose gives a container no CPU reservation (v1 ignores it with a warning, v2 leaves it to swarm); a swarm does.
  const limit = Number(profileOrReservation(plan, profile, [['deploy', 'resources', 'reservations', 'cpus'], resources(s, 'reservations')?.['cpus']], 'CPU', parseCpus));
  plan.set(limits === undefined ? ['cpus'] : [...LIMITS, 'cpus'], limit);
  return plan;
}

export function pidsLimits(s: ServiceView): LimitPlan {
  const plan = new Plan(s, 'pids-limit');
  const profile = s.policy.limits.pids;
  const at = placed(plan, s, 'pids_limit', 'pids', parseCount);
  if (at === undefined) return plan;
  const { top, deploy, limits, given, path } = at;
  if (given !== undefined) {
    if (Number(given) <= 0) plan.warn(path, `${path.join('.')} ${plan.shown(path, given)} leaves the number of processes unlimited`);
    else plan.looser(path, given, String(profile), parseCount);
    if (limits !== undefined && deploy === undefined) {
      const mine = plan.shown(['pids_limit'], top);
      plan.warn(['pids_limit'], `pids_limit ${mine} beside a deploy.resources.limits without pids: compose v2 refuses the file (can't set distinct values); add pids: ${mine} there (v2 only: v1 rejects it) or move the limits beside the service`);
    }
    return plan;
  }
  if (profile <= 0) return plan;
  if (limits !== undefined) {
    plan.warn([...LIMITS], `no pids limit added: compose v1 rejects pids in deploy.resources.limits and v2 refuses pids_limit beside a limits block without it; add pids: ${profile} there (v2 only) or write mem_limit, cpus and pids_limit instead of deploy.resources.limits`);
    return plan;
  }
  plan.set(['pids_limit'], profile);
  return plan;
}

/** What the file's own limits mean, for the report (warnings). */
export function limitNotes(s: ServiceView): LimitNote[] {
  return [memoryLimits(s), cpuLimits(s), pidsLimits(s)].flatMap((plan) => plan.notes);
}
