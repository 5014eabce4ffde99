// seccomp/sdocker-default.json from seccomp/source.yml: Docker's default profile with the
// source's removals applied. Pure: scripts/gen-seccomp.mjs writes the result, and a test
// regenerates it to prove the committed JSON matches its source.

export interface SeccompArg {
  index: number;
  value: number;
  valueTwo?: number;
  op: string;
}

export interface SeccompFilter {
  caps?: string[];
  arches?: string[];
  minKernel?: string;
}

export interface SeccompRule {
  names: string[];
  action: string;
  args?: SeccompArg[];
  errnoRet?: number;
  comment?: string;
  includes?: SeccompFilter;
  excludes?: SeccompFilter;
}

export interface SeccompProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  archMap?: unknown[];
  syscalls: SeccompRule[];
}

/** Docker's capability-gated rules, decided per capability ("CAP_SYS_CHROOT"): kept or dropped, with why. */
export interface CapabilityDecisions {
  keep: Record<string, string>;
  drop: Record<string, string>;
}

export interface SeccompSource {
  base: string;
  capabilities?: CapabilityDecisions;
  remove: { names: string[]; why: string }[];
  personality?: { allow: number[]; why: string };
  socket?: { families: Record<string, number>; why: string };
}

export function generateSeccomp(base: SeccompProfile, source: SeccompSource): SeccompProfile {
  let rules: SeccompRule[] = structuredClone(base.syscalls);
  if (source.capabilities !== undefined) rules = decideCapabilityRules(rules, source.capabilities);
  const removed = new Set(source.remove.flatMap((entry) => entry.names));
  rules = rules.map((rule) => ({ ...rule, names: rule.names.filter((name) => !removed.has(name)) })).filter((rule) => rule.names.length > 0);
  if (source.personality !== undefined) {
    const { allow, why } = source.personality;
    rules = replaceArgRules(rules, 'personality', allow.map((value) => argRule('personality', value, why)));
  }
  if (source.socket !== undefined) {
    const { families, why } = source.socket;
    rules = replaceArgRules(rules, 'socket', Object.entries(families).map(([family, value]) => argRule('socket', value, `${family}: ${why}`)));
  }
  return { ...structuredClone(base), syscalls: rules };
}

/**
 * Rules gated on a dropped capability go, rules gated on a kept one stay as Docker wrote them,
 * and exclusions of a dropped capability are forgotten (the rule then holds with it too).
 */
function decideCapabilityRules(rules: SeccompRule[], decisions: CapabilityDecisions): SeccompRule[] {
  const dropped = new Set(Object.keys(decisions.drop));
  for (const cap of rules.flatMap((rule) => [...(rule.includes?.caps ?? []), ...(rule.excludes?.caps ?? [])])) {
    if (!dropped.has(cap) && decisions.keep[cap] === undefined) throw new Error(`seccomp/source.yml: the base gates a rule on ${cap}; decide it under capabilities.keep or capabilities.drop`);
  }
  return rules
    .filter((rule) => !(rule.includes?.caps ?? []).some((cap) => dropped.has(cap)))
    .map((rule) => {
      if (rule.excludes?.caps === undefined) return rule;
      const caps = rule.excludes.caps.filter((cap) => !dropped.has(cap));
      const { caps: _caps, ...rest } = rule.excludes;
      const excludes = caps.length > 0 ? { ...rest, caps } : rest;
      const { excludes: _excludes, ...withoutExcludes } = rule;
      return Object.keys(excludes).length === 0 ? withoutExcludes : { ...withoutExcludes, excludes };
    });
}

/** Every rule for `name` replaced, where the first one stood, by `replacement`. */
function replaceArgRules(rules: SeccompRule[], name: string, replacement: SeccompRule[]): SeccompRule[] {
  const out: SeccompRule[] = [];
  let placed = false;
  for (const rule of rules) {
    if (!rule.names.includes(name)) {
      out.push(rule);
      continue;
    }
    const others = rule.names.filter((n) => n !== name);
    if (others.length > 0) out.push({ ...rule, names: others });
    if (!placed) out.push(...replacement);
    placed = true;
  }
  return placed ? out : [...out, ...replacement];
}

function argRule(name: string, value: number, comment: string): SeccompRule {
  return { names: [name], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value, op: 'SCMP_CMP_EQ' }], comment };
}

/** How a profile treats one syscall: allowed outright, under conditions, or not at all. */
export function describeSyscall(profile: SeccompProfile, name: string): string {
  const rules = profile.syscalls.filter((rule) => rule.names.includes(name));
  const allows = rules.filter((rule) => rule.action === 'SCMP_ACT_ALLOW');
  if (allows.length === 0) {
    const errno = rules.find((rule) => rule.action === 'SCMP_ACT_ERRNO' && rule.errnoRet !== undefined && rule.includes === undefined && rule.excludes === undefined);
    return errno === undefined ? 'blocked' : `blocked (errno ${errno.errnoRet})`;
  }
  const conditions = allows.map((rule) => {
    if (rule.includes?.caps !== undefined) return `with ${rule.includes.caps.join(', ')}`;
    if (rule.args !== undefined) return 'some arguments';
    if (rule.includes?.arches !== undefined) return `on ${rule.includes.arches.join(', ')}`;
    if (rule.includes?.minKernel !== undefined) return `kernel >= ${rule.includes.minKernel}`;
    return 'allowed';
  });
  return conditions.includes('allowed') ? 'allowed' : `allowed ${[...new Set(conditions)].join('; ')}`;
}

/** One row per capability-gated rule of Docker's, with why sdocker drops or keeps it. */
function capabilityRows(base: SeccompProfile, source: SeccompSource, { keep, drop }: CapabilityDecisions): [string, string][] {
  const seen = new Set(['clone', 'clone3', ...source.remove.flatMap((entry) => entry.names)]);
  const rows: [string, string][] = [];
  for (const rule of base.syscalls.filter((r) => (r.includes?.caps ?? []).length > 0)) {
    const names = rule.names.filter((name) => !seen.has(name));
    names.forEach((name) => seen.add(name));
    const caps = rule.includes?.caps ?? [];
    const dropped = caps.find((cap) => drop[cap] !== undefined);
    if (names.length === 0) continue;
    if (dropped !== undefined) rows.push([names.join(', '), `${dropped} is dangerous: ${drop[dropped]}`]);
    else rows.push([names.join(', '), `kept with ${caps.join(', ')}: ${caps.map((cap) => keep[cap]).join('; ')}`]);
  }
  rows.push(['clone', 'namespace flags stay masked even with CAP_SYS_ADMIN (the rule lost its capability exclusion, so fork keeps working)']);
  rows.push(['clone3', 'answers ENOSYS always (glibc then falls back to clone), no longer allowed with CAP_SYS_ADMIN']);
  return rows;
}

/** The table for seccomp/README.md: where sdocker's profile departs from Docker's default, and the capability rules it keeps. */
export function renderComparison(base: SeccompProfile, ours: SeccompProfile, source: SeccompSource): string {
  const rows: [string, string][] = [];
  for (const entry of source.remove) rows.push([entry.names.join(', '), entry.why]);
  if (source.capabilities !== undefined) rows.push(...capabilityRows(base, source, source.capabilities));
  if (source.personality !== undefined) rows.push(['personality', `only ${source.personality.allow.map((v) => `0x${v.toString(16)}`).join(', ')}: ${source.personality.why}`]);
  if (source.socket !== undefined) rows.push(['socket', `only ${Object.keys(source.socket.families).join(', ')}: ${source.socket.why}`]);
  const cell = (text: string): string => text.replaceAll('|', '\\|');
  const lines = ['| syscalls | Docker 28.2 default | sdocker-default | why |', '|---|---|---|---|'];
  for (const [names, why] of rows) {
    const first = names.split(', ')[0] as string;
    lines.push(`| ${cell(names)} | ${describeSyscall(base, first)} | ${describeSyscall(ours, first)} | ${cell(why)} |`);
  }
  return `${lines.join('\n')}\n`;
}
