// --link where sdocker picks the network: one network per linked pair, made and joined in the
// right order, and nothing made when the run cannot go on.
import test from 'ava';
import { clearStale } from '../src/run/links.js';
import { linkNetworkName, parseLink } from '../src/policy/inject/links.js';
import { FakeEngine, dockerArgv, runMain } from './helpers/fakes.js';

const DB = { db: { name: 'db', networks: ['sdocker'] }, cache: { name: 'cache', networks: ['sdocker'] } };
const PAIR_LABELS = { 'io.sdocker.managed': 'true', 'io.sdocker.link.target': 'db', 'io.sdocker.link.container': 'app' };

function valuesOf(argv: readonly string[], flag: string): string[] {
  return argv.flatMap((word, i) => (word === flag ? [argv[i + 1] as string] : []));
}

test('docker link syntax: name[:alias], a leading slash dropped', (t) => {
  t.deepEqual(parseLink('db:web'), { target: 'db', alias: 'web' });
  t.deepEqual(parseLink('/db'), { target: 'db', alias: 'db' });
  t.is(linkNetworkName('db', 'app'), 'sdocker-link-db-app');
  t.regex(linkNetworkName('d'.repeat(40), 'a'.repeat(40)), /^sdocker-link-[0-9a-f]{16}$/);
});

test('run --link: the pair gets its own network, the target joins it with the alias before docker runs', async (t) => {
  const result = await runMain(['run', '--name', 'app', '--link', 'db:web', 'alpine'], { containers: DB });
  t.is(result.code, 0, result.stderr);
  const argv = dockerArgv(result);
  t.deepEqual(valuesOf(argv, '--network'), ['sdocker-link-db-app'], 'instead of sdocker');
  t.deepEqual(valuesOf(argv, '--link'), ['db:web'], 'kept: docker resolves the alias on user networks too');
  t.deepEqual(result.engine.events, ['create sdocker-link-db-app', 'connect sdocker-link-db-app db [web]', 'docker run']);
  t.deepEqual(result.engine.specs['sdocker-link-db-app'], { labels: PAIR_LABELS, options: {}, internal: false });
  t.false(result.engine.created.includes('sdocker'), "sdocker's bridge is not needed");
});

test('an unnamed linked container is given a name, and its network is named after it', async (t) => {
  const result = await runMain(['run', '--link', 'db', 'alpine'], { containers: DB });
  t.is(result.code, 0, result.stderr);
  const [name] = valuesOf(dockerArgv(result), '--name');
  t.regex(name ?? '', /^sdocker-[0-9a-f]{8}$/);
  t.deepEqual(valuesOf(dockerArgv(result), '--network'), [`sdocker-link-db-${name}`]);
});

test("create with two links: created on the first pair's network, joins the second before anything starts it", async (t) => {
  const result = await runMain(['create', '--name', 'app', '--link', 'db', '--link', 'cache:c', 'alpine'], { containers: DB });
  t.is(result.code, 0, result.stderr);
  t.deepEqual(valuesOf(dockerArgv(result), '--network'), ['sdocker-link-db-app']);
  t.deepEqual(result.engine.events, [
    'create sdocker-link-db-app', 'connect sdocker-link-db-app db [db]',
    'create sdocker-link-cache-app', 'connect sdocker-link-cache-app cache [c]',
    'docker create',
    'connect sdocker-link-cache-app app []',
  ]);
});

test('run with two links, a missing target, or a foreign network of that name: refused, nothing made', async (t) => {
  const two = await runMain(['run', '--name', 'app', '--link', 'db', '--link', 'cache', 'alpine'], { containers: DB });
  t.is(two.code, 125);
  t.regex(two.stderr, /several --link on run/);
  const missing = await runMain(['run', '--name', 'app', '--link', 'ghost', 'alpine'], { containers: DB });
  t.is(missing.code, 125);
  t.regex(missing.stderr, /^sdocker: --link ghost: no such container$/m);
  const foreign = await runMain(['run', '--name', 'app', '--link', 'db', 'alpine'], { containers: DB, networks: { 'sdocker-link-db-app': { managed: false } } });
  t.is(foreign.code, 125);
  t.regex(foreign.stderr, /network 'sdocker-link-db-app' exists but is not sdocker's network for --link db from app/);
  for (const result of [two, missing, foreign]) {
    t.deepEqual(result.runs, []);
    t.deepEqual(result.engine.events, []);
  }
});

test("the pair's network is reused when it is there, removed when its container is gone; a named --network leaves links alone", async (t) => {
  const networks = { 'sdocker-link-db-app': { managed: true, labels: PAIR_LABELS, created: new Date().toISOString(), containers: ['db'] } };
  // As after `run -d`: the container docker made is there, on the pair network.
  const app = { name: 'app', networks: ['sdocker-link-db-app'] };
  const again = await runMain(['run', '-d', '--name', 'app', '--link', 'db', 'alpine'], { containers: { ...DB, app }, networks });
  t.deepEqual(again.engine.events, ['connect sdocker-link-db-app db [db]', 'docker run']);
  // As after `run --rm`: the container is gone when docker returns, and so is its network.
  const gone = await runMain(['run', '--rm', '--name', 'app', '--link', 'db', 'alpine'], { containers: DB, networks });
  t.deepEqual(gone.engine.events, ['connect sdocker-link-db-app db [db]', 'docker run', 'disconnect sdocker-link-db-app db', 'remove sdocker-link-db-app']);
  const mine = await runMain(['run', '--network', 'mine', '--link', 'db', 'alpine'], { containers: DB });
  t.deepEqual(valuesOf(dockerArgv(mine), '--network'), ['mine']);
  t.deepEqual(valuesOf(dockerArgv(mine), '--name'), []);
  t.deepEqual(mine.engine.events, ['docker run']);
});

test('strict (no published port): the link network is internal instead of --network none', async (t) => {
  // A dry run: the strict profile also wants AppArmor, which the fake engine lacks.
  const dry = await runMain(['run', '--sd-dry-run', '--sd-profile', 'strict', '--name', 'app', '--link', 'db', 'alpine'], { containers: DB });
  t.regex(dry.stdout, /--network sdocker-link-db-app/);
  t.notRegex(dry.stdout, /--network none/);
  t.regex(dry.stdout, /^ {2}sdocker-link-db-app \(created if missing, internal\): connect db \(alias db\); app is created on it$/m);
});

test('dry run: says which networks it would make and join and why, makes none', async (t) => {
  const result = await runMain(['create', '--sd-dry-run', '--name', 'app', '--link', 'db:web', '--link', 'cache', 'alpine'], { containers: DB });
  t.is(result.code, 0);
  t.deepEqual(result.engine.events, []);
  t.regex(result.stdout, /^link networks: network \(CIS 5\.30\): sdocker's bridge drops every packet between containers/m);
  t.regex(result.stdout, /^ {2}sdocker-link-db-app \(created if missing\): connect db \(alias web\); app is created on it$/m);
  t.regex(result.stdout, /^ {2}sdocker-link-cache-app \(created if missing\): connect cache \(alias cache\); app joins it after create$/m);
});

test('stale link networks are cleared: the container gone or no longer on it, and past the grace period', async (t) => {
  const old = '2020-01-01T00:00:00.000000000Z';
  const label = (container: string) => ({ 'io.sdocker.managed': 'true', 'io.sdocker.link.target': 'db', 'io.sdocker.link.container': container });
  const engine = new FakeEngine({
    networks: {
      'sdocker-link-db-gone': { managed: true, labels: label('gone'), created: old, containers: ['db'] },
      'sdocker-link-db-moved': { managed: true, labels: label('moved'), created: old, containers: [] },
      'sdocker-link-db-app': { managed: true, labels: label('app'), created: old, containers: ['db', 'app'] },
      'sdocker-link-db-young': { managed: true, labels: label('young'), created: new Date().toISOString(), containers: ['db'] },
      'theirs': { managed: false, labels: { 'io.sdocker.link.container': 'gone' }, created: old, containers: [] },
    },
    containers: { app: { name: 'app', networks: ['sdocker-link-db-app'] }, moved: { name: 'moved', networks: ['elsewhere'] } },
  });
  t.deepEqual(await clearStale(engine, Date.now()), ['sdocker-link-db-gone', 'sdocker-link-db-moved']);
  t.deepEqual(engine.events, ['disconnect sdocker-link-db-gone db', 'remove sdocker-link-db-gone', 'remove sdocker-link-db-moved']);
});
