// The shell-init functions, run in real bash, zsh and fish: only run/create/exec/compose/stack (and
// anything starting with a global flag) reach sdocker; every other command goes straight to docker.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shellInit, SHELLS } from '../src/completion/shell.js';
import { CLI } from './helpers/cli.js';
import { runCompose } from './helpers/compose.js';

/** A PATH with stand-in `docker` and `sdocker` that print their name and arguments. */
function standIns(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-shell-'));
  for (const name of ['docker', 'sdocker']) {
    const file = join(dir, name);
    // SDOCKER_COMPOSE, when set, is said first: the docker-compose function sets it for sdocker.
    writeFileSync(file, `#!/bin/sh\necho \${SDOCKER_COMPOSE:+SDOCKER_COMPOSE=$SDOCKER_COMPOSE }${name} "$@"\n`);
    chmodSync(file, 0o755);
  }
  return dir;
}

const ROUTES: [string, string][] = [
  ['ps -a', 'docker ps -a'],
  ['run --rm img ls', 'sdocker run --rm img ls'],
  ['create img', 'sdocker create img'],
  ['exec -it c sh', 'sdocker exec -it c sh'],
  ['container ls', 'docker container ls'],
  ['container run img', 'sdocker container run img'],
  ['-H unix:///x ps', 'sdocker -H unix:///x ps'],
  ['logs -f run', 'docker logs -f run'],
  ['compose up -d', 'sdocker compose up -d'],
  ['stack deploy -c a.yml s', 'sdocker stack deploy -c a.yml s'],
  ['stack ls', 'sdocker stack ls'],
  ['container stack ls', 'docker container stack ls'],
  ['--context default stack up -c a.yml s', 'sdocker --context default stack up -c a.yml s'],
  ['service ls', 'docker service ls'],
  ['', 'docker'],
];

/** docker-compose (v1) goes whole to sdocker compose, which is told to run docker-compose itself. */
const COMPOSE_ROUTES: [string, string][] = [
  ['-f a.yml -p x up -d', 'SDOCKER_COMPOSE=docker-compose sdocker compose -f a.yml -p x up -d'],
  ['ps', 'SDOCKER_COMPOSE=docker-compose sdocker compose ps'],
  ['', 'SDOCKER_COMPOSE=docker-compose sdocker compose'],
];

for (const shell of SHELLS) {
  test(`${shell}: the function routes only the hardened subcommands`, (t) => {
    const bin = standIns();
    const init = join(bin, `init.${shell}`);
    writeFileSync(init, shellInit(shell));
    const lines = [...ROUTES.map(([args]) => `docker ${args}`), ...COMPOSE_ROUTES.map(([args]) => `docker-compose ${args}`), 'docker ps'].join('\n');
    const script = shell === 'fish' ? `source ${init}\n${lines}\n` : `. ${init}\n${lines}\n`;
    const result = spawnSync(shell, ['-c', script], { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin`, HOME: bin } });
    t.is(result.status, 0, result.stderr);
    // The last `docker ps`: the docker-compose function leaves SDOCKER_COMPOSE unset behind it.
    t.deepEqual(result.stdout.trimEnd().split('\n'), [...ROUTES, ...COMPOSE_ROUTES, ['', 'docker ps']].map(([, expected]) => expected));
  });
}

test('SDOCKER_COMPOSE=docker-compose (the docker-compose function) runs docker-compose even where the plugin answers', (t) => {
  const plain = runCompose(['compose', 'config', '--services'], { plugin: true });
  t.is(plain.code, 0, plain.stderr);
  t.deepEqual([...new Set(plain.calls.map((call) => call.role))], ['docker'], 'the plugin, as before');
  const v1 = runCompose(['compose', 'config', '--services'], { plugin: true, env: { SDOCKER_COMPOSE: 'docker-compose' } });
  t.is(v1.code, 0, v1.stderr);
  t.deepEqual([...new Set(v1.calls.map((call) => call.role))], ['docker-compose']);
  const wrong = runCompose(['compose', 'config'], { env: { SDOCKER_COMPOSE: 'podman-compose' } });
  t.is(wrong.code, 2);
  t.regex(wrong.stderr, /^sdocker: SDOCKER_COMPOSE names the compose to run: 'docker-compose' or unset/);
});

for (const shell of SHELLS) {
  test(`${shell}: docker-compose through the function reaches the real sdocker compose and docker-compose`, (t) => {
    const bin = mkdtempSync(join(tmpdir(), 'sdocker-shell-real-'));
    symlinkSync(CLI, join(bin, 'sdocker'));
    const init = join(bin, `init.${shell}`);
    writeFileSync(init, shellInit(shell));
    writeFileSync(join(bin, 'compose.yaml'), 'services:\n  web:\n    image: sdocker-test/busybox:1\n');
    // config prints the hardened model: the user sdocker injects shows that sdocker ran it.
    const line = `docker-compose -f ${join(bin, 'compose.yaml')} config`;
    const script = shell === 'fish' ? `source ${init}\n${line}\n` : `. ${init}\n${line}\n`;
    const result = spawnSync(shell, ['-c', script], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env['PATH'] ?? ''}` } });
    t.is(result.status, 0, result.stderr);
    t.regex(result.stdout, /user: 65534:65534/);
    t.regex(result.stdout, /read_only: true/);
  });
}
