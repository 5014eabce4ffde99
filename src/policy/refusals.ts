// Refusal checks: each finds, in the user's options, what its rule refuses. A refusal can be
// lifted for its rule (`--sd-allow privileged`) or for one item (`--sd-allow dangerous-cap:SYS_PTRACE`).
import { goLower, goUpper } from '../docker/go-case.js';
import { networkName, parseSecurityOpt } from '../docker/values.js';
import { OptionView, type RuleContext } from './context.js';
import { parseDevice } from '../docker/device.js';
import { checkDevices } from './devices.js';
import { SWAP_FIX, swappedBy } from './swap.js';
import { inheritedBinds, inheritedHostNamespaces, type SharedNamespace } from './inherited.js';
import { seccompFileDanger, seccompTextDanger } from './seccomp-file.js';
import { bindsOf, holdsEngineSocket, judgeBind, type Bind } from './mounts.js';
import { REFUSALS, type RefuseId } from './rules.js';
import type { Violation } from './violation.js';

export type { Violation } from './violation.js';


type Check = (view: OptionView, ctx: RuleContext) => Violation[];

/** The namespaces `container:X` can share, and the rule a host one falls under. */
const SHARED_RULES: Readonly<Record<SharedNamespace, RefuseId>> = { network: 'host-network', pid: 'host-pid', ipc: 'host-ipc' };

const NAMESPACES: readonly [flag: string, rule: RefuseId][] = [
  ['network', 'host-network'],
  ['pid', 'host-pid'],
  ['ipc', 'host-ipc'],
  ['uts', 'host-uts'],
  ['userns', 'host-userns'],
  ['cgroupns', 'host-cgroupns'],
];

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
        .map((value) => ({ rule, what: `--${flag} ${value}`, fix: namespaceFix(flag) })),
    ),
  // `container:X` where X (or the container X joined) uses the host's namespace: the same rule.
  (view, ctx) =>
    inheritedHostNamespaces(view, ctx).map(({ flag, what }) => ({ rule: SHARED_RULES[flag], what, fix: namespaceFix(flag) })),
  (view) => (view.has('cgroup-parent') ? [{ rule: 'cgroup-parent', what: `--cgroup-parent ${view.last('cgroup-parent')}`, fix: 'drop --cgroup-parent' }] : []),
  (view) => (view.isOn('use-api-socket') ? [{ rule: 'docker-socket', what: '--use-api-socket', fix: 'give the container a narrower API proxy' }] : []),
  checkMounts,
  checkSwappable,
  checkSecurityOpts,
  (view) =>
    view
      .values('device-cgroup-rule')
      .filter(grantsAllDevices)
      .map((value) => ({ rule: 'all-devices', what: `--device-cgroup-rule '${value}'`, fix: 'grant the one device with --device' })),
  checkDevices,
];

/** SELinux types container-selinux declares unconfined domains: as good as label=disable. */
const UNCONFINED_TYPES = new Set(['type:spc_t', 'type:unconfined_t', 'type:container_runtime_t']);

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
  // One line, whatever the value holds (a --mount value may carry a newline: docker reads up to it).
  const what = violation.what.replace(/[\x00-\x1f\x7f]/g, (c) => JSON.stringify(c).slice(1, -1));
  return `sdocker: refusing ${what}: ${REFUSALS[violation.rule].why}; ${violation.fix}, or --sd-allow ${allow}`;
}

/** docker normalises capability names: any case (Go's strings.ToUpper), with or without CAP_ (daemon caps.NormalizeLegacyCapabilities). */
export function normalizeCap(name: string): string {
  const upper = goUpper(name.trim());
  return upper.startsWith('CAP_') ? upper.slice(4) : upper;
}

/**
 * `host`, or docker 28's advanced `--network name=host,alias=x` (docker/cli opts/network.go:
 * each field lower-cased, key and value trimmed, the last `name` wins: `NAME=bridge, name = host`).
 * A plain value is compared as written by the daemon; folding it only ever finds more.
 */
function namespaceMode(value: string): string {
  return goLower(networkName(value));
}

function namespaceFix(flag: string): string {
  return flag === 'network' ? 'publish ports with -p instead' : `drop --${flag}`;
}

/** What the options bind: written (-v, --mount) and inherited (--volumes-from, a named volume's definition). */
function allBinds(view: OptionView, ctx: RuleContext): Bind[] {
  return [...bindsOf(view, ctx.cwd), ...inheritedBinds(view, ctx)];
}

/** The policy's path lists, with the engine's own data root secret wherever it is (docker info DockerRootDir: a custom data-root, rootless ~/.local/share/docker). */
function pathLists(ctx: RuleContext): Parameters<typeof judgeBind>[2] {
  const root = ctx.facts.rootDir;
  if (root === undefined) return ctx.policy;
  return { sensitivePaths: ctx.policy.sensitivePaths, secretPaths: [...new Set([...ctx.policy.secretPaths, root, ctx.host.realpath(root)])] };
}

function checkMounts(view: OptionView, ctx: RuleContext): Violation[] {
  const lists = pathLists(ctx);
  return allBinds(view, ctx).flatMap((bind): Violation[] => {
    const decision = judgeBind(bind, ctx.host, lists);
    const socket = ctx.host.engineSocket;
    // A refused definition names no host path (its source is the detail to lift).
    const holds = socket !== undefined && bind.refusal === undefined && ctx.host.realpath(bind.source) !== socket && holdsEngineSocket(bind, ctx.host);
    if (decision.kind === 'engine-socket') return [{ rule: 'docker-socket', what: holds ? `${bind.what} (holds ${socket})` : bind.what, fix: 'give the container a narrower API proxy' }];
    if (decision.kind !== 'refused') return [];
    const sensitive: Violation = { rule: 'sensitive-mount', detail: decision.path, what: `${bind.what} (${decision.path === bind.source ? '' : `resolves to ${decision.path}; `}${decision.reason})`, fix: decision.fix };
    // A system folder that also holds the engine's socket (`/`, `/run`) needs both rules lifted.
    return holds ? [sensitive, { rule: 'docker-socket', what: `${bind.what} (holds ${socket})`, fix: 'give the container a narrower API proxy' }] : [sensitive];
  });
}

/** A bind or device source below another writable bind of the same run (policy/swap.ts); other containers' binds are the engine judge's (src/judge/swap.ts). */
function checkSwappable(view: OptionView, ctx: RuleContext): Violation[] {
  const binds = bindsOf(view, ctx.cwd).filter((bind) => bind.refusal === undefined);
  // A writable bind that is itself refused (it hands over the host) is that rule's: not counted again here.
  const lists = pathLists(ctx);
  const writers = binds.filter((bind) => !bind.readOnly && judgeBind(bind, ctx.host, lists).kind === 'free').map((bind) => ({ path: bind.source, by: `the writable ${bind.what}` }));
  const devices = view.values('device').flatMap((value) => {
    const parsed = parseDevice(value);
    return parsed.kind === 'path' ? [{ source: parsed.mapping.host, what: `--device ${value}` }] : [];
  });
  return [...binds, ...devices].flatMap((source): Violation[] => {
    const writer = swappedBy(source.source, writers, ctx.host);
    return writer === undefined ? [] : [{ rule: 'swappable-source', detail: source.source, what: `${source.what} (the folder that holds it can be changed through ${writer.by})`, fix: SWAP_FIX }];
  });
}

/** Binds allowed only because they are read-only: each earns a notice. */
export function findReadOnlyBinds(ctx: RuleContext): { what: string; folder: string }[] {
  if (ctx.sub === 'exec') return [];
  const lists = pathLists(ctx);
  return allBinds(new OptionView(ctx.items), ctx).flatMap((bind) => {
    const decision = judgeBind(bind, ctx.host, lists);
    return decision.kind === 'read-only' ? [{ what: bind.what, folder: decision.folder }] : [];
  });
}

function checkSecurityOpts(view: OptionView, ctx: RuleContext): Violation[] {
  return securityOptViolations(view.values('security-opt'), ctx.cwd);
}

/** `--security-opt` values as the daemon reads them (also a build's `securityopt`); a profile given inline (`seccomp={...}`, as the client sends a file's text) is judged as text. */
export function securityOptViolations(values: readonly string[], cwd: string): Violation[] {
  const found: Violation[] = [];
  for (const text of values) {
    const { key, value = '' } = parseSecurityOpt(text);
    const what = `--security-opt ${text.length > 80 ? `${text.slice(0, 60)}…` : text}`;
    const lower = value.trim().toLowerCase();
    if (key === 'seccomp' && lower === 'unconfined') found.push({ rule: 'seccomp-unconfined', what, fix: 'give a profile file that allows what it needs: --security-opt seccomp=FILE' });
    const inline = value.trim().startsWith('{');
    const file = key === 'seccomp' && lower !== 'unconfined' && value !== 'builtin' ? (inline ? seccompTextDanger(value, 'the profile') : seccompFileDanger(value, cwd)) : undefined;
    if (file !== undefined) found.push({ rule: 'seccomp-unconfined', what: `${what} (${file})`, fix: 'give the profile defaultAction SCMP_ACT_ERRNO and list what it allows' });
    if (key === 'label' && UNCONFINED_TYPES.has(value)) found.push({ rule: 'label-disable', what: `${what} (an unconfined SELinux type)`, fix: 'give a confined type, or none' });
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
