// The engine's reading, judged: a container sdocker just made (or is about to start), as
// `GET /containers/ID/json` shows it, against the rule table's refusals. The checks are the
// audit's (src/audit/checks/container-refusals.ts), run "as asked" (what the container asks
// for counts, not what this host makes of it), split into one violation per item where a rule
// can be lifted per item (`--sd-allow sensitive-mount:/etc`), so the allow list reads the same
// as for the written options. What audit does not read is added here: the seccomp profile the
// client sent (a file it read, now the engine's text), the host paths a local volume mounts,
// and sources another mount can swap (swap.ts). Pure: the engine's answers come in `Made`.
import { dangerousCapsAdded, judgedBinds, judgedDevices, REFUSAL_CHECKS } from '../audit/checks/container-refusals.js';
import type { ContainerAuditEnv } from '../audit/checks/container-env.js';
import { ContainerView } from '../audit/checks/container-view.js';
import type { RawContainer, Snapshot } from '../audit/types.js';
import { parseSecurityOpt } from '../docker/values.js';
import { localVolumeBinds } from '../docker/local-volume.js';
import type { HostFacts } from '../policy/context.js';
import { holdsEngineSocket, judgeBind } from '../policy/mounts.js';
import { isAllowed, type Violation } from '../policy/refusals.js';
import type { RefuseId } from '../policy/rules.js';
import type { Policy } from '../policy/schema.js';
import { seccompTextDanger } from '../policy/seccomp-file.js';
import { swappableSources, type OtherContainer } from './swap.js';

/** What the engine said about a made container and what it refers to. */
export interface Made {
  readonly raw: RawContainer;
  /** Containers its `container:X` modes name (and theirs, along the chain), inspected. */
  readonly joined: readonly RawContainer[];
  /** Definitions of the local volumes it mounts, by name. */
  readonly volumes: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** Every other container's mounts (GET /containers/json?all=1): who else can write where. */
  readonly others: readonly OtherContainer[];
}

export interface Setting {
  readonly policy: Pick<Policy, 'secretPaths' | 'sensitivePaths' | 'capabilities' | 'allow'>;
  readonly host: HostFacts;
  /** The engine's data root (docker info DockerRootDir), secret wherever it is. */
  readonly rootDir: string | undefined;
  /** The engine gives a private cgroup namespace when asked (API >= 1.41): the host's is then a choice. */
  readonly cgroupnsPrivate: boolean;
}

export interface Verdict {
  readonly refused: readonly Violation[];
  readonly allowed: readonly Violation[];
}

const AS_MADE = 'as the engine made the container';

/** Fixes, per rule, for the violations judged on the whole container. */
const FIX: Readonly<Partial<Record<RefuseId, string>>> = {
  privileged: 'add the one capability it needs with --cap-add NAME',
  'host-network': 'publish ports with -p instead',
  'host-pid': 'drop --pid',
  'host-ipc': 'drop --ipc',
  'host-uts': 'drop --uts',
  'host-userns': 'drop --userns',
  'host-cgroupns': 'drop --cgroupns (sdocker asks for a private one)',
  'cgroup-parent': 'drop --cgroup-parent',
  'seccomp-unconfined': 'give a profile file that allows what it needs: --security-opt seccomp=FILE',
  'apparmor-unconfined': 'load a profile that allows what it needs and name it',
  'label-disable': 'give the type it needs with label=type:NAME',
  'new-privileges': 'drop it',
  'systempaths-unconfined': 'drop it',
  'all-devices': 'grant the one device with --device',
};

export function judgeMade(made: Made, setting: Setting): Verdict {
  const env = auditEnv(setting);
  const view = new ContainerView({ raw: made.raw, processes: undefined }, snapshotOf(made, setting));
  const violations = [...wholeRules(view, env), ...itemRules(view, env), ...seccompProfiles(view), ...volumeRules(made, env), ...swappableSources(made, setting.host, env.lists)];
  const allowed = violations.filter((v) => isAllowed(v, setting.policy.allow));
  return { refused: violations.filter((v) => !allowed.includes(v)), allowed };
}

/** Rules judged per item, in items of their own (itemRules). */
const PER_ITEM = new Set<string>(['dangerous-cap', 'sensitive-mount', 'docker-socket', 'host-device']);

/** What --privileged brings with it (no seccomp filter, no AppArmor): the privileged rule's, lifted with it. */
const PRIVILEGED_BRINGS = new Set(['seccomp-unconfined', 'apparmor-unconfined']);

function wholeRules(view: ContainerView, env: ContainerAuditEnv): Violation[] {
  const privileged = view.raw.HostConfig['Privileged'] === true;
  const asked = (key: string): boolean => (view.securityOpt(key)?.value ?? '').trim().toLowerCase() === 'unconfined';
  return REFUSAL_CHECKS.map((check) => check(view, env))
    .filter((f) => f.result === 'warn' && !PER_ITEM.has(f.check))
    .filter((f) => !(privileged && PRIVILEGED_BRINGS.has(f.check) && !asked(f.check.replace('-unconfined', ''))))
    .map((f) => ({ rule: f.check as RefuseId, what: `${f.evidence} (${AS_MADE})`, fix: FIX[f.check as RefuseId] ?? 'drop it' }));
}

function itemRules(view: ContainerView, env: ContainerAuditEnv): Violation[] {
  const caps = dangerousCapsAdded(view, env).map((cap): Violation => ({ rule: 'dangerous-cap', detail: cap, what: `--cap-add ${cap} (HostConfig.CapAdd, ${AS_MADE})`, fix: 'grant a narrower capability' }));
  const binds = judgedBinds(view, env).flatMap((b): Violation[] => {
    const holds = b.decision.kind === 'refused' && holdsEngineSocket(b.bind, env.host);
    const socket: Violation[] = b.decision.kind === 'engine-socket' || holds ? [{ rule: 'docker-socket', what: `${b.evidence} (${AS_MADE})`, fix: 'give the container a narrower API proxy' }] : [];
    if (b.decision.kind !== 'refused') return socket;
    return [{ rule: 'sensitive-mount', detail: b.decision.path, what: `${b.evidence} (${b.decision.reason}; ${AS_MADE})`, fix: b.decision.fix }, ...socket];
  });
  const devices = judgedDevices(view, env).flatMap(({ path, verdict }): Violation[] =>
    verdict.kind === 'refused' ? [{ rule: 'host-device', detail: path, what: `--device ${path} (${verdict.reason}; ${AS_MADE})`, fix: 'give the container a file system of its own (a volume, or a bind of a folder)' }] : [],
  );
  return [...caps, ...binds, ...devices];
}

/** The profile text the client sent in SecurityOpt (`seccomp=<JSON>`): what the engine will load, whatever the file said when sdocker read it. */
function seccompProfiles(view: ContainerView): Violation[] {
  return view.list('SecurityOpt').flatMap((text): Violation[] => {
    const { key, value = '' } = parseSecurityOpt(text);
    if (key !== 'seccomp' || !value.trim().startsWith('{')) return [];
    const danger = seccompTextDanger(value, 'the seccomp profile the engine got');
    return danger === undefined ? [] : [{ rule: 'seccomp-unconfined', what: `HostConfig.SecurityOpt seccomp=… (${danger}; ${AS_MADE})`, fix: 'give the profile defaultAction SCMP_ACT_ERRNO and list what it allows' }];
  });
}

/** A local volume's host paths (o=bind device, a kernel filesystem, an overlay's folders), judged as binds. */
function volumeRules(made: Made, env: ContainerAuditEnv): Violation[] {
  return made.raw.Mounts.flatMap((m): Violation[] => {
    const options = m.Type === 'volume' && m.Name !== undefined ? made.volumes.get(m.Name) : undefined;
    if (options === undefined) return [];
    return localVolumeBinds(options).flatMap((bind): Violation[] => {
      const decision = judgeBind({ source: bind.source, target: m.Destination, readOnly: !m.RW || bind.readOnly, ...(bind.refusal === undefined ? {} : { refusal: bind.refusal }) }, env.host, env.lists);
      const what = `volume ${m.Name ?? ''} at ${m.Destination}, which mounts ${bind.source} (${AS_MADE})`;
      if (decision.kind === 'engine-socket') return [{ rule: 'docker-socket', what, fix: 'give the container a narrower API proxy' }];
      return decision.kind === 'refused' ? [{ rule: 'sensitive-mount', detail: decision.path, what: `${what}: ${decision.reason}`, fix: decision.fix }] : [];
    });
  });
}

function auditEnv(setting: Setting): ContainerAuditEnv {
  const { policy, rootDir, host } = setting;
  const secretPaths = rootDir === undefined ? policy.secretPaths : [...new Set([...policy.secretPaths, rootDir, host.realpath(rootDir)])];
  return { lists: { secretPaths, sensitivePaths: policy.sensitivePaths, dangerousCaps: policy.capabilities.dangerous }, host, asAsked: { cgroupnsPrivate: setting.cgroupnsPrivate } };
}

/** The audit's view of an engine that holds this container and the ones it joins. */
function snapshotOf(made: Made, setting: Setting): Snapshot {
  return {
    engine: { endpoint: '', local: setting.host.engineSocket !== undefined, info: {}, version: {}, bridgeIcc: undefined },
    containers: [made.raw, ...made.joined].map((raw) => ({ raw, processes: undefined })),
    images: new Map(),
  };
}
