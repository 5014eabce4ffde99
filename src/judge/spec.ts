// What a build or a swarm service asks of the engine, judged by the rules that apply to it, as
// the docker client sent it: a legacy build's query (docker/cli imageBuildOptionsToQuery:
// `networkmode`, `cgroupparent`, `securityopt`, the RUN steps' container settings) and a
// service's spec (POST /services/create, /services/ID/update: the whole spec after the CLI
// merged `--mount-add` and friends into it). The spec's mounts, capabilities, privileges and
// networks are the run rules' (what `stack deploy` refuses for a stack's services).
import { localVolumeBinds } from '../docker/local-volume.js';
import type { HostFacts } from '../policy/context.js';
import { holdsEngineSocket, judgeBind } from '../policy/mounts.js';
import { normalizeCap, securityOptViolations, type Violation } from '../policy/refusals.js';
import { seccompTextDanger } from '../policy/seccomp-file.js';
import type { Setting } from './judge.js';

type Lists = Parameters<typeof judgeBind>[2];

/** A legacy build's RUN steps: the host's network, a cgroup parent, unconfined security options. */
export function judgeBuildQuery(query: URLSearchParams, cwd: string): Violation[] {
  const found: Violation[] = [];
  const network = query.get('networkmode') ?? '';
  if (network === 'host') found.push({ rule: 'host-network', what: 'build --network host (the RUN steps get the host\'s network)', fix: 'drop --network host; a build reaches the network through its default bridge' });
  const parent = query.get('cgroupparent') ?? '';
  if (parent !== '') found.push({ rule: 'cgroup-parent', what: `build --cgroup-parent ${parent}`, fix: 'drop --cgroup-parent' });
  found.push(...securityOptViolations(query.getAll('securityopt'), cwd).map((v) => ({ ...v, what: `build ${v.what}` })));
  return found;
}

interface SpecMount {
  Type?: string;
  Source?: string;
  Target?: string;
  ReadOnly?: boolean;
  VolumeOptions?: { DriverConfig?: { Name?: string; Options?: Record<string, string> | null } | null } | null;
}

export interface ServiceSpec {
  TaskTemplate?: {
    ContainerSpec?: {
      Mounts?: SpecMount[] | null;
      CapabilityAdd?: string[] | null;
      Privileges?: { Seccomp?: { Mode?: string; Profile?: string } | null; AppArmor?: { Mode?: string } | null; SELinuxContext?: { Disable?: boolean; Type?: string } | null; NoNewPrivileges?: boolean } | null;
    } | null;
    Networks?: { Target?: string }[] | null;
  } | null;
  Networks?: { Target?: string }[] | null;
}

/** A service's spec against the run rules; `hostNetworks`: the ids (and name) of the engine's `host` network. */
export function judgeServiceSpec(spec: ServiceSpec, setting: Setting, hostNetworks: ReadonlySet<string>): Violation[] {
  const container = spec.TaskTemplate?.ContainerSpec ?? {};
  const lists: Lists & { dangerous: readonly string[] } = { secretPaths: setting.policy.secretPaths, sensitivePaths: setting.policy.sensitivePaths, dangerous: setting.policy.capabilities.dangerous };
  const mounts = (container.Mounts ?? []).flatMap((m) => mountViolations(m, setting.host, lists));
  const caps = (container.CapabilityAdd ?? []).map(normalizeCap).filter((cap) => lists.dangerous.includes(cap)).map((cap): Violation => ({ rule: 'dangerous-cap', detail: cap, what: `service --cap-add ${cap}`, fix: 'grant a narrower capability' }));
  const networks = [...(spec.TaskTemplate?.Networks ?? []), ...(spec.Networks ?? [])].filter((n) => hostNetworks.has(n.Target ?? '')).map((n): Violation => ({ rule: 'host-network', what: `service --network ${n.Target ?? ''} (the host's network)`, fix: 'publish ports with -p instead' }));
  return [...mounts, ...caps, ...networks, ...privileges(container.Privileges ?? {})];
}

function mountViolations(m: SpecMount, host: HostFacts, lists: Lists): Violation[] {
  const target = m.Target ?? '';
  const readOnly = m.ReadOnly === true;
  const driver = m.VolumeOptions?.DriverConfig;
  const binds = m.Type === 'bind' ? [{ source: m.Source ?? '', readOnly }] : m.Type === 'volume' && driver?.Options != null && (driver.Name ?? 'local') === 'local' ? localVolumeBinds(driver.Options) : [];
  return binds.flatMap((bind): Violation[] => {
    const what = `service --mount type=${m.Type ?? ''},source=${bind.source},target=${target}${readOnly ? ',readonly' : ''}`;
    const decision = judgeBind({ source: bind.source, target, readOnly: readOnly || bind.readOnly, ...('refusal' in bind && bind.refusal !== undefined ? { refusal: bind.refusal } : {}) }, host, lists);
    if (decision.kind === 'engine-socket') return [{ rule: 'docker-socket', what, fix: 'give the service a narrower API proxy' }];
    if (decision.kind !== 'refused') return [];
    const sensitive: Violation = { rule: 'sensitive-mount', detail: decision.path, what: `${what} (${decision.reason})`, fix: decision.fix };
    return holdsEngineSocket({ source: bind.source, target, readOnly }, host) ? [sensitive, { rule: 'docker-socket', what, fix: 'give the service a narrower API proxy' }] : [sensitive];
  });
}

type Privileges = NonNullable<NonNullable<NonNullable<ServiceSpec['TaskTemplate']>['ContainerSpec']>['Privileges']>;

/** Privileges a service can ask for (API 1.44+ clients send them): unconfined profiles, SELinux off. */
function privileges(p: Privileges): Violation[] {
  const found: Violation[] = [];
  if (p.Seccomp?.Mode === 'unconfined') found.push({ rule: 'seccomp-unconfined', what: 'service seccomp unconfined', fix: 'give a profile that allows what it needs' });
  const profile = p.Seccomp?.Mode === 'custom' && typeof p.Seccomp.Profile === 'string' ? seccompTextDanger(Buffer.from(p.Seccomp.Profile, 'base64').toString('utf8'), 'the service\'s seccomp profile') : undefined;
  if (profile !== undefined) found.push({ rule: 'seccomp-unconfined', what: `service seccomp profile (${profile})`, fix: 'give the profile defaultAction SCMP_ACT_ERRNO and list what it allows' });
  if (p.AppArmor?.Mode === 'disabled') found.push({ rule: 'apparmor-unconfined', what: 'service apparmor disabled', fix: 'load a profile that allows what it needs and name it' });
  if (p.SELinuxContext?.Disable === true) found.push({ rule: 'label-disable', what: 'service SELinux labels disabled', fix: 'give the type it needs' });
  return found;
}
