// A dangerous capability a service's profile grants (policy/grants.ts) is an error finding and
// is not written into cap_add; allowed (x-sdocker allow, --allow, the user's config), it is a
// warning and is written. compose cannot see the image's USER: no user means root, as the
// cap-drop edit assumes (inject.ts).
import { isRootUser } from '../../policy/defaults.js';
import { dangerousGrants, policySeccomp } from '../../policy/grants.js';
import { isAllowed, normalizeCap } from '../../policy/refusals.js';
import type { Policy } from '../../policy/schema.js';
import { composeRefusalMessage, HARDEN_HINT, type AllowHint, type ServiceRefusal } from './refuse.js';
import { strings, type ServiceView } from '../keys/types.js';
import { serviceUser } from '../keys/user.js';

export function grantRefusals(service: ServiceView, allow: readonly string[], hint: AllowHint = HARDEN_HINT): { refusals: ServiceRefusal[]; policy: Policy } {
  const ownSeccomp = strings(service.data['security_opt']).some((opt) => /^seccomp[=:]/.test(opt));
  const violations = [...dangerousGrants(service.policy, isRootUser(serviceUser(service).user)), ...(ownSeccomp ? [] : policySeccomp(service.policy, service.seccompFile))];
  // The image names the profile that grants it.
  const path = ['services', service.name, ...(typeof service.data['image'] === 'string' ? ['image'] : [])];
  const refusals = violations.map((violation) => ({ violation, path, allowed: isAllowed(violation, allow), message: composeRefusalMessage(violation, hint) }));
  const refused = new Set(refusals.filter((r) => !r.allowed).map((r) => r.violation.detail));
  const keep = (caps: readonly string[]): string[] => caps.filter((cap) => !refused.has(normalizeCap(cap)));
  const { capabilities } = service.policy;
  return { refusals, policy: { ...service.policy, capabilities: { ...capabilities, add: keep(capabilities.add), asRoot: keep(capabilities.asRoot) } } };
}
