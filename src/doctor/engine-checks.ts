// The engine side of doctor: reachable, AppArmor, seccomp, sdocker's network.
import { reasonOf } from '../common/errors.js';
import { appArmorState, type AppArmorHost, REAL_HOST } from '../policy/apparmor.js';
import { hasAppArmor, MANAGED_LABEL, NETWORK_OPTIONS } from '../engine/engine.js';
import type { Policy } from '../policy/schema.js';
import { resolveSeccomp } from '../policy/seccomp.js';
import { check, type Check } from './check.js';
import type { EngineProbe } from './probe.js';

export function engineChecks(probe: EngineProbe, policy: Policy, host: AppArmorHost = REAL_HOST): Check[] {
  if (probe.error !== undefined) {
    const fix = 'start dockerd, or point DOCKER_HOST, --context or -H at a running engine';
    const unasked = (item: string): Check => check(item, 'warn', 'not checked: the engine did not answer');
    return [check('engine', 'fail', `${probe.error.replace(/; is dockerd running\?$/, '')}; ${fix}`), unasked('apparmor'), ...seccompFile(policy), unasked('network')];
  }
  const v = probe.version ?? {};
  const engine = check('engine', 'ok', `${probe.endpoint} answers: Docker ${v.Version ?? '?'}, API ${v.ApiVersion ?? '?'} (oldest it accepts: ${v.MinAPIVersion ?? '?'})`);
  return [engine, appArmorCheck(probe, policy, host), ...seccompCheck(probe, policy), networkCheck(probe, policy)];
}

function appArmorCheck(probe: EngineProbe, policy: Policy, host: AppArmorHost): Check {
  const { profile, required } = policy.apparmor;
  if (profile === '') return check('apparmor', 'ok', 'off in the policy (apparmor.profile is empty)');
  // The strict profile (apparmor.required) refuses every run here: that is a failure, not a note.
  const bad = required ? 'fail' : 'warn';
  const strict = required ? 'sdocker run refuses to start containers (apparmor.required)' : 'containers run without AppArmor confinement';
  if (!hasAppArmor(probe.securityOptions)) {
    const kernel = probe.local ? appArmorState(profile, host) : undefined;
    const why = kernel?.kind === 'absent' ? ` (${kernel.why})` : '';
    return check('apparmor', bad, `the engine reports no AppArmor${why}: ${strict}; run on a host with AppArmor${required ? ', or use --sd-profile default' : ''}`);
  }
  if (!probe.local) return check('apparmor', 'ok', `the engine has AppArmor; whether '${profile}' is loaded is known on its host only: run 'sdocker apparmor status' there`);
  const state = appArmorState(profile, host);
  if (state.kind === 'loaded') return check('apparmor', 'ok', `kernel and engine have AppArmor; '${profile}' is loaded (${state.mode})`);
  return check('apparmor', bad, `kernel and engine have AppArmor, but '${profile}' is not loaded: ${required ? strict : "containers get docker's docker-default"}; run 'sudo sdocker apparmor install'`);
}

/** The engine filters system calls, and sdocker's profile file is where the policy says. */
function seccompCheck(probe: EngineProbe, policy: Policy): Check[] {
  const engine = (probe.securityOptions ?? []).find((o) => o.startsWith('name=seccomp'));
  // A daemon built without seccomp refuses a custom profile (moby daemon/seccomp_linux.go).
  if (engine === undefined) return [check('seccomp', policy.seccomp === '' ? 'warn' : 'fail', "the engine reports no seccomp: containers' system calls are not filtered, and a --security-opt seccomp=FILE is refused; use an engine built with seccomp")];
  return seccompFile(policy, ` the engine filters system calls (${engine});`);
}

function seccompFile(policy: Policy, engine = ''): Check[] {
  if (policy.seccomp === '') return [check('seccomp', 'warn', `${engine} off in the policy: docker's default profile applies`.trim())];
  try {
    return [check('seccomp', 'ok', `${engine} sdocker's profile ${resolveSeccomp(policy.seccomp)} is there`.trim())];
  } catch (error) {
    return [check('seccomp', 'fail', reasonOf(error))];
  }
}

/** As run's ensureNetwork judges it (engine/network.ts): sdocker's label; and the option it is created with. */
function networkCheck(probe: EngineProbe, policy: Policy): Check {
  const name = policy.network.name;
  if (name === '') return check('network', 'warn', "off in the policy (network.name is empty): containers join docker0, where every container reaches every other");
  const network = probe.network;
  if (network === null || network === undefined) return check('network', 'ok', `'${name}' does not exist yet: the first sdocker run creates it`);
  if (network.Labels?.[MANAGED_LABEL] !== 'true') {
    return check('network', 'fail', `'${name}' exists but sdocker did not create it (no ${MANAGED_LABEL}=true label): sdocker run refuses to use it; remove it, or set network.name in your config`);
  }
  const icc = Object.keys(NETWORK_OPTIONS)[0] as string;
  if (network.Options?.[icc] !== 'false') return check('network', 'warn', `'${name}' is sdocker's, but ${icc} is not false: its containers reach each other; remove it and let sdocker create it again`);
  return check('network', 'ok', `'${name}' is sdocker's (${MANAGED_LABEL}), inter-container traffic off (${icc}=false)`);
}
