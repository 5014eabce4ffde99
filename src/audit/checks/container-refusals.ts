// Container checks for the rule table's refusals: what `sdocker run` would refuse, found in a
// container's inspect. Each returns one finding per container, citing the field it rests on.
import { holdsEngineSocket, judgeBind } from '../../policy/mounts.js';
import { judgeDeviceHost } from '../../policy/devices.js';
import { normalizeCap } from '../../policy/refusals.js';
import { REFUSALS, type RefuseId } from '../../policy/rules.js';
import type { Finding } from '../types.js';
import type { ContainerAuditEnv } from './container-env.js';
import { problem, remedy, shown, why, type ContainerView } from './container-view.js';

type Check = (v: ContainerView, env: ContainerAuditEnv) => Finding;

const warnOrPass = (v: ContainerView, rule: RefuseId, bad: boolean, evidence: string): Finding =>
  v.finding(rule, bad ? 'warn' : 'pass', bad ? why(rule) : `not ${ruleTitle(rule)}`, evidence);

const ruleTitle = (rule: RefuseId): string => (rule === 'privileged' ? 'privileged' : rule.replace(/-/g, ' '));

/**
 * A host namespace, also through `container:X` where X (or the container at the end of X's
 * own `container:` chain) uses the host's: at start the daemon joins X's namespace, which is
 * what X joined. docker-bench reads only the container's own field.
 */
function namespace(field: string, rule: RefuseId): Check {
  return (v) => {
    const mode = v.str(field);
    const chain: ContainerView[] = [];
    for (let via = v.joined(mode); via !== undefined && chain.length < 10 && !chain.some((c) => c.raw.Id === via?.raw.Id); via = via.joined(via.str(field))) chain.push(via);
    const last = chain.at(-1);
    const viaMode = last?.str(field) ?? '';
    const bad = mode === 'host' || viaMode === 'host';
    const evidence = last === undefined ? `HostConfig.${field}=${mode}` : `HostConfig.${field}=${mode}, and ${last.target.name}'s HostConfig.${field}=${viaMode}`;
    return warnOrPass(v, rule, bad, evidence);
  };
}

const privileged: Check = (v) => warnOrPass(v, 'privileged', v.raw.HostConfig['Privileged'] === true, `HostConfig.Privileged=${v.raw.HostConfig['Privileged'] === true}`);

/** The escape-grade capabilities it adds, normalised as the daemon does. */
export function dangerousCapsAdded(v: ContainerView, env: ContainerAuditEnv): string[] {
  return v.list('CapAdd').map(normalizeCap).filter((cap) => env.lists.dangerousCaps.includes(cap));
}

const dangerousCap: Check = (v, env) => {
  const bad = dangerousCapsAdded(v, env);
  const message = `${bad.join(', ')} added: ${REFUSALS['dangerous-cap'].why}; re-create it without ${bad.length === 1 ? 'it' : 'them'}`;
  return v.finding('dangerous-cap', bad.length > 0 ? 'warn' : 'pass', bad.length > 0 ? message : 'no escape-grade capability added', `HostConfig.CapAdd=${shown(v.list('CapAdd'))}`);
};

/** On cgroup v1 the engine's default cgroupns is the host's (moby: cgroupns defaults to host there), so it is no one's choice. */
const hostCgroupns: Check = (v, env) => {
  const mode = v.str('CgroupnsMode');
  const evidence = `HostConfig.CgroupnsMode=${mode}`;
  if (mode !== 'host') return v.finding('host-cgroupns', 'pass', "the container's own cgroup namespace", evidence);
  const engineDefault = env.asAsked === undefined ? String(v.snapshot.engine.info['CgroupVersion'] ?? '') === '1' : !env.asAsked.cgroupnsPrivate;
  if (engineDefault) return v.finding('host-cgroupns', 'info', `${problem('host-cgroupns')}, as the engine gives every container on cgroup v1; --cgroupns private gives it its own`, `${evidence}, CgroupVersion=1`);
  return v.finding('host-cgroupns', 'warn', why('host-cgroupns'), evidence);
};

const cgroupParent: Check = (v) => warnOrPass(v, 'cgroup-parent', v.str('CgroupParent') !== '', `HostConfig.CgroupParent=${v.str('CgroupParent')}`);

/** Each bind judged as `run` judges -v (policy/mounts.ts), read-only as the mount says (RW=false). */
export function judgedBinds(v: ContainerView, env: ContainerAuditEnv) {
  return v.raw.Mounts.flatMap((m, i) => {
    if (m.Type !== 'bind') return [];
    const bind = { source: m.Source, target: m.Destination, readOnly: !m.RW };
    return [{ bind, evidence: `Mounts[${i}]=${m.Source}:${m.Destination}${m.RW ? '' : ':ro'}`, decision: judgeBind(bind, env.host, env.lists) }];
  });
}

/** The socket itself, or a refused folder that holds it (`-v /run:/x`): both hand the engine over, as in refusals.ts. */
const dockerSocket: Check = (v, env) => {
  const bad = judgedBinds(v, env).filter((b) => b.decision.kind === 'engine-socket' || (b.decision.kind === 'refused' && holdsEngineSocket(b.bind, env.host)));
  return v.finding('docker-socket', bad.length > 0 ? 'warn' : 'pass', bad.length > 0 ? why('docker-socket') : "the engine's socket is not mounted", bad.length > 0 ? bad.map((b) => b.evidence).join('; ') : mountsEvidence(v));
};

const mountsEvidence = (v: ContainerView): string => `Mounts=${shown(v.raw.Mounts.filter((m) => m.Type === 'bind').map((m) => `${m.Source}:${m.Destination}${m.RW ? '' : ':ro'}`))}`;

const sensitiveMount: Check = (v, env) => {
  const bad = judgedBinds(v, env).flatMap((b) => (b.decision.kind === 'refused' ? [`${b.evidence} (${b.decision.reason})`] : []));
  return v.finding('sensitive-mount', bad.length > 0 ? 'warn' : 'pass', bad.length > 0 ? why('sensitive-mount') : 'no system folder or secret host path mounted', bad.length > 0 ? bad.join('; ') : mountsEvidence(v));
};

function securityOpt(rule: RefuseId, key: string, bad: (value: string) => boolean): Check {
  return (v) => {
    const opt = v.securityOpt(key);
    return warnOrPass(v, rule, opt !== undefined && bad((opt.value ?? '').trim().toLowerCase()), `HostConfig.SecurityOpt=${shown(v.list('SecurityOpt'))}`);
  };
}

/** --privileged turns seccomp off as surely as seccomp=unconfined (moby: privileged skips the profile). */
const seccompUnconfined: Check = (v) => {
  const opt = v.securityOpt('seccomp');
  const unconfined = (opt?.value ?? '').trim().toLowerCase() === 'unconfined';
  const privileged = v.raw.HostConfig['Privileged'] === true;
  const evidence = privileged && !unconfined ? 'HostConfig.Privileged=true' : `HostConfig.SecurityOpt=${shown(v.list('SecurityOpt'))}`;
  return warnOrPass(v, 'seccomp-unconfined', unconfined || privileged, evidence);
};

/** Where the engine has no AppArmor the option changes nothing today: said, not warned. */
const apparmorUnconfined: Check = (v, env) => {
  const asked = (v.securityOpt('apparmor')?.value ?? '').trim().toLowerCase() === 'unconfined';
  const running = v.raw.AppArmorProfile === 'unconfined';
  const present = hasSecurityOption(v, 'apparmor');
  const evidence = `HostConfig.SecurityOpt=${shown(v.list('SecurityOpt'))}, AppArmorProfile=${v.raw.AppArmorProfile}`;
  if (!present && env.asAsked === undefined) return v.finding('apparmor-unconfined', asked ? 'info' : 'n/a', asked ? 'apparmor=unconfined asked, and the engine has no AppArmor: it changes nothing here' : 'the engine has no AppArmor', evidence);
  return warnOrPass(v, 'apparmor-unconfined', asked || running, evidence);
};

/** SELinux types container-selinux makes unconfined count as label=disable (as refusals.ts). */
const UNCONFINED_TYPES = new Set(['type:spc_t', 'type:unconfined_t', 'type:container_runtime_t']);

const labelDisable: Check = (v, env) => {
  // The engine writes label=disable itself for --privileged and host PID or IPC (measured on
  // 20.10): judged as asked, that one is the namespace's rule, not this one.
  const engineOwn = env.asAsked !== undefined && (v.raw.HostConfig['Privileged'] === true || v.str('PidMode') === 'host' || v.str('IpcMode') === 'host');
  const bad = v.securityOpts.some((o) => o.key === 'label' && (((o.value ?? '').toLowerCase() === 'disable' && !engineOwn) || UNCONFINED_TYPES.has(o.value ?? '')));
  const evidence = `HostConfig.SecurityOpt=${shown(v.list('SecurityOpt'))}`;
  if (!hasSecurityOption(v, 'selinux') && env.asAsked === undefined) return v.finding('label-disable', bad ? 'info' : 'n/a', bad ? 'SecurityOpt disables SELinux labels (the engine adds label=disable for --privileged and host PID or IPC), and the engine has no SELinux: it changes nothing here' : 'the engine has no SELinux', evidence);
  return warnOrPass(v, 'label-disable', bad, evidence);
};

/** docker info SecurityOptions: `name=apparmor`, `name=selinux`, `name=seccomp,profile=default` (API >= 1.26). */
export function hasSecurityOption(v: ContainerView, name: string): boolean {
  const options = v.snapshot.engine.info['SecurityOptions'];
  return Array.isArray(options) && options.some((o) => String(o) === name || String(o).split(',').includes(`name=${name}`));
}

const allDevices: Check = (v) => {
  const bad = v.list('DeviceCgroupRules').filter((rule) => {
    const [type = '', numbers = '*:*'] = rule.trim().split(/\s+/);
    return type === 'a' || numbers.split(':')[0] === '*';
  });
  return warnOrPass(v, 'all-devices', bad.length > 0, `HostConfig.DeviceCgroupRules=${shown(v.list('DeviceCgroupRules'))}`);
};

/** Each --device's host path with what `run` makes of it (policy/devices.ts). */
export function judgedDevices(v: ContainerView, env: ContainerAuditEnv) {
  const devices = (v.raw.HostConfig['Devices'] as { PathOnHost?: string }[] | null | undefined) ?? [];
  return devices.map((d) => ({ path: d.PathOnHost ?? '', verdict: judgeDeviceHost(d.PathOnHost ?? '', env.host) }));
}

/** Each --device judged as `run` judges it: disks, memory and raw SCSI warn; any other device is said. */
const hostDevice: Check = (v, env) => {
  const verdicts = judgedDevices(v, env);
  const evidence = `HostConfig.Devices=${shown(verdicts.map((d) => d.path))}`;
  if (verdicts.length === 0) return v.finding('host-device', 'pass', 'no host device given', evidence);
  const refused = verdicts.flatMap(({ verdict }) => (verdict.kind === 'refused' ? [verdict.reason] : []));
  if (refused.length > 0) return v.finding('host-device', 'warn', `${problem('host-device')} (${refused.join('; ')}); ${remedy('host-device')}`, evidence);
  return v.finding('host-device', 'info', `host devices given: ${verdicts.map((d) => d.path).join(', ')}; check each is needed`, evidence);
};

export const REFUSAL_CHECKS: readonly Check[] = [
  apparmorUnconfined,
  labelDisable,
  dangerousCap,
  privileged,
  sensitiveMount,
  namespace('NetworkMode', 'host-network'),
  namespace('PidMode', 'host-pid'),
  namespace('IpcMode', 'host-ipc'),
  allDevices,
  hostDevice,
  namespace('UTSMode', 'host-uts'),
  seccompUnconfined,
  cgroupParent,
  securityOpt('new-privileges', 'no-new-privileges', (value) => ['0', 'f', 'false'].includes(value)),
  hostUserns,
  dockerSocket,
  hostCgroupns,
  systempathsUnconfined,
];

/**
 * The docker CLI turns `systempaths=unconfined` into empty MaskedPaths and ReadonlyPaths and does
 * not send the option (docker/cli opts.go parseSystemPaths): an empty list, not a missing one, is the sign.
 */
function systempathsUnconfined(v: ContainerView): Finding {
  const masked = v.raw.HostConfig['MaskedPaths'];
  const asked = (v.securityOpt('systempaths')?.value ?? '').trim().toLowerCase() === 'unconfined';
  const bad = asked || (Array.isArray(masked) && masked.length === 0);
  return warnOrPass(v, 'systempaths-unconfined', bad, `HostConfig.MaskedPaths=${shown(masked ?? null)}, HostConfig.SecurityOpt=${shown(v.list('SecurityOpt'))}`);
}

/** --userns host matters where the engine remaps (docker info SecurityOptions name=userns); elsewhere every container shares the host's. */
function hostUserns(v: ContainerView, env: ContainerAuditEnv): Finding {
  const mode = v.str('UsernsMode');
  const evidence = `HostConfig.UsernsMode=${mode}`;
  if (mode !== 'host') return v.finding('host-userns', 'pass', "not the host's user namespace", evidence);
  if (hasSecurityOption(v, 'userns') || env.asAsked !== undefined) return v.finding('host-userns', 'warn', why('host-userns'), evidence);
  return v.finding('host-userns', 'info', '--userns host changes nothing here: the engine does not remap users (see the engine check for userns-remap)', evidence);
}
