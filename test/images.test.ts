// Per-image profiles: matched by image reference in every spelling, merged after the chosen
// profile and before the user's config, and the root-start capabilities only for root.
import test from 'ava';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeImage } from '../src/policy/images.js';
import { loadPolicy } from '../src/policy/load.js';
import { dockerArgv, runMain } from './helpers/fakes.js';

const SPELLINGS: [string, string][] = [
  ['nginx', 'nginx'],
  ['nginx:1.27-alpine', 'nginx'],
  ['library/nginx', 'nginx'],
  ['docker.io/library/nginx:latest', 'nginx'],
  ['docker.io/nginx', 'nginx'],
  ['index.docker.io/library/nginx', 'nginx'],
  ['nginx@sha256:0123456789abcdef', 'nginx'],
  ['nginx:1.27@sha256:0123456789abcdef', 'nginx'],
  ['mirror.gcr.io/library/nginx:1.27', 'nginx'],
  ['registry.local:5000/dockerhub-proxy/library/nginx:1', 'nginx'],
  ['localhost/library/nginx:sdocker-test', 'nginx'],
  ['localhost:5000/nginx', 'nginx'],
  ['NGINX', 'nginx'],
  ['bitnami/nginx', 'bitnami/nginx'],
  ['ghcr.io/acme/nginx:1', 'acme/nginx'],
  ['nginxinc/nginx-unprivileged', 'nginxinc/nginx-unprivileged'],
];

for (const [ref, repository] of SPELLINGS) {
  test(`${ref} names ${repository}`, (t) => t.is(normalizeImage(ref), repository));
}

test('every official image profile matches its image, and only it', async (t) => {
  const expected: [string, string | undefined][] = [
    ['nginx:1.27', 'nginx'], ['redis:7', 'redis'], ['postgres:16', 'postgres'], ['httpd:2.4', 'httpd'],
    ['mariadb:11', 'mariadb'], ['mysql:8', 'mariadb'], ['node:22-slim', 'node'], ['python:3.12', 'python'],
    ['bitnami/redis', undefined], ['alpine', undefined], ['nginx-proxy', undefined],
  ];
  for (const [image, profile] of expected) {
    const loaded = await loadPolicy({ profile: 'default', env: {}, cwd: '/', cliAllow: [], image });
    t.is(loaded.imageProfile?.name, profile, image);
  }
});

test("an image profile sets the image's user, writable paths and nothing for non-root", async (t) => {
  const images = { 'docker.io/library/postgres:16': { user: '', exposedPorts: ['5432/tcp'] } };
  const result = await runMain(['run', '-d', 'docker.io/library/postgres:16'], { images });
  const argv = dockerArgv(result);
  t.true(argv.includes('999:999'));
  t.true(argv.includes('/var/run/postgresql:rw,noexec,nosuid,nodev,size=64m,uid=999,gid=999'));
  t.false(argv.includes('--cap-add'), 'started as 999 the image needs no capability');
});

test('started as root, the image gets what its entrypoint needs (capabilities.asRoot)', async (t) => {
  const images = { 'postgres:16': { user: '', exposedPorts: [] } };
  const argv = dockerArgv(await runMain(['run', '--user', 'root', 'postgres:16'], { images }));
  const caps = argv.flatMap((w, i) => (w === '--cap-add' ? [argv[i + 1]] : []));
  t.deepEqual(caps, ['CHOWN', 'SETUID', 'SETGID', 'DAC_OVERRIDE']);
  t.is(argv[argv.indexOf('--cap-drop') + 1], 'ALL');
});

test('the dry run names the matched profile', async (t) => {
  const result = await runMain(['run', '--sd-dry-run', 'nginx'], { images: { nginx: { user: '', exposedPorts: ['80/tcp'] } } });
  t.regex(result.stdout, /^# image profile: nginx \(.*profiles\/images\/nginx\.yml\)$/m);
  t.regex(result.stdout, /Policy: .*default\.yml <- .*images\/nginx\.yml$/m);
});

test("the user's config is merged after the image profile", async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'sdocker-images-'));
  mkdirSync(join(root, 'sdocker'));
  writeFileSync(join(root, 'sdocker', 'config.yml'), 'user: "4000:4000"\n');
  const loaded = await loadPolicy({ profile: 'default', env: { XDG_CONFIG_HOME: root }, cwd: '/', cliAllow: [], image: 'redis' });
  t.is(loaded.policy.user, '4000:4000');
  t.deepEqual(loaded.policy.capabilities.asRoot, ['CHOWN', 'SETUID', 'SETGID']);
});

test("'images' in a config file is an error naming the file", async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'sdocker-images-'));
  mkdirSync(join(root, 'sdocker'));
  writeFileSync(join(root, 'sdocker', 'config.yml'), 'images: [nginx]\n');
  const result = await runMain(['run', 'alpine'], { env: { XDG_CONFIG_HOME: root } });
  t.is(result.code, 2);
  t.regex(result.stderr, /config\.yml: 'images' belongs in an image profile/);
});
