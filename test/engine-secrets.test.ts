// imageConfigSecretChecks on an image the real engine built: ENV and labels as `docker image
// inspect` returns them, history as the engine records it (build arguments as `|1 K=V`, ENV
// steps as `#(nop)  ENV`, for the moby builder this engine runs), secrets masked.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { imageConfigSecretChecks } from '../src/audit/secrets.js';
import type { ImageSnapshot, RawImage } from '../src/audit/types.js';
import { docker, engineSuite, IMAGE } from './helpers/engine.js';
import { fakeGithubToken, leaks } from './helpers/secrets.js';
import { seeded } from './helpers/seed.js';

const { named, cleanup } = engineSuite(test, 'sdtest-secrets');

function build(tag: string, dockerfile: string, args: readonly string[]): void {
  const built = spawnSync('docker', ['build', '-q', '-t', tag, ...args, '-'], {
    input: dockerfile, encoding: 'utf8', env: { ...process.env, DOCKER_BUILDKIT: '0' },
  });
  if (built.status !== 0) throw new Error(`docker build failed: ${built.stderr.trim()}`);
  cleanup(() => spawnSync('docker', ['rmi', '-f', tag], { stdio: 'ignore' }));
}

function snapshot(tag: string): ImageSnapshot {
  const raw = (JSON.parse(docker('image', 'inspect', tag)) as RawImage[])[0]!;
  const steps = docker('history', '--no-trunc', '--format', '{{.CreatedBy}}', tag).split('\n');
  return { ref: tag, raw, history: steps.map((CreatedBy, i) => ({ Id: '<missing>', Created: -i, CreatedBy, Size: 0, Comment: '' })) };
}

test('a token in ENV, a secret-named build argument and label: found, located, masked; the base image is clean', async (t) => {
  const token = fakeGithubToken(seeded(t));
  const tag = `${named()}:1`;
  build(tag, [
    `FROM ${IMAGE}`,
    'ARG DEPLOY_PASSWORD',
    `ENV GH_TOKEN=${token} APP_VERSION=1.0`,
    'LABEL com.example.api-key=k3y-v4lue-0123456789',
    'RUN true',
  ].join('\n'), ['--build-arg', 'DEPLOY_PASSWORD=hunter2hunter2']);
  const findings = await imageConfigSecretChecks(snapshot(tag));
  const summary = findings.map((f) => `${f.result} ${f.evidence.replace(/…\(\d+ chars\)$/, '…')}`);
  const steps = snapshot(tag).history.length;
  t.deepEqual(summary, [
    'warn Config.Env GH_TOKEN=ghp_…',
    'warn Config.Labels com.example.api-key=k3y-…',
    `warn history step ${steps - 3} CreatedBy: github/GITHUB_TOKEN ghp_…`,
    `info history step ${steps - 1} CreatedBy: secret-like name DEPLOY_PASSWORD=…`,
  ]);
  t.false(leaks(findings, token) || leaks(findings, 'hunter2hunter2') || leaks(findings, '0123456789'));
  const base = await imageConfigSecretChecks(snapshot(IMAGE));
  t.deepEqual(base.map((f) => f.result), ['pass']);
});
