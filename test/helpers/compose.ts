// `sdocker compose` as a user runs it, with fake docker and docker-compose on PATH
// (test/fixtures/fake-compose.ts): what compose was asked to do, and with which environment.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI } from './cli.js';

const FAKE = fileURLToPath(new URL('../fixtures/fake-compose.js', import.meta.url));

export interface ComposeCall {
  readonly role: 'docker' | 'docker-compose';
  readonly argv: readonly string[];
  readonly config: string | null;
}

export interface ComposeRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly calls: readonly ComposeCall[];
  readonly dir: string;
}

export interface FakeCompose {
  /** docker has the compose plugin (v2); otherwise docker-compose answers with `version`. */
  readonly plugin?: boolean;
  readonly version?: string;
  readonly files?: Readonly<Record<string, string>>;
  /** Run again in the folder (and trust store) of an earlier run. */
  readonly dir?: string;
  /** More environment for sdocker. */
  readonly env?: NodeJS.ProcessEnv;
}

export const SERVICE = 'services:\n  svc:\n    image: sdocker-test/busybox:1\n';

export function runCompose(argv: readonly string[], fake: FakeCompose = {}): ComposeRun {
  const dir = fake.dir ?? mkdtempSync(join(tmpdir(), 'sdocker-fake-compose-'));
  for (const [name, text] of Object.entries(fake.files ?? (fake.dir === undefined ? { 'compose.yaml': SERVICE } : {}))) writeFileSync(join(dir, name), text);
  const bin = join(dir, 'bin');
  spawnSync('mkdir', ['-p', bin]);
  for (const role of ['docker', 'docker-compose']) {
    const wrapper = join(bin, role);
    writeFileSync(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${FAKE}" ${role} "$@"\n`);
    chmodSync(wrapper, 0o755);
  }
  const log = join(dir, 'calls.jsonl');
  rmSync(log, { force: true });
  const env = {
    ...process.env,
    PATH: `${bin}:${process.env['PATH'] ?? ''}`,
    SDOCKER_DOCKER: join(bin, 'docker'),
    FAKE_COMPOSE_LOG: log,
    FAKE_COMPOSE_PLUGIN: fake.plugin === true ? '1' : '0',
    FAKE_COMPOSE_VERSION: fake.version ?? '1.29.2',
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_DATA_HOME: join(dir, 'data'),
    ...fake.env,
  };
  const result = spawnSync(process.execPath, [CLI, ...argv], { cwd: dir, env, encoding: 'utf8' });
  const calls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as ComposeCall) : [];
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, calls, dir };
}

/** The call that ran compose's subcommand (the last one), with the private hardened file's path replaced by HARDENED (the labels file beside it by LABELS) and sdocker's judging socket (src/judge/) by unix://JUDGE. */
export function lastCall(run: ComposeRun): readonly string[] {
  // After `up` sdocker lists the project's containers (`docker ps`, the settle window): not compose's call.
  const call = run.calls.filter((c) => c.argv.some((word) => /sdocker-compose-[^/]+\/compose\.hardened\.yml$/.test(word))).at(-1) ?? run.calls.at(-1);
  if (call === undefined) throw new Error(`compose was not run; stderr: ${run.stderr}`);
  return call.argv.map((word) => (/sdocker-compose-[^/]+\/compose\.hardened\.yml$/.test(word) ? 'HARDENED' : /sdocker-compose-[^/]+\/sdocker\.labels\.yml$/.test(word) ? 'LABELS' : /^unix:\/\/.*\/sdocker-engine-[^/]+\/docker\.sock$/.test(word) ? 'unix://JUDGE' : word));
}
