// Which files and values `sdocker harden` reads when none is named, as docker-compose 1.29 reads
// them: each case is also given to `docker-compose config`, the oracle, to show compose reads
// what sdocker judged (a setting sdocker refuses is in compose's model; one it lets through is not).
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runMain } from './helpers/fakes.js';

const IMG = '    image: sdocker-test/busybox:1\n';
const ALLOW_ALL = JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW' });

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-files-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

async function check(dir: string, args: string[] = [], cwd = dir) {
  return runMain(['harden', '--check', ...args], { cwd, env: { HOME: '/nonexistent-home', XDG_CONFIG_HOME: '/nonexistent-home/.config' } });
}

/** docker-compose 1.29's own model of the project, as `config` prints it (it reads .env and the default files itself). */
function composeConfig(cwd: string): string {
  const result = spawnSync('docker-compose', ['config'], { cwd, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
  return `${result.stdout}${result.stderr}`;
}

test('COMPOSE_FILE set in .env names the files, as compose reads it there', async (t) => {
  const dir = project({ '.env': 'COMPOSE_FILE=base.yml:extra.yml\n', 'base.yml': `services:\n  a:\n${IMG}`, 'extra.yml': 'services:\n  a:\n    privileged: true\n' });
  const result = await check(dir);
  t.is(result.code, 1);
  t.regex(result.stdout, /^extra\.yml:3:17: error privileged \[a\]/m);
  t.regex(composeConfig(dir), /privileged: true/);
});

for (const override of ['compose.override.yaml', 'docker-compose.override.yaml', 'compose.override.yml']) {
  test(`${override} beside docker-compose.yml is read by compose and judged`, async (t) => {
    const dir = project({ 'docker-compose.yml': `services:\n  a:\n${IMG}`, [override]: 'services:\n  a:\n    cap_add: [SYS_ADMIN]\n' });
    const result = await check(dir);
    t.is(result.code, 1);
    t.regex(result.stdout, new RegExp(`^${override.replace(/\./g, '\\.')}:3:\\d+: error dangerous-cap \\[a\\]`, 'm'));
    t.regex(composeConfig(dir), /SYS_ADMIN/);
  });
}

test('two override files: compose refuses the project, and so does sdocker', async (t) => {
  const dir = project({ 'docker-compose.yml': `services:\n  a:\n${IMG}`, 'compose.override.yml': 'services: {}\n', 'docker-compose.override.yml': 'services: {}\n' });
  const result = await check(dir);
  t.is(result.code, 2);
  t.regex(result.stderr, /are both override files; compose refuses two/);
  t.regex(composeConfig(dir), /multiple override files/i);
});

test('a compose file in a parent folder is found, as compose finds it', async (t) => {
  const dir = project({ 'compose.yaml': `services:\n  a:\n${IMG}    pid: host\n`, 'sub/keep': '' });
  const result = await check(dir, [], join(dir, 'sub'));
  t.is(result.code, 1);
  t.regex(result.stdout, /error host-pid \[a\]/);
});

test('volumes_from declared in an override brings the main file\'s binds: refused', async (t) => {
  const dir = project({ 'docker-compose.yml': `services:\n  donor:\n${IMG}    volumes: ["/etc:/hostetc:ro"]\n  b:\n${IMG}`, 'docker-compose.override.yml': 'services:\n  b:\n    volumes_from: [donor]\n' });
  const result = await check(dir);
  t.is(result.code, 1);
  t.regex(result.stdout, /^docker-compose\.override\.yml:3:\d+: error sensitive-mount \[b\]: refusing .*\/etc/m);
});

test('network_mode: service:X set in an override, X in the main file: judged by X\'s mode (no false refusal)', async (t) => {
  const plain = project({ 'docker-compose.yml': `services:\n  x:\n${IMG}  b:\n${IMG}`, 'docker-compose.override.yml': 'services:\n  b:\n    network_mode: service:x\n' });
  const ok = await check(plain, ['--seccomp', '/x.json']);
  t.notRegex(ok.stdout, /error/);
  t.notRegex(composeConfig(plain), /ERROR/);
  const host = project({ 'docker-compose.yml': `services:\n  x:\n${IMG}    network_mode: host\n  b:\n${IMG}`, 'docker-compose.override.yml': 'services:\n  b:\n    network_mode: service:x\n' });
  const refused = await check(host);
  t.regex(refused.stdout, /^docker-compose\.override\.yml:3:\d+: error host-network \[b\]/m);
});

test('a .env compose reads as PRIV=false is no refusal; one it reads as PRIV=true is', async (t) => {
  const file = `services:\n  a:\n${IMG}    privileged: \${PRIV:-true}\n`;
  const off = project({ 'compose.yaml': file, '.env': "'PRIV'=false\n" });
  t.notRegex((await check(off)).stdout, /error privileged/);
  t.regex(composeConfig(off), /privileged: false/);
  const on = project({ 'compose.yaml': file, '.env': "'PRIV'=\"false\" trailing\n" });
  t.regex((await check(on)).stdout, /error privileged/, 'a line python-dotenv cannot parse sets nothing');
  t.regex(composeConfig(on), /privileged: true/);
});

test('a seccomp path in quotes or holding = is read as compose 1.29 opens it', async (t) => {
  for (const opt of ['seccomp:"./allow.json"', 'seccomp=./allow.json=ignored']) {
    const dir = project({ 'allow.json': ALLOW_ALL, 'compose.yaml': `services:\n  a:\n${IMG}    security_opt: ['${opt}']\n` });
    const result = await check(dir);
    t.regex(result.stdout, /error seccomp-unconfined \[a\]/, opt);
    t.regex(composeConfig(dir), /SCMP_ACT_ALLOW|seccomp/, `compose reads ./allow.json for ${opt}`);
  }
});

test('harden --target swarm reads no .env (docker stack deploy does not); --target compose does', async (t) => {
  const dir = project({ 'compose.yaml': `services:\n  a:\n${IMG}    privileged: \${PRIV:-false}\n`, '.env': 'PRIV=true\n' });
  t.regex((await check(dir)).stdout, /error privileged/);
  t.notRegex((await check(dir, ['--target', 'swarm'])).stdout, /error privileged/);
});
