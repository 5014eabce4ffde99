// How compose learn gathers the services' trials into project runs (src/compose-learn/batch.ts):
// one run once every service still learning has asked; a failure beside a failed dependency is
// asked again rather than blamed on the service's own grants. The runs here are stand-ins that
// answer from a table: what they decide is tested on the engine in engine-compose-learn.
import test from 'ava';
import { allNeeds, TrialBatches, type BatchResult } from '../src/compose-learn/batch.js';
import { NO_GRANTS, type Grants } from '../src/learn/grants.js';
import { failedTrial } from '../src/learn/trial.js';

const pass: BatchResult = { ...failedTrial(''), passed: true, failure: undefined };
const fail = (why: string, logOnly = false): BatchResult => ({ ...failedTrial(why), logOnly });
/** Grants told apart by their user's value: step 0, 1, 2... */
const step = (n: number): Grants => ({ ...NO_GRANTS, user: { value: String(n), why: '' } });
const stepOf = (grants: Grants): number => Number(grants.user?.value ?? -1);

/** A run that answers each service from `answer(service, step, run)`, recording what it was asked. */
function recorder(answer: (service: string, step: number, run: number) => BatchResult): { runs: string[][]; run: (asked: ReadonlyMap<string, Grants>) => Promise<Map<string, BatchResult>> } {
  const runs: string[][] = [];
  return {
    runs,
    run: async (asked) => {
      runs.push([...asked].map(([service, grants]) => `${service}@${stepOf(grants)}`).sort());
      return new Map([...asked].map(([service, grants]) => [service, answer(service, stepOf(grants), runs.length)]));
    },
  };
}

/** A service that steps up until a trial passes, then finishes: the results it was given. */
async function stepUntilPass(batches: TrialBatches, service: string, max = 5): Promise<boolean[]> {
  const seen: boolean[] = [];
  for (let n = 0; n < max; n += 1) {
    const result = await batches.trial(service, step(n));
    seen.push(result.passed);
    if (result.passed) break;
  }
  batches.finished(service);
  return seen;
}

test('one project run per step: two independent services are tried together', async (t) => {
  const { runs, run } = recorder((service, n) => (service === 'a' ? (n >= 1 ? pass : fail('a')) : n >= 2 ? pass : fail('b')));
  const batches = new TrialBatches(['a', 'b'], new Map(), run);
  const [a, b] = await Promise.all([stepUntilPass(batches, 'a'), stepUntilPass(batches, 'b')]);
  t.deepEqual(a, [false, true]);
  t.deepEqual(b, [false, false, true]);
  t.deepEqual(runs, [['a@0', 'b@0'], ['a@1', 'b@1'], ['b@2']], 'b alone once a has finished');
});

test('a service that fails beside a failed dependency is asked again with the same grants, not told it failed', async (t) => {
  // app works at its first grants as soon as db works (db needs step 2).
  const { runs, run } = recorder((service, n, r) => (service === 'db' ? (n >= 2 ? pass : fail('db')) : r >= 3 ? pass : fail('no db')));
  const batches = new TrialBatches(['db', 'app'], new Map([['app', ['db']], ['db', []]]), run);
  const [db, app] = await Promise.all([stepUntilPass(batches, 'db'), stepUntilPass(batches, 'app')]);
  t.deepEqual(db, [false, false, true]);
  t.deepEqual(app, [true], 'app never saw the failures its dependency caused');
  t.deepEqual(runs, [['app@0', 'db@0'], ['app@0', 'db@1'], ['app@0', 'db@2']]);
});

test('a failure of its own while its dependency works is its own', async (t) => {
  const { runs, run } = recorder((service, n) => (service === 'db' ? pass : n >= 1 ? pass : fail('app')));
  const batches = new TrialBatches(['db', 'app'], new Map([['app', ['db']]]), run);
  const [db, app] = await Promise.all([stepUntilPass(batches, 'db'), stepUntilPass(batches, 'app')]);
  t.deepEqual(db, [true]);
  t.deepEqual(app, [false, true]);
  t.deepEqual(runs, [['app@0', 'db@0'], ['app@1']]);
});

test('a failure only on a new log line is tried once more before it counts', async (t) => {
  let noisy = 0;
  const { runs, run } = recorder((service) => (service === 'once' ? (noisy++ === 0 ? fail('noise', true) : pass) : fail('noise', true)));
  const batches = new TrialBatches(['once', 'always'], new Map(), run);
  const once = batches.trial('once', step(0));
  const always = batches.trial('always', step(0));
  t.true((await once).passed, 'the repeat passed');
  batches.finished('once');
  t.false((await always).passed, 'printed again: it counts');
  t.is(runs.length, 2);
});

test('stop: what waits and what is asked later ends with the reason', async (t) => {
  const batches = new TrialBatches(['a', 'b'], new Map(), async () => new Map());
  const waiting = batches.trial('a', step(0));
  batches.stop(new Error('b cannot be learned'));
  await t.throwsAsync(waiting, { message: 'b cannot be learned' });
  await t.throwsAsync(batches.trial('a', step(1)), { message: 'b cannot be learned' });
});

test('a project run that throws ends every trial waiting on it', async (t) => {
  const batches = new TrialBatches(['a'], new Map(), async () => {
    throw new Error('docker-compose is gone');
  });
  await t.throwsAsync(batches.trial('a', step(0)), { message: 'docker-compose is gone' });
});

test('allNeeds: depends_on followed through, cycles stop', (t) => {
  const needs = allNeeds(new Map([['proxy', ['app']], ['app', ['cache', 'db']], ['cache', []], ['db', ['app']]]));
  t.deepEqual(needs.get('proxy')?.sort(), ['app', 'cache', 'db']);
  t.deepEqual(needs.get('app')?.sort(), ['cache', 'db']);
  t.deepEqual(needs.get('cache'), []);
});
