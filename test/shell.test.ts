// The shell-init functions, run in real bash, zsh and fish: only run/create/exec/compose/stack (and
// anything starting with a global flag) reach sdocker; every other command goes straight to docker.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shellInit, SHELLS } from '../src/completion/shell.js';

/** A PATH with stand-in `docker` and `sdocker` that print their name and arguments. */
function standIns(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-shell-'));
  for (const name of ['docker', 'sdocker']) {
    const file = join(dir, name);
    writeFileSync(file, `#!/bin/sh\necho ${name} "$@"\n`);
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

for (const shell of SHELLS) {
  test(`${shell}: the function routes only the hardened subcommands`, (t) => {
    const bin = standIns();
    const init = join(bin, `init.${shell}`);
    writeFileSync(init, shellInit(shell));
    const lines = ROUTES.map(([args]) => `docker ${args}`).join('\n');
    const script = shell === 'fish' ? `source ${init}\n${lines}\n` : `. ${init}\n${lines}\n`;
    const result = spawnSync(shell, ['-c', script], { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin`, HOME: bin } });
    t.is(result.status, 0, result.stderr);
    t.deepEqual(result.stdout.trimEnd().split('\n'), ROUTES.map(([, expected]) => expected));
  });
}
