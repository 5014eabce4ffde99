// Limits in compose files (issue 9): a limit the file sets beside the service or in
// deploy.resources.limits is the user's; sdocker adds only what is missing, never a second,
// distinct value. Each hardened file is checked against both composes' rules: compose v1
// 1.29 itself (`docker-compose config -q`, its schema) and compose v2's consistency rule,
// restated from compose-go loader/validate.go checkConsistency.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { hardenCompose } from '../src/compose/edit/harden.js';
import { parseBytes } from '../src/docker/units.js';

const DIR = mkdtempSync(join(tmpdir(), 'sdocker-limits-'));
const FILE = join(DIR, 'compose.yaml');
// sdocker's own seccomp profile: compose v1 reads it from disk.
const OPTIONS = { profile: 'default', env: {}, cliAllow: [], seccomp: undefined };

type Service = Record<string, unknown> & { deploy?: { resources?: { limits?: Record<string, unknown>; reservations?: Record<string, unknown> } } };

async function harden(body: string) {
  const result = await hardenCompose(`services:\n  s:\n    image: sdocker-test/busybox:1\n${body}`, FILE, OPTIONS);
  const service = (parseDocument(result.output, { merge: true }).toJS() as { services: { s: Service } }).services.s;
  const warnings = result.findings.filter((f) => f.level === 'warning').map((f) => `${f.rule}: ${f.message}`);
  const changes = result.findings.filter((f) => f.level === 'change').map((f) => f.message);
  return { ...result, service, warnings, changes };
}

/** compose-go checkConsistency: beside a deploy.resources.limits block, each limit must equal its deploy twin (absent is 0). */
function v2Refusal(s: Service): string | undefined {
  const limits = s.deploy?.resources?.limits;
  if (limits === undefined || limits === null) return undefined;
  const bytes = (v: unknown): number => (v === undefined ? 0 : (parseBytes(String(v)) ?? NaN));
  const num = (v: unknown): number => (v === undefined ? 0 : Number(v));
  if (s['cpus'] !== undefined && num(s['cpus']) !== num(limits['cpus'])) return 'cpus';
  if (s['mem_limit'] !== undefined && bytes(s['mem_limit']) !== bytes(limits['memory'])) return 'mem_limit';
  if (s['pids_limit'] !== undefined && num(s['pids_limit']) !== num(limits['pids'])) return 'pids_limit';
  return undefined;
}

/** Whether compose v1 reads the file (`docker-compose config -q`), and why not. */
function v1Reads(output: string): string {
  const dir = mkdtempSync(join(DIR, 'v1-'));
  writeFileSync(join(dir, 'compose.yaml'), output);
  const run = spawnSync('docker-compose', ['config', '-q'], { cwd: dir, encoding: 'utf8' });
  return run.status === 0 ? 'ok' : run.stderr.trim();
}

/** What the engine is given on v1 (deploy limits replace mem_limit; cpus when present). */
function v1Memory(s: Service): unknown {
  const limits = s.deploy?.resources?.limits;
  return limits === undefined ? s['mem_limit'] : limits['memory'];
}

async function bothRead(t: import('ava').ExecutionContext, output: string, service: Service): Promise<void> {
  t.is(v1Reads(output), 'ok', 'compose v1 reads the hardened file');
  t.is(v2Refusal(service), undefined, 'compose v2 finds no two distinct values');
  t.is(parseBytes(String(service['memswap_limit'])), parseBytes(String(v1Memory(service))), 'memswap_limit equals the memory limit: no swap');
  const again = await hardenCompose(output, FILE, OPTIONS);
  t.deepEqual(again.edits, [], 'hardening it again changes nothing');
}

test('no limits: all four beside the service, no deploy block (compose v2 refuses pids_limit beside one without pids)', async (t) => {
  const { service, output, changes, warnings } = await harden('');
  t.like(service, { mem_limit: '512m', memswap_limit: '512m', cpus: 1, pids_limit: 256 });
  t.is(service.deploy, undefined);
  t.deepEqual(warnings, []);
  t.true(changes.includes('add cpus: 1'), 'the note says the value as written in the file');
  t.regex(output, /^ {4}cpus: 1$/m);
  await bothRead(t, output, service);
});

test('limits in deploy only: the user\'s, memswap_limit equal to them, nothing beside them; no pids limit can be added for both composes', async (t) => {
  const { service, output, warnings } = await harden('    deploy:\n      resources:\n        limits: {memory: 1g, cpus: "2"}\n');
  t.deepEqual(service.deploy?.resources?.limits, { memory: '1g', cpus: '2' });
  t.like(service, { memswap_limit: '1g' });
  for (const key of ['mem_limit', 'cpus', 'pids_limit']) t.false(key in service, key);
  t.deepEqual(warnings, [
    "memory: deploy.resources.limits.memory 1g is above the profile's 512m",
    "cpus: deploy.resources.limits.cpus 2 is above the profile's 1.0",
    'pids-limit: no pids limit added: compose v1 rejects pids in deploy.resources.limits and v2 refuses pids_limit beside a limits block without it; add pids: 256 there (v2 only) or write mem_limit, cpus and pids_limit instead of deploy.resources.limits',
  ]);
  await bothRead(t, output, service);
});

test('a deploy block with only one limit gets the other from the profile, in the same block', async (t) => {
  const { service, output } = await harden('    deploy:\n      resources:\n        limits:\n          cpus: "0.5"\n');
  t.deepEqual(service.deploy?.resources?.limits, { cpus: '0.5', memory: '512m' });
  t.like(service, { memswap_limit: '512m' });
  t.false('mem_limit' in service);
  await bothRead(t, output, service);
});

test('limits beside the service only: kept, no deploy block, looser ones warned as run does', async (t) => {
  const { service, output, warnings } = await harden('    mem_limit: 1g\n    cpus: 2\n    pids_limit: 100\n');
  t.like(service, { mem_limit: '1g', memswap_limit: '1g', cpus: 2, pids_limit: 100 });
  t.is(service.deploy, undefined);
  t.deepEqual(warnings, ["memory: mem_limit 1g is above the profile's 512m", "cpus: cpus 2 is above the profile's 1.0"]);
  await bothRead(t, output, service);
});

test('a limit beside a deploy block that lacks it is copied there, the same value (v1 would wipe mem_limit, v2 refuse)', async (t) => {
  const memory = await harden('    mem_limit: 1073741824\n    deploy:\n      resources:\n        limits: {cpus: "0.5"}\n');
  t.deepEqual(memory.service.deploy?.resources?.limits, { cpus: '0.5', memory: '1073741824' }, 'a string: v1\'s schema takes no number there');
  t.like(memory.service, { mem_limit: 1073741824, memswap_limit: 1073741824 });
  await bothRead(t, memory.output, memory.service);
  const cpus = await harden('    cpus: 0.5\n    deploy:\n      resources:\n        limits: {memory: 256m}\n');
  t.deepEqual(cpus.service.deploy?.resources?.limits, { memory: '256m', cpus: 0.5 });
  t.false('mem_limit' in cpus.service);
  await bothRead(t, cpus.output, cpus.service);
});

test('the same limit in both places, in other units, is one value: nothing added, nothing warned', async (t) => {
  const { service, output, warnings, edits } = await harden('    mem_limit: 256m\n    cpus: 0.5\n    deploy:\n      resources:\n        limits: {memory: 268435456b, cpus: "0.50"}\n');
  t.deepEqual(edits.filter((e) => e.rule === 'memory' || e.rule === 'cpus').map((e) => e.note), ['memswap_limit: 268435456b (no swap)']);
  t.deepEqual(warnings.filter((w) => !w.startsWith('pids-limit')), []);
  await bothRead(t, output, service);
});

test('two distinct values (the file is already refused by v2): left as written and warned', async (t) => {
  const { service, warnings, edits } = await harden('    mem_limit: 512m\n    memswap_limit: 512m\n    cpus: 1\n    deploy:\n      resources:\n        limits: {memory: 1g, cpus: "2"}\n');
  t.deepEqual(edits.filter((e) => e.rule === 'memory' || e.rule === 'cpus'), []);
  t.like(service, { mem_limit: '512m', memswap_limit: '512m', cpus: 1 });
  t.deepEqual(service.deploy?.resources?.limits, { memory: '1g', cpus: '2' });
  t.is(v2Refusal(service), 'cpus', 'the v2 rule used above does find distinct values');
  t.deepEqual(warnings.slice(0, 2), [
    "memory: mem_limit 512m and deploy.resources.limits.memory 1g differ: compose v2 refuses the file (can't set distinct values) and v1 uses 1g; keep one value",
    "cpus: cpus 1 and deploy.resources.limits.cpus 2 differ: compose v2 refuses the file (can't set distinct values) and v1 uses 2; keep one value",
  ]);
});

test('memswap_limit: the user\'s is kept; above the limit it is warned, below it the engine refuses and that is said', async (t) => {
  const beyond = await harden('    mem_limit: 256m\n    memswap_limit: 1g\n');
  t.like(beyond.service, { mem_limit: '256m', memswap_limit: '1g' });
  t.deepEqual(beyond.warnings, ['memory: memswap_limit 1g lets the container swap beyond the memory limit 256m']);
  const unlimited = await harden('    memswap_limit: -1\n');
  t.like(unlimited.service, { mem_limit: '512m', memswap_limit: -1 });
  t.deepEqual(unlimited.warnings, ['memory: memswap_limit -1 lets the container swap beyond the memory limit 512m']);
  const below = await harden('    deploy:\n      resources:\n        limits: {memory: 1g}\n    memswap_limit: 256m\n');
  t.regex(below.warnings.find((w) => w.includes('memswap')) ?? '', /memswap_limit 256m is below the memory limit 1g: the engine refuses to create the container/);
  // A user's swap bound alone: the memory limit follows it when it is the smaller (as run does).
  const small = await harden('    memswap_limit: 128m\n');
  t.like(small.service, { mem_limit: '128m', memswap_limit: '128m' });
});

test('pids: the user\'s in either place; unlimited and above-profile warned; beside a deploy block without pids, v2\'s refusal is said', async (t) => {
  t.deepEqual((await harden('    pids_limit: 1000\n')).warnings, ["pids-limit: pids_limit 1000 is above the profile's 256"]);
  t.deepEqual((await harden('    pids_limit: -1\n')).warnings, ['pids-limit: pids_limit -1 leaves the number of processes unlimited']);
  const v2only = await harden('    deploy:\n      resources:\n        limits: {memory: 256m, cpus: "0.5", pids: 100}\n');
  t.false('pids_limit' in v2only.service);
  t.deepEqual(v2only.warnings, []);
  t.regex(v1Reads(v2only.output), /limits value 'pids' does not match/, 'compose v1 as used above does refuse pids in deploy.resources.limits');
  const beside = await harden('    pids_limit: 100\n    deploy:\n      resources:\n        limits: {memory: 256m}\n');
  t.like(beside.service, { pids_limit: 100 });
  t.regex(beside.warnings.join('\n'), /pids_limit 100 beside a deploy.resources.limits without pids: compose v2 refuses the file/);
});

test('reservations above the profile\'s limits: the limit added is the reservation, warned (a lower limit fails)', async (t) => {
  const { service, output, warnings } = await harden('    deploy:\n      resources:\n        reservations: {memory: 1g, cpus: "2"}\n');
  t.like(service, { mem_limit: '1g', memswap_limit: '1g', cpus: 2, pids_limit: 256 });
  t.deepEqual(warnings, [
    "memory: the memory reservation 1g is above the profile's limit 512m: the limit added is 1g (a limit below the reservation fails)",
    "cpus: the CPU reservation 2 is above the profile's limit 1.0: the limit added is 2 (a limit below the reservation fails)",
  ]);
  await bothRead(t, output, service);
  const own = await harden('    mem_reservation: 768m\n');
  t.like(own.service, { mem_limit: '768m', memswap_limit: '768m' });
  const lower = await harden('    deploy:\n      resources:\n        reservations: {memory: 128m}\n');
  t.like(lower.service, { mem_limit: '512m' });
  t.deepEqual(lower.warnings, []);
});

test('cpu_quota or cpu_period is the user\'s CPU limit (docker refuses cpus beside them); cpu_count, Windows-only, is not', async (t) => {
  t.false('cpus' in (await harden('    cpu_quota: 50000\n')).service);
  t.false('cpus' in (await harden('    cpu_period: 100000\n    deploy:\n      resources:\n        limits: {memory: 256m}\n')).service.deploy!.resources!.limits!);
  t.like((await harden('    cpu_count: 2\n')).service, { cpus: 1 });
});
