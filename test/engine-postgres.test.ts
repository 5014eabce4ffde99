// The postgres profile's capabilities.asRoot, measured on the engine. The test image's
// entrypoint does as root what the official one does (test/images/postgres): chmod PGDATA and
// the socket folder, chown to postgres what it does not own (find must read PGDATA, postgres'
// and 0700), switch to postgres. Started as root through `sdocker run` with the profile's
// grants, postgres answers on a new volume and again on the same volume once initialised; with
// any one grant dropped, the second start fails at the step that grant is for.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicy } from '../src/policy/load.js';
import { runCli } from './helpers/cli.js';
import { docker, engineSuite, inspect, uniqueName } from './helpers/engine.js';
import { eventually } from './helpers/probes.js';

const IMAGE = 'localhost/library/postgres:sdocker-test';
/** initdb and the first start take a few seconds idle, far more on a busy machine; a refused step ends the container at once. */
const START_S = 120;

// The volumes go after the containers that use them (engineSuite's cleanup, also on a timeout).
const { named, cleanup } = engineSuite(test, 'sdtest-pg');
const volumes: string[] = [];
cleanup(() => {
  if (volumes.length > 0) spawnSync('docker', ['volume', 'rm', '-f', ...volumes], { stdio: 'ignore' });
});

/** An empty config folder: the bundled profile applies, not the machine's own config. */
const bundled = { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'sdocker-pg-')) };
const profile = (await loadPolicy({ profile: 'default', env: bundled, cwd: '/', cliAllow: [], image: IMAGE })).policy;
const GRANTS = profile.capabilities.asRoot;

/** A config folder whose own postgres image profile (looked up before sdocker's) grants `caps` as root. */
function grantingOnly(caps: readonly string[]): NodeJS.ProcessEnv {
  const config = mkdtempSync(join(tmpdir(), 'sdocker-pg-'));
  mkdirSync(join(config, 'sdocker', 'images'), { recursive: true });
  const layer = { images: ['postgres'], user: profile.user, capabilities: { asRoot: caps }, tmpfs: { paths: profile.tmpfs.paths } };
  writeFileSync(join(config, 'sdocker', 'images', 'postgres.yml'), JSON.stringify(layer));
  return { XDG_CONFIG_HOME: config };
}

function newVolume(): string {
  const volume = uniqueName('sdtest-pgdata');
  volumes.push(volume);
  return volume;
}

type Outcome = { ready: true } | { ready: false; code: number; log: string };

/** Start postgres as root on `volume` through sdocker; ready once pg_isready answers, or how it stopped first. */
async function start(t: import('ava').ExecutionContext, env: NodeJS.ProcessEnv, volume: string): Promise<{ container: string; outcome: Outcome }> {
  const container = named();
  const args = ['run', '-d', '--restart', 'no', '--name', container, '--user', '0', '-e', 'POSTGRES_PASSWORD=sdocker', '-v', `${volume}:/var/lib/postgresql/data`, IMAGE];
  const result = await runCli(args, env);
  t.is(result.code, 0, result.stderr);
  const outcome = await eventually<Outcome>(`postgres in ${container}`, async () => {
    const [running = '', code = ''] = docker('inspect', '-f', '{{.State.Running}} {{.State.ExitCode}}', container).split(' ');
    if (running === 'false') return { ready: false, code: Number(code), log: spawnSync('docker', ['logs', container], { encoding: 'utf8' }).stderr };
    const ready = spawnSync('docker', ['exec', container, 'pg_isready', '-q', '-h', '/var/run/postgresql'], { stdio: 'ignore' });
    if (ready.status !== 0) throw new Error(`pg_isready exited ${ready.status}`);
    return { ready: true };
  }, START_S);
  return { container, outcome };
}

function psql(container: string, sql: string): string {
  return docker('exec', container, 'psql', '-h', '/var/run/postgresql', '-U', 'postgres', '-tAc', sql);
}

function stop(container: string): void {
  // SIGINT (the image's STOPSIGNAL): postgres shuts down cleanly, as between two real starts.
  docker('stop', '-t', '30', container);
}

test.serial('as root with the profile\'s grants, postgres initialises a new volume and starts again on it', async (t) => {
  t.timeout(3 * START_S * 1000);
  t.deepEqual([...GRANTS].sort(), ['CHOWN', 'DAC_OVERRIDE', 'SETGID', 'SETUID'], 'the grants this file measures');
  const volume = newVolume();
  const first = await start(t, bundled, volume);
  t.deepEqual(first.outcome, { ready: true });
  const host = inspect(first.container).HostConfig;
  t.deepEqual(host.CapDrop, ['ALL']);
  t.deepEqual(host.CapAdd?.map((cap) => cap.replace(/^CAP_/, '')).sort(), [...GRANTS].sort());
  t.is(inspect(first.container).Config.User, '0');
  psql(first.container, 'CREATE TABLE proof AS SELECT 42 AS answer');
  // The entrypoint left root behind: every process is postgres.
  t.deepEqual([...new Set(docker('top', first.container, '-eo', 'pid,uid').split('\n').slice(1).map((row) => row.trim().split(/\s+/)[1]))], ['999']);
  stop(first.container);

  const second = await start(t, bundled, volume);
  t.deepEqual(second.outcome, { ready: true });
  // The same cluster, in a PGDATA that postgres owns with mode 0700: what root's find had to read.
  t.is(psql(second.container, 'SELECT answer FROM proof'), '42');
  t.is(docker('exec', second.container, 'stat', '-c', '%U %a', '/var/lib/postgresql/data'), 'postgres 700');
});

/** What the entrypoint says when the step a grant is for is refused (find, chown, setpriv). */
const FAILS_WITHOUT: Readonly<Record<string, RegExp>> = {
  DAC_OVERRIDE: /find: '\/var\/lib\/postgresql\/data': Permission denied/,
  CHOWN: /chown: changing ownership of '\/var\/run\/postgresql': Operation not permitted/,
  SETUID: /setresuid failed: Operation not permitted/,
  SETGID: /setresgid failed: Operation not permitted/,
};

test.serial('each grant is needed: without it the second start on an initialised volume fails', async (t) => {
  t.timeout((GRANTS.length + 2) * START_S * 1000);
  const volume = newVolume();
  const first = await start(t, bundled, volume);
  t.deepEqual(first.outcome, { ready: true }, 'the volume is initialised with every grant');
  stop(first.container);
  for (const cap of GRANTS) {
    const { outcome } = await start(t, grantingOnly(GRANTS.filter((c) => c !== cap)), volume);
    t.false(outcome.ready, `postgres started without ${cap}`);
    if (outcome.ready) continue;
    t.not(outcome.code, 0, `without ${cap}`);
    t.regex(outcome.log, FAILS_WITHOUT[cap] ?? /(?!)/, `without ${cap}`);
  }
  // The same volume still starts with all of them: the failures were the missing grant's.
  const again = await start(t, grantingOnly(GRANTS), volume);
  t.deepEqual(again.outcome, { ready: true });
});
