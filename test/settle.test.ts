// The settle window's pure parts: when a look at a container says it came up, failed, or is
// still to be watched; the window's own words; the fix in run flags and in compose keys; the
// compose argument steps around a volume's preparation; the engine's streams cut into pieces.
import test from 'ava';
import { renderFix, type Grant } from '../src/diagnose/fixes.js';
import { composeService, learnCommand } from '../src/diagnose/learn-command.js';
import { folderTar, readTar } from '../src/engine/tar.js';
import { demultiplex, jsonLines } from '../src/engine/stream.js';
import { judge, type Look } from '../src/settle/state.js';
import { settleWindow } from '../src/settle/window.js';
import { createStep, startStep } from '../src/volumes/compose.js';

const SINCE = 1_000_000;
const WINDOW = 3000;

function at(overrides: Partial<Look>): Look {
  return { status: 'running', restarting: false, exitCode: 0, oomKilled: false, restartCount: 0, startedAt: SINCE + 100, createdAt: SINCE + 50, finishedAt: Number.NaN, health: undefined, ...overrides };
}

const CASES: [string, Partial<Look>, Partial<Look>, number, string][] = [
  ['just started, running', {}, {}, SINCE + 500, 'waiting'],
  ['ran the whole window', {}, {}, SINCE + 100 + WINDOW, 'settled: ran through the window'],
  ['restarting after exit 1', {}, { status: 'restarting', restarting: true, exitCode: 1, restartCount: 1 }, SINCE + 400, 'failed: restarting: exited with code 1, restarted 1 time'],
  ['restarted and running again (caught between two looks)', {}, { exitCode: 1, restartCount: 2, startedAt: SINCE + 900 }, SINCE + 1000, 'failed: running: exited with code 1, restarted 2 times'],
  ['exited 1, no restart policy', {}, { status: 'exited', exitCode: 1, finishedAt: SINCE + 300 }, SINCE + 400, 'failed: exited with code 1'],
  ['killed for memory', {}, { status: 'exited', exitCode: 137, oomKilled: true }, SINCE + 400, 'failed: exited with code 137 (out of memory)'],
  ['a job that ended with 0', {}, { status: 'exited', exitCode: 0, finishedAt: SINCE + 300 }, SINCE + 400, 'settled: exited 0'],
  ['restart: always after exit 0 is no failure', {}, { status: 'restarting', restarting: true, exitCode: 0, restartCount: 1 }, SINCE + 400, 'waiting'],
  ['healthy before the window ends', {}, { health: 'healthy' }, SINCE + 600, 'settled: healthy'],
  ['unhealthy', {}, { health: 'unhealthy' }, SINCE + 600, 'failed: its healthcheck reports unhealthy'],
  ['health still starting: the window decides', {}, { health: 'starting' }, SINCE + 600, 'waiting'],
  // compose up of one service leaves another, stopped long ago, as it was.
  ['stopped before, not started now', { status: 'exited', exitCode: 1, createdAt: SINCE - 1e6, startedAt: SINCE - 9e5, finishedAt: SINCE - 8e5 }, { status: 'exited', exitCode: 1, createdAt: SINCE - 1e6, startedAt: SINCE - 9e5, finishedAt: SINCE - 8e5 }, SINCE + 100, 'settled: not started by this command'],
  ['up before, restarts after a crash now', { createdAt: SINCE - 1e6, startedAt: SINCE - 9e5, restartCount: 4 }, { createdAt: SINCE - 1e6, startedAt: SINCE + 900, restartCount: 5, exitCode: 2 }, SINCE + 1000, 'failed: running: exited with code 2, restarted 5 times'],
  ['up before, with old restarts, still running', { createdAt: SINCE - 1e6, startedAt: SINCE - 9e5, restartCount: 4, exitCode: 1 }, { createdAt: SINCE - 1e6, startedAt: SINCE - 9e5, restartCount: 4, exitCode: 1 }, SINCE + 100, 'settled: ran through the window'],
];

for (const [what, first, now, when, expected] of CASES) {
  test(`judge: ${what}`, (t) => {
    const verdict = judge(at(now), at({ ...now, ...first }), when, WINDOW, SINCE);
    t.is(verdict.kind === 'waiting' ? 'waiting' : `${verdict.kind}: ${verdict.why}`, expected);
  });
}

test('the window: the option, then SDOCKER_SETTLE, then 3 s; 0 is off; a bad value names the fix', (t) => {
  t.deepEqual(settleWindow(undefined, {}), { ms: 3000, forced: false });
  t.deepEqual(settleWindow(undefined, { SDOCKER_SETTLE: '0' }), { ms: 0, forced: false });
  t.deepEqual(settleWindow(undefined, { SDOCKER_SETTLE: '1.5' }), { ms: 1500, forced: false });
  t.deepEqual(settleWindow('10s', { SDOCKER_SETTLE: '0' }), { ms: 10_000, forced: true }, 'the command line wins');
  t.deepEqual(settleWindow(undefined, { SDOCKER_SETTLE: '' }), { ms: 3000, forced: false });
  for (const bad of ['-1', 'soon', '601', '1e3', '']) {
    t.throws(() => settleWindow(bad, {}), { message: new RegExp(`^sdocker: --sd-settle takes seconds .*not '${bad}'$`) });
  }
});

const GRANTS: [Grant, string, string][] = [
  [{ kind: 'tmpfs', path: '/var/lib/nginx', owner: 'uid=33,gid=33', profileKey: true }, '--tmpfs /var/lib/nginx:uid=33,gid=33 (image profile: tmpfs.paths)', 'tmpfs: ["/var/lib/nginx:uid=33,gid=33"]'],
  [{ kind: 'user', user: '101:104', account: undefined }, '--user 101:104 (image profile: user)', 'user: "101:104"'],
  [{ kind: 'user', user: '105:108', account: 'mosquitto' }, '--user 105:108 (mosquitto)', 'user: "105:108" (mosquitto)'],
  [{ kind: 'cap-add', caps: ['CHOWN', 'SETUID'] }, '--cap-add CHOWN --cap-add SETUID', 'cap_add: [CHOWN, SETUID]'],
  [
    { kind: 'volume-owner', volume: 'data', target: '/srv/data', owner: '65534:65534', image: 'img:1' },
    'give the volume data (at /srv/data) to 65534:65534 once: docker run --rm --user 0 --cap-add CHOWN -v data:/v --entrypoint chown img:1 -R 65534:65534 /v; or remove the volume and let sdocker run create it anew (a new volume is given to the run user)',
    "give the volume data (at /srv/data) to 65534:65534 once: docker run --rm --user 0 --cap-add CHOWN -v data:/v --entrypoint chown img:1 -R 65534:65534 /v; or remove it and let sdocker compose up create it anew (a new volume in volumes: is given to the service's user)",
  ],
  [{ kind: 'seccomp' }, 'a seccomp profile that allows the call (--security-opt seccomp=FILE)', 'security_opt: ["seccomp:FILE"] with a profile that allows the call'],
];

for (const [grant, run, compose] of GRANTS) {
  test(`a grant in run flags and in compose keys: ${run}`, (t) => {
    t.is(renderFix(grant, 'run'), run);
    t.is(renderFix(grant, 'compose'), compose);
  });
}

test("a compose container's service and files: sdocker's label, compose's unless it names sdocker's private copy", (t) => {
  t.is(composeService({}), undefined);
  t.deepEqual(composeService({ 'com.docker.compose.service': 'web', 'io.sdocker.compose.files': '/p/a.yml,/p/b.yml', 'com.docker.compose.project.config_files': '/tmp/sdocker-compose-x1/compose.hardened.yml' }), { name: 'web', files: ['/p/a.yml', '/p/b.yml'] });
  t.deepEqual(composeService({ 'com.docker.compose.service': 'web', 'com.docker.compose.project.config_files': '/tmp/sdocker-compose-x1/compose.hardened.yml' }), { name: 'web', files: [] });
  t.deepEqual(composeService({ 'com.docker.compose.service': 'web', 'com.docker.compose.project.config_files': '/p/compose.yaml' }), { name: 'web', files: ['/p/compose.yaml'] });
  // docker-compose 1.29 names a file it found by itself relative to the project's working folder.
  t.deepEqual(composeService({ 'com.docker.compose.service': 'web', 'com.docker.compose.project.config_files': 'compose.yaml,/q/o.yml', 'com.docker.compose.project.working_dir': '/p' }), { name: 'web', files: ['/p/compose.yaml', '/q/o.yml'] });
  t.is(learnCommand('localhost/sdlearn/nginx:1', undefined), 'sdocker learn localhost/sdlearn/nginx:1');
  t.is(learnCommand('x', { name: 'web', files: ['/p/a.yml', '/q/b c.yml'] }, '/p'), "sdocker harden --learn --write ./a.yml '/q/b c.yml'");
  t.is(learnCommand('x', { name: 'web', files: [] }, '/p'), 'sdocker harden --learn --write FILE');
});

test("compose up around a volume's preparation: created first without -d, then started without recreating", (t) => {
  t.deepEqual(createStep(['-d', '--build', 'web']), ['--no-start', '--build', 'web']);
  t.deepEqual(createStep(['-dV', '--exit-code-from', 'web', '--abort-on-container-exit']), ['--no-start', '-V']);
  t.deepEqual(createStep(['--detach=true', '--no-start']), ['--no-start']);
  t.deepEqual(startStep(['-d', '--build', '--force-recreate', 'web']), ['-d', 'web', '--no-recreate']);
  t.deepEqual(startStep(['-dV', '--scale', 'web=2']), ['-d', '--scale', 'web=2', '--no-recreate']);
});

test('one folder entry: its name, owner and mode as the engine will apply them', (t) => {
  const [entry, ...rest] = readTar(folderTar('nginx', 0o2750, 101, 104, new Date(1_700_000_000_000)));
  t.like(entry, { type: 'dir', uid: 101, gid: 104, mode: 0o2750 });
  t.deepEqual(rest, []);
});

test("the engine's streams: JSON lines across pieces, and docker's stdout/stderr frames", (t) => {
  const events: unknown[] = [];
  const feed = jsonLines((value) => events.push(value));
  feed(Buffer.from('{"Action":"create"}\n{"Act'));
  feed(Buffer.from('ion":"die"}\nnot json\n'));
  t.deepEqual(events, [{ Action: 'create' }, { Action: 'die' }]);
  const out: string[] = [];
  const frame = (stream: number, text: string): Buffer => Buffer.concat([Buffer.from([stream, 0, 0, 0]), Buffer.from([0, 0, 0, text.length]), Buffer.from(text)]);
  const frames = Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n')]);
  const split = demultiplex(false, (bytes) => out.push(bytes.toString()));
  split(frames.subarray(0, 5));
  split(frames.subarray(5, 13));
  split(frames.subarray(13));
  t.deepEqual(out, ['out\n', 'err\n']);
  const raw: string[] = [];
  demultiplex(true, (bytes) => raw.push(bytes.toString()))(Buffer.from('as is'));
  t.deepEqual(raw, ['as is']);
});
