// `sdocker stack deploy` without a swarm: the real docker client renders the model (`docker
// stack config` is client-side), a recording runner stands in for the deploy itself. What docker
// would deploy from the temp model is read back with `docker stack config` from another folder:
// it must mean what the user's files mean. The engine test is test/swarm-stack.test.ts.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Deps } from '../src/planner/deps.js';
import { main } from '../src/cli/main.js';
import { portableModel } from '../src/stack/model.js';

interface Deployed {
  code: number;
  stderr: string;
  runs: { args: readonly string[]; model: string | undefined }[];
}

/** main() with a runner that records docker's argv and the -c file's content at that moment. */
async function sdocker(argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Deployed> {
  const out: Deployed = { code: -1, stderr: '', runs: [] };
  const deps: Deps = {
    env: { PATH: process.env['PATH'], HOME: '/nonexistent-home', XDG_CONFIG_HOME: '/nonexistent-home/.config', ...env },
    cwd,
    stdout: () => undefined,
    stderr: (text) => (out.stderr += text),
    docker: 'docker',
    run: async (_file, args) => {
      const c = args.indexOf('-c');
      out.runs.push({ args, model: c === -1 ? undefined : readFileSync(args[c + 1] as string, 'utf8') });
      return 0;
    },
    onInterrupt: () => () => undefined,
    engineFor: async () => {
      throw new Error('not asked');
    },
  };
  out.code = await main(argv, deps);
  return out;
}

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-stack-test-'));
  mkdirSync(join(dir, 'app'));
  writeFileSync(join(dir, 'app', 'web.env'), 'FROM_FILE=$NOT_A_VAR\n');
  writeFileSync(join(dir, 'app', 'secret.txt'), 's\n');
  writeFileSync(
    join(dir, 'app', 'stack.yml'),
    `version: "3.8"
services:
  web:
    image: sdocker-test/busybox:1
    environment:
      LITERAL: "$$HOME stays"
      FROM_ENV: \${STACK_TEST_VALUE}
    env_file: web.env
    volumes:
      - ./data:/data:ro
    secrets: [s]
secrets:
  s:
    file: ./secret.txt
`,
  );
  writeFileSync(join(dir, 'refused.yml'), 'version: "3.8"\nservices:\n  bad:\n    image: sdocker-test/busybox:1\n    cap_add: [SYS_ADMIN]\n');
  return dir;
}

function stackConfig(file: string, cwd: string): string {
  const result = spawnSync('docker', ['stack', 'config', '-c', file], { cwd, encoding: 'utf8', env: { ...process.env, STACK_TEST_VALUE: 'v' } });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout;
}

test('the temp model means, read from another folder, what the files mean', async (t) => {
  const dir = project();
  const original = stackConfig('app/stack.yml', dir);
  const moved = mkdtempSync(join(tmpdir(), 'sdocker-stack-moved-'));
  writeFileSync(join(moved, 'model.yml'), await portableModel(original, join(dir, 'app', 'stack.yml'), join(dir, 'app')));
  const reread = stackConfig('model.yml', moved);
  // Only env_file differs: absolute now, as docker read it from the first file's folder.
  t.is(reread, original.replace('- web.env', `- ${join(dir, 'app', 'web.env')}`));
  t.regex(reread, /LITERAL: \$HOME stays/);
  t.regex(reread, /FROM_FILE: \$NOT_A_VAR/);
  t.regex(reread, new RegExp(`source: ${join(dir, 'app', 'data')}`));
});

test('deploy: docker gets the hardened model in place of the files, the other words as written', async (t) => {
  const dir = project();
  // docker stack config interpolates from the process's environment (sdocker's own, in real use).
  process.env['STACK_TEST_VALUE'] = 'v';
  const result = await sdocker(['--context', 'default', 'stack', 'up', '--prune', '-c', 'app/stack.yml', 'st', '-q'], dir);
  t.is(result.code, 0, result.stderr);
  t.is(result.runs.length, 1);
  const run = result.runs[0];
  t.deepEqual(run?.args.filter((w) => !w.endsWith('stack.hardened.yml')), ['--context', 'default', 'stack', 'up', '-c', '--prune', 'st', '-q']);
  t.regex(run?.model ?? '', /cap_drop:\n\s+- ALL/);
  t.regex(run?.model ?? '', /read_only: true/);
  t.regex(run?.model ?? '', /LITERAL: \$\$HOME stays/);
  t.regex(run?.model ?? '', /FROM_ENV: v/);
});

test('a global --help that docker overrides (--help=0 after it) deploys: the model is rendered without it, and hardened', async (t) => {
  const dir = project();
  process.env['STACK_TEST_VALUE'] = 'v';
  const result = await sdocker(['--help', 'stack', 'deploy', '--help=0', '-c', 'app/stack.yml', 'st'], dir);
  t.is(result.code, 0, result.stderr);
  t.is(result.runs.length, 1);
  t.is(result.runs[0]?.args[0], '--help', 'docker gets the words as written');
  t.regex(result.runs[0]?.model ?? '', /cap_drop:\n\s+- ALL/);
});

test('a refused model deploys nothing (exit 125); --sd-allow lifts it, x-sdocker of an untrusted file does not', async (t) => {
  const dir = project();
  const refused = await sdocker(['stack', 'deploy', '-c', 'refused.yml', 'st'], dir);
  t.is(refused.code, 125);
  t.deepEqual(refused.runs, []);
  t.regex(refused.stderr, /service bad: refusing cap_add: SYS_ADMIN: .*or sdocker stack deploy --sd-allow dangerous-cap:SYS_ADMIN \.\.\.$/m);
  const allowed = await sdocker(['stack', '--sd-allow', 'dangerous-cap:SYS_ADMIN', 'deploy', '-c', 'refused.yml', 'st'], dir);
  t.is(allowed.code, 0, allowed.stderr);
  t.regex(allowed.runs[0]?.model ?? '', /SYS_ADMIN/);
  writeFileSync(join(dir, 'allows.yml'), 'version: "3.8"\nservices:\n  bad:\n    image: sdocker-test/busybox:1\n    cap_add: [SYS_ADMIN]\n    x-sdocker: {allow: [dangerous-cap]}\n');
  const untrusted = await sdocker(['stack', 'deploy', '-c', 'allows.yml', 'st'], dir);
  t.is(untrusted.code, 125);
  t.regex(untrusted.stderr, /x-sdocker allow lists ignored: not trusted yet; review the files, then run 'sdocker trust \.\/allows\.yml'/);
});

test('help, no file, or no single STACK: docker answers without the files, so nothing unhardened is deployed', async (t) => {
  const dir = project();
  for (const argv of [['stack', 'deploy', '--help', '-c', 'refused.yml', 'st'], ['stack', 'deploy', '-c', 'refused.yml'], ['stack', 'deploy', 'st'], ['stack', 'deploy', '-c', 'refused.yml', 'a', 'b']]) {
    const result = await sdocker(argv, dir);
    t.is(result.runs.length, 1, argv.join(' '));
    t.false(result.runs[0]?.args.includes('refused.yml'), argv.join(' '));
  }
});

test('other stack subcommands reach docker untouched', async (t) => {
  for (const argv of [['stack', 'ls'], ['stack', 'rm', 'st'], ['--context', 'default', 'stack', 'ps', 'st']]) {
    const result = await sdocker(argv, '/');
    t.deepEqual(result.runs.map((run) => run.args), [argv]);
  }
});

test('docker stack config fails: its error, its exit code, nothing deployed', async (t) => {
  const result = await sdocker(['stack', 'deploy', '-c', 'missing.yml', 'st'], project());
  t.not(result.code, 0);
  t.regex(result.stderr, /missing\.yml/);
  t.deepEqual(result.runs, []);
});
