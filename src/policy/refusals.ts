// Refusal checks: each finds, in the user's options, what its rule refuses. A refusal can be
// lifted for its rule (`--sd-allow privileged`) or for one item (`--sd-allow dangerous-cap:SYS_PTRACE`).
import { basename } from 'node:path';
import { parseMount, parseSecurityOpt, parseVolume, splitCsv, type HostBind } from '../docker/values.js';
import { OptionView, type RuleContext } from './context.js';
import { REFUSALS, type RefuseId } from './rules.js';

export interface Violation {
  readonly rule: RefuseId;
  /** What it is about, when the rule can be lifted for one item: a capability, a path. */
  readonly detail?: string;
  /** What the user wrote, as a flag. */
  readonly what: string;
  /** How to do without it. */
  readonly fix: string;
}

type Check = (view: OptionView, ctx: RuleContext) => Violation[];

const NAMESPACES: readonly [flag: string, rule: RefuseId][] = [
  ['network', 'host-network'],
  ['pid', 'host-pid'],
  ['ipc', 'host-ipc'],
  ['uts', 'host-uts'],
  ['userns', 'host-userns'],
  ['cgroupns', 'host-cgroupns'],
];

/** Socket file names of container engines: mounting any of them hands over the engine. */
const ENGINE_SOCKETS = new Set(['docker.sock', 'containerd.sock', 'podman.sock', 'cri-dockerd.sock', 'crio.sock']);

const CHECKS: readonly Check[] = [
  (view) => (view.isOn('privileged') ? [{ rule: 'privileged', what: '--privileged', fix: 'add the one capability it needs with --cap-add NAME' }] : []),
  (view, ctx) =>
    view
      .values('cap-add')
      .flatMap((value) => value.split(','))
      .map(normalizeCap)
      .filter((cap) => ctx.policy.capabilities.dangerous.includes(cap))
      .map((cap) => ({ rule: 'dangerous-cap', detail: cap, what: `--cap-add ${cap}`, fix: 'grant a narrower capability' })),
  (view) =>
    NAMESPACES.flatMap(([flag, rule]) =>
      view
        .values(flag)
        .filter((value) => namespaceMode(value) === 'host')
        .map((value) => ({ rule, what: `--${flag} ${value}`, fix: flag === 'network' ? 'publish ports with -p instead' : `drop --${flag}` })),
    ),
  (view) => (view.has('cgroup-parent') ? [{ rule: 'cgroup-parent', what: `--cgroup-parent ${view.last('cgroup-parent')}`, fix: 'drop --cgroup-parent' }] : []),
  (view) => (view.isOn('use-api-socket') ? [{ rule: 'docker-socket', what: '--use-api-socket', fix: 'give the container a narrower API proxy' }] : []),
  checkMounts,
  checkSecurityOpts,
  (view) =>
    view
      .values('device-cgroup-rule')
      .filter(grantsAllDevices)
      .map((value) => ({ rule: 'all-devices', what: `--device-cgroup-rule '${value}'`, fix: 'grant the one device with --device' })),
];

const EXEC_CHECKS: readonly Check[] = [
  (view) => (view.isOn('privileged') ? [{ rule: 'exec-privileged', what: 'exec --privileged', fix: 'use a narrower --user, or a capability given when the container was created' }] : []),
];

export function findViolations(ctx: RuleContext): Violation[] {
  const view = new OptionView(ctx.items);
  return (ctx.sub === 'exec' ? EXEC_CHECKS : CHECKS).flatMap((check) => check(view, ctx));
}

export function isAllowed(violation: Violation, allow: readonly string[]): boolean {
  return allow.includes(violation.rule) || (violation.detail !== undefined && allow.includes(`${violation.rule}:${violation.detail}`));
}

export function refusalMessage(violation: Violation): string {
  const allow = violation.detail === undefined ? violation.rule : `${violation.rule}:${violation.detail}`;
  return `sdocker: refusing ${violation.what}: ${REFUSALS[violation.rule].why}; ${violation.fix}, or --sd-allow ${allow}`;
}

/** docker normalises capability names: any case, with or without CAP_ (daemon caps.NormalizeLegacyCapabilities). */
export function normalizeCap(name: string): string {
  const upper = name.trim().toUpperCase();
  return upper.startsWith('CAP_') ? upper.slice(4) : upper;
}

/** `host`, or docker 28's advanced `--network name=host,alias=x`. */
function namespaceMode(value: string): string {
  if (!value.includes('=')) return value.trim().toLowerCase();
  const name = splitCsv(value).find((field) => field.startsWith('name='));
  return (name?.slice(5) ?? '').trim().toLowerCase();
}

function checkMounts(view: OptionView, ctx: RuleContext): Violation[] {
  const binds: [string, HostBind][] = [];
  for (const value of view.values('volume')) {
    const bind = parseVolume(value, ctx.cwd);
    if (bind !== undefined) binds.push([`-v ${value}`, bind]);
  }
  for (const value of view.values('mount')) {
    const mount = parseMount(value, ctx.cwd);
    if ('source' in mount) binds.push([`--mount ${value}`, mount]);
  }
  return binds.flatMap(([what, bind]) => checkBind(what, bind, ctx));
}

function checkBind(what: string, bind: HostBind, ctx: RuleContext): Violation[] {
  const resolved = ctx.host.realpath(bind.source);
  const isEngineSocket =
    (ctx.host.engineSocket !== undefined && resolved === ctx.host.engineSocket) ||
    ENGINE_SOCKETS.has(basename(resolved)) ||
    ENGINE_SOCKETS.has(basename(bind.source));
  if (isEngineSocket) return [{ rule: 'docker-socket', what, fix: 'give the container a narrower API proxy' }];
  const { sensitivePaths, readOnlyHostPaths } = ctx.policy;
  if (bind.readOnly && [bind.source, resolved].every((path) => readOnlyHostPaths.some((ok) => isWithin(path, ok)))) return [];
  const hit = [resolved, bind.source].find((path) => sensitivePaths.some((sensitive) => overlaps(path, sensitive)));
  return hit === undefined ? [] : [{ rule: 'sensitive-mount', detail: hit, what: resolved === bind.source ? what : `${what} (resolves to ${resolved})`, fix: 'mount a folder of its own or a named volume' }];
}

/** `path` is `sensitive`, inside it, or (for any but /) a folder that contains it. */
function overlaps(path: string, sensitive: string): boolean {
  if (isWithin(path, sensitive) && (sensitive !== '/' || path === '/')) return true;
  return path !== '/' && sensitive.startsWith(`${path}/`);
}

function isWithin(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith('/') ? folder : `${folder}/`);
}

function checkSecurityOpts(view: OptionView): Violation[] {
  const found: Violation[] = [];
  for (const text of view.values('security-opt')) {
    const { key, value = '' } = parseSecurityOpt(text);
    const what = `--security-opt ${text}`;
    const lower = value.trim().toLowerCase();
    if (key === 'seccomp' && lower === 'unconfined') found.push({ rule: 'seccomp-unconfined', what, fix: 'give a profile file that allows what it needs: --security-opt seccomp=FILE' });
    if (key === 'apparmor' && lower === 'unconfined') found.push({ rule: 'apparmor-unconfined', what, fix: 'load a profile that allows what it needs and name it' });
    if (key === 'label' && lower === 'disable') found.push({ rule: 'label-disable', what, fix: 'give the type it needs with label=type:NAME' });
    if (key === 'no-new-privileges' && ['0', 'f', 'false'].includes(lower)) found.push({ rule: 'new-privileges', what, fix: 'drop it' });
    if (key === 'systempaths' && lower === 'unconfined') found.push({ rule: 'systempaths-unconfined', what, fix: 'drop it' });
  }
  return found;
}

/** `a`, `a *:* rwm`, or any type with a wildcard major (`c *:* rwm`) grants a whole class of devices. */
function grantsAllDevices(rule: string): boolean {
  const [type = '', numbers = '*:*'] = rule.trim().split(/\s+/);
  return type === 'a' || numbers.split(':')[0] === '*';
}
