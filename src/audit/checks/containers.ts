// Container checks (CIS Docker Benchmark v1.6.0 §5): every container of the snapshot, running
// or not, against the rule table `run` and `harden` enforce, plus the §5 checks docker-bench-
// security implements that the table has no rule for. Pure: a function of the snapshot and
// the policy lists. Where these differ from docker-bench (its bugs), docs/audit.md says why.
import type { Finding, Snapshot } from '../types.js';
import { defaultContainerEnv, type ContainerAuditEnv } from './container-env.js';
import { INJECTION_CHECKS } from './container-injections.js';
import { OTHER_CHECKS } from './container-others.js';
import { REFUSAL_CHECKS } from './container-refusals.js';
import { ContainerView } from './container-view.js';

export { loadContainerEnv, defaultContainerEnv, type ContainerAuditEnv } from './container-env.js';

/** `env`: the user's policy lists (loadContainerEnv); by default sdocker's built-in profile's. */
export function containerChecks(s: Snapshot, env: ContainerAuditEnv = defaultContainerEnv(s)): Finding[] {
  return s.containers.flatMap((container) => {
    const view = new ContainerView(container, s);
    const findings = [
      ...REFUSAL_CHECKS.map((check) => check(view, env)),
      ...INJECTION_CHECKS.map((check) => check(view)),
      ...OTHER_CHECKS.map((check) => check(view)),
    ];
    return findings.sort((a, b) => cisOrder(a.cis) - cisOrder(b.cis));
  });
}

/** 4.1 before 5.1 before 5.10; no CIS id last. */
function cisOrder(cis: string | null): number {
  if (cis === null) return Number.MAX_SAFE_INTEGER;
  const [major = 0, minor = 0] = cis.split('.').map(Number);
  return major * 1000 + minor;
}
