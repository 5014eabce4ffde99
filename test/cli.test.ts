// sdocker as a process around a stand-in docker: every other command passes through with its
// stdin, stdout, exit code and signals intact.
import test from 'ava';
import { once } from 'node:events';
import { FAKE_DOCKER, finished, runCli, startCli } from './helpers/cli.js';
import { drawBytes, seeded } from './helpers/seed.js';

const env = { SDOCKER_DOCKER: FAKE_DOCKER };

for (const code of [0, 3, 125, 255]) {
  test(`passes exit code ${code} through`, async (t) => {
    t.is((await runCli(['exit', String(code)], env)).code, code);
  });
}

test('passes stdin to stdout byte for byte', async (t) => {
  const input = drawBytes(seeded(t), 256 * 1024);
  const result = await runCli(['cat'], env, input);
  t.is(result.code, 0);
  t.true(result.stdoutBytes.equals(input));
});

for (const [signal, code] of [['SIGKILL', 137], ['SIGTERM', 143], ['SIGINT', 130]] as const) {
  test(`a docker killed by ${signal} exits ${code} (128 + signal)`, async (t) => {
    t.is((await runCli(['kill-self', signal], env)).code, code);
  });
}

for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  test(`${signal} sent to sdocker reaches docker`, async (t) => {
    const child = startCli(['wait-signal'], env);
    const done = finished(child);
    const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
    t.is(chunk.toString(), 'ready\n');
    child.kill(signal);
    const result = await done;
    t.is(result.stdout, `ready\ngot ${signal}\n`);
    t.is(result.code, 40, 'docker\'s own exit code');
  });
}

test('arguments reach docker unchanged', async (t) => {
  const args = ['logs', '-f', '--tail=10', 'my container', '', 'é"\'$x'];
  const result = await runCli(args, env);
  t.is(result.stdout, `${JSON.stringify(args)}\n`);
});

test('a missing docker client is one clear line and exit 127', async (t) => {
  const result = await runCli(['ps'], { SDOCKER_DOCKER: '/nonexistent/docker' });
  t.is(result.code, 127);
  t.regex(result.stderr, /^sdocker: '\/nonexistent\/docker' not found on PATH; install the docker client, or set SDOCKER_DOCKER to its path\n$/);
});

test('--sd-help lists sdocker\'s own commands and options', async (t) => {
  const result = await runCli(['--sd-help'], env);
  t.is(result.code, 0);
  for (const word of ['shell-init', 'rules', 'trust', '--sd-dry-run', '--sd-allow', '--sd-profile']) t.true(result.stdout.includes(word), word);
});

test('shell-init prints a function for each shell that routes only run/create/exec', async (t) => {
  for (const shell of ['bash', 'zsh', 'fish']) {
    const result = await runCli(['shell-init', shell], env);
    t.is(result.code, 0);
    t.regex(result.stdout, /command sdocker/);
    t.regex(result.stdout, /command docker/);
  }
  const bad = await runCli(['shell-init', 'tcsh'], env);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /unknown shell 'tcsh'; use one of bash, zsh, fish/);
});

// nodejs/node#54232: Node reads --env-file anywhere in its own argv, also after the script, and
// exits 9 before any of sdocker's code runs. The bundle's shebang ends Node's options with `--`.
test('no argument of the user reaches Node: --env-file goes to docker and to the container', async (t) => {
  const passed = ['logs', '--env-file=missing.env', 'box'];
  const through = await runCli(passed, env);
  t.is(through.code, 0, through.stderr);
  t.is(through.stdout, `${JSON.stringify(passed)}\n`);
  const dry = await runCli(['run', '--sd-dry-run', '--env-file=missing.env', 'img', 'node', '--env-file=.env', 'app.js'], env);
  t.is(dry.code, 0, dry.stderr);
  t.regex(dry.stdout, / run --env-file=missing\.env .* img node --env-file=\.env app\.js$/m);
});
