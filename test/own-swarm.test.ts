// The swarm helper against a stand-in docker that plays a node's swarm state (the real engine
// cannot be put in a swarm the tests did not make): a swarm without the tests' label on its node
// is never left nor re-initialised, and makes the swarm tests skip with one line, or fail with it
// under CI=true; a swarm the tests made (also one a killed run left) is used and then left.
import test from 'ava';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestFn } from 'ava';
import { enterSwarm, foreignSwarm, leaveAbandonedSwarm, leaveSwarm, SWARM_LABEL, swarmTest } from './helpers/swarm.js';

const dir = mkdtempSync(join(tmpdir(), 'sdocker-swarm-guard-'));
const STATE = join(dir, 'state.json');
const LOG = join(dir, 'calls.log');
// The node's state in a file; every call logged; `swarm init`, `node update` and `swarm leave` change it.
writeFileSync(join(dir, 'docker'), `#!/usr/bin/env node
const fs = require('fs');
const args = process.argv.slice(2);
const state = JSON.parse(fs.readFileSync(${JSON.stringify(STATE)}, 'utf8'));
fs.appendFileSync(${JSON.stringify(LOG)}, args.join(' ') + '\\n');
const save = () => fs.writeFileSync(${JSON.stringify(STATE)}, JSON.stringify(state));
const word = args.slice(0, 2).join(' ');
if (word === 'info --format') console.log(args[2].includes('NodeID') ? (state.swarm === 'active' ? 'n0de1d' : '') : state.swarm);
else if (word === 'node inspect') {
  if (state.swarm !== 'active' || !state.manager) { console.error('Error: This node is not a swarm manager.'); process.exit(1); }
  console.log(state.labels[${JSON.stringify(SWARM_LABEL)}] ?? '');
} else if (word === 'swarm init') { state.swarm = 'active'; state.manager = true; state.labels = {}; save(); }
else if (word === 'node update') { const [k, v] = args[args.indexOf('--label-add') + 1].split('='); state.labels[k] = v; save(); }
else if (word === 'swarm leave') { state.swarm = 'inactive'; state.labels = {}; save(); }
else if (word === 'service ls') console.log((state.services ?? []).join('\\n'));
`);
chmodSync(join(dir, 'docker'), 0o755);
process.env['PATH'] = `${dir}:${process.env['PATH'] ?? ''}`;
process.env['SDOCKER_SWARM_LOCK'] = join(dir, 'lock');

function node(swarm: string, manager: boolean, labels: Record<string, string> = {}, services: string[] = []): void {
  writeFileSync(STATE, JSON.stringify({ swarm, manager, labels, services }));
  writeFileSync(LOG, '');
}

const calls = (): string[] => readFileSync(LOG, 'utf8').split('\n').filter((line) => line.startsWith('swarm ') || line.startsWith('node update'));
const stateNow = (): { swarm: string } => JSON.parse(readFileSync(STATE, 'utf8')) as { swarm: string };

for (const [what, manager] of [['a manager', true], ['a worker', false]] as const) {
  test.serial(`a swarm the tests did not make (${what}) is never left nor joined; the tests skip with the reason`, async (t) => {
    node('active', manager);
    t.regex(foreignSwarm() ?? '', /^this engine is in a swarm the tests did not make \(Swarm\.LocalNodeState=active, no io\.sdocker\.test\.swarm label on the node\)/);
    await t.throwsAsync(enterSwarm(), { message: /^this engine is in a swarm the tests did not make/ });
    leaveSwarm();
    t.false(leaveAbandonedSwarm());
    t.deepEqual(calls(), [], 'no swarm init, leave or node update');
    t.is(stateNow().swarm, 'active');
    t.false(existsSync(join(dir, 'lock')), 'the lock is free again');
  });
}

test.serial('a pending or locked swarm is not the tests\' either', (t) => {
  for (const state of ['pending', 'locked', 'error']) {
    node(state, false);
    t.regex(foreignSwarm() ?? '', new RegExp(`Swarm\\.LocalNodeState=${state}`));
  }
});

test.serial('no swarm: the tests make one, mark its node, and leave it', async (t) => {
  node('inactive', false);
  t.is(foreignSwarm(), undefined);
  await enterSwarm();
  t.is(stateNow().swarm, 'active');
  leaveSwarm();
  t.deepEqual(calls(), ['swarm init --advertise-addr 127.0.0.1', `node update --label-add ${SWARM_LABEL}=${process.env['SDOCKER_TEST_RUN'] ?? ''} n0de1d`, 'swarm leave --force']);
});

test.serial("a swarm a killed test run made is the tests': used, then left; or left after the run", async (t) => {
  node('active', true, { [SWARM_LABEL]: 'tdeadbeef' });
  t.is(foreignSwarm(), undefined);
  await enterSwarm();
  leaveSwarm();
  t.deepEqual(calls(), ['swarm leave --force'], 'not initialised again');
  node('active', true, { [SWARM_LABEL]: 'tdeadbeef' }, ['sdsttdeadbeef-0a1b2c-3_app']);
  t.true(leaveAbandonedSwarm());
  t.deepEqual(calls(), ['swarm leave --force']);
});

test.serial('a swarm the tests made, into which someone deployed a service of their own, is theirs now: never left', async (t) => {
  node('active', true, { [SWARM_LABEL]: 'tdeadbeef' }, ['shop_web']);
  t.regex(foreignSwarm() ?? '', /\(Swarm\.LocalNodeState=active, it runs services the tests did not make: shop_web\)/);
  t.false(leaveAbandonedSwarm());
  await t.throwsAsync(enterSwarm(), { message: /^this engine is in a swarm the tests did not make/ });
  leaveSwarm();
  t.deepEqual(calls(), []);
});

/** A stand-in for ava's test function: records what is declared, and how. */
function recorder(): { fn: TestFn; declared: string[] } {
  const declared: string[] = [];
  const record = (how: string) => (title: string) => void declared.push(`${how} ${title}`);
  const fn = Object.assign(record('test'), {
    skip: record('skip'),
    serial: Object.assign(record('serial'), { skip: record('serial.skip') }),
    before: record('before'),
  });
  return { fn: fn as unknown as TestFn, declared };
}

test.serial("swarmTest: on another's swarm every test is skipped and one says why; under CI=true nothing is skipped", (t) => {
  node('active', true);
  const ci = process.env['CI'];
  t.teardown(() => (ci === undefined ? delete process.env['CI'] : (process.env['CI'] = ci)));
  delete process.env['CI'];
  const { fn, declared } = recorder();
  const gated = swarmTest(fn);
  gated('deploys', () => undefined);
  gated.serial('deploys in order', () => undefined);
  gated.before(() => undefined);
  t.deepEqual(declared.map((d) => d.split(': ')[0]), ['skip swarm tests skipped', 'skip deploys', 'serial.skip deploys in order']);
  process.env['CI'] = 'true';
  const plain = recorder();
  t.is(swarmTest(plain.fn), plain.fn, 'CI=true: the tests run, and enterSwarm fails with the reason');
});
