// Capabilities the policy itself grants (capabilities.add, and capabilities.asRoot when the
// container runs as root) are judged like the user's own --cap-add: one the rule table calls
// dangerous is a `dangerous-cap` refusal naming the file that grants it, lifted only by the
// allow a user would need (`dangerous-cap:DAC_READ_SEARCH`). An image profile cannot lift it
// itself (load.ts refuses `allow` and a shorter `dangerous` list there).
import { isRootUser } from './defaults.js';
import type { OptionView, RuleContext } from './context.js';
import { runUser } from './inject/user.js';
import { normalizeCap, type Violation } from './refusals.js';
import type { Policy } from './schema.js';
import { seccompFileDanger } from './seccomp-file.js';

const KEYS = ['add', 'asRoot'] as const;

/** Dangerous capabilities granted by `policy` to a container that runs as root or not. */
export function dangerousGrants(policy: Policy, root: boolean): Violation[] {
  const dangerous = new Set(policy.capabilities.dangerous.map(normalizeCap));
  const seen = new Set<string>();
  const found: Violation[] = [];
  for (const key of KEYS.filter((k) => k === 'add' || root)) {
    const file = policy.origins?.[`capabilities.${key}`] ?? 'the policy';
    for (const cap of policy.capabilities[key].map(normalizeCap)) {
      if (!dangerous.has(cap) || seen.has(cap)) continue;
      seen.add(cap);
      found.push({ rule: 'dangerous-cap', detail: cap, what: `${cap} granted by capabilities.${key} in ${file}`, fix: `remove it there (a narrower capability may do)` });
    }
  }
  return found;
}

/**
 * The grants of a run or create, for the user it will run as: the same answer the cap-drop
 * injection acts on (inject/security.ts). Before the image is inspected a container without
 * --user counts as root, as the injection then assumes.
 */
export function containerGrants(view: OptionView, ctx: RuleContext): Violation[] {
  const { user } = runUser(view, ctx);
  const ownSeccomp = view.values('security-opt').some((opt) => /^seccomp[=:]/.test(opt));
  return [...dangerousGrants(ctx.policy, user === undefined || isRootUser(user)), ...(ownSeccomp ? [] : policySeccomp(ctx.policy, ctx.seccompFile))];
}

/**
 * The policy's own seccomp profile, judged like `--security-opt seccomp=FILE`: a config that
 * points `seccomp` at a profile allowing every call unconfines every container it injects into.
 */
export function policySeccomp(policy: Policy, file: string): Violation[] {
  const danger = file === '' ? undefined : seccompFileDanger(file, '/');
  if (danger === undefined) return [];
  const origin = policy.origins?.['seccomp'] ?? 'the policy';
  return [{ rule: 'seccomp-unconfined', what: `the seccomp profile set by seccomp in ${origin} (${danger})`, fix: 'point seccomp at a profile that denies what it does not list' }];
}
