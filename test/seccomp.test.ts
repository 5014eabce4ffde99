// seccomp/sdocker-default.json is what its source says: regenerated here and compared byte for
// byte, then checked for the properties the source promises.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROFILES_DIR, SECCOMP_DIR } from '../src/common/paths.js';
import { parseLayer } from '../src/policy/load.js';
import { loadSeccompSource, renderComparison, renderProfile, tableOf } from '../src/seccomp/files.js';
import { generateSeccomp, type SeccompProfile } from '../src/seccomp/generate.js';

const { base, source, profile } = await loadSeccompSource(SECCOMP_DIR);
const policyFile = join(PROFILES_DIR, 'default.yml');
const policy = (await parseLayer(readFileSync(policyFile, 'utf8'), policyFile)) as { capabilities: { dangerous: string[] } };
// The profile names capabilities as the kernel does (CAP_SYS_ADMIN), the policy as docker (SYS_ADMIN).
const dangerous = new Set(policy.capabilities.dangerous.map((cap) => `CAP_${cap}`));
const decisions = source.capabilities ?? { keep: {}, drop: {} };
const committed = JSON.parse(readFileSync(join(SECCOMP_DIR, 'sdocker-default.json'), 'utf8')) as SeccompProfile;

test('the committed profile is exactly what the source generates (npm run seccomp)', (t) => {
  t.is(readFileSync(join(SECCOMP_DIR, 'sdocker-default.json'), 'utf8'), renderProfile(profile));
});

test("the README's comparison table is generated too", (t) => {
  t.is(tableOf(readFileSync(join(SECCOMP_DIR, 'README.md'), 'utf8')), renderComparison(base, profile, source));
});

const allowed = (name: string) => committed.syscalls.filter((rule) => rule.action === 'SCMP_ACT_ALLOW' && rule.names.includes(name));

test('every removed syscall has no allow rule left', (t) => {
  const removed = [...source.remove.flatMap((e) => e.names), 'mount', 'umount', 'umount2', 'unshare', 'setns', 'pivot_root', 'kexec_load', 'bpf', 'perf_event_open', 'userfaultfd', 'reboot', 'init_module', 'finit_module'];
  for (const name of removed) t.deepEqual(allowed(name), [], name);
});

test('every capability Docker gates a call on is decided, and no dangerous one is kept', (t) => {
  const gated = new Set(base.syscalls.flatMap((rule) => rule.includes?.caps ?? []));
  for (const cap of gated) t.true(cap in decisions.keep || cap in decisions.drop, `${cap} undecided`);
  for (const cap of gated) if (dangerous.has(cap)) t.true(cap in decisions.drop, `${cap} is dangerous but kept`);
  for (const cap of Object.keys(decisions.keep)) t.false(dangerous.has(cap), `${cap} is dangerous but kept`);
});

test('only a harmless capability gates a rule, each rule as Docker wrote it; no rule excludes one', (t) => {
  const gatedRules = committed.syscalls.filter((rule) => rule.includes?.caps !== undefined);
  t.deepEqual(gatedRules, base.syscalls.filter((rule) => (rule.includes?.caps ?? []).some((cap) => cap in decisions.keep)));
  for (const rule of gatedRules) t.false(rule.includes?.caps?.some((cap) => dangerous.has(cap)), rule.names.join(','));
  for (const rule of committed.syscalls) t.is(rule.excludes?.caps, undefined, rule.names.join(','));
});

test('chroot is allowed with CAP_SYS_CHROOT and only with it', (t) => {
  t.deepEqual(allowed('chroot'), [{ names: ['chroot'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_CHROOT'] } }]);
});

test('a base gating a call on a capability the source does not decide is refused', (t) => {
  const newer: SeccompProfile = { ...base, syscalls: [...base.syscalls, { names: ['chroot'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_NEW_ONE'] } }] };
  t.throws(() => generateSeccomp(newer, source), { message: /CAP_NEW_ONE; decide it/ });
});

test('clone3 answers ENOSYS unconditionally; clone keeps its namespace-flag mask', (t) => {
  const clone3 = committed.syscalls.filter((rule) => rule.names.includes('clone3'));
  t.deepEqual(clone3, [{ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 }]);
  const clone = allowed('clone');
  t.true(clone.length > 0 && clone.every((rule) => rule.args?.[0]?.op === 'SCMP_CMP_MASKED_EQ' || rule.args?.[0]?.index === 1));
});

test('personality and socket are allowed only for the listed values', (t) => {
  t.deepEqual(allowed('personality').map((r) => r.args), [0x0, 0x8, 0xffffffff].map((value) => [{ index: 0, value, op: 'SCMP_CMP_EQ' }]));
  t.deepEqual(allowed('socket').map((r) => r.args?.[0]?.value), [1, 2, 10, 16]);
});

test('what Docker allows unconditionally and sdocker does not remove is still allowed', (t) => {
  for (const name of ['read', 'write', 'openat', 'execve', 'fork', 'wait4', 'socketpair', 'accept4', 'epoll_wait', 'futex']) {
    t.true(allowed(name).length > 0, name);
  }
});
