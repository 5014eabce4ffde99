// `sdocker stack deploy` on a real single-node swarm, through the built CLI: its tasks' containers
// inspect hardened where plain `docker stack deploy` of the same file gives docker's defaults; a
// refused file deploys nothing; docker's global flags before `stack`, `-c -` and relative paths
// keep their meaning; other stack subcommands are docker's. Judged by docker inspect.
import ava from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, runCli } from './helpers/cli.js';
import { IMAGE, docker, uniqueName } from './helpers/engine.js';
import { enterSwarm, leaveSwarm, swarmTest } from './helpers/swarm.js';

const test = swarmTest(ava);

const stacks: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'sdocker-swarm-stack-'));

function stackName(): string {
  const name = uniqueName('sdst').replace('-', '');
  stacks.push(name);
  return name;
}

const PLAIN = `version: "3.8"\nservices:\n  app:\n    image: ${IMAGE}\n    command: ["sleep", "600"]\n`;
writeFileSync(join(dir, 'plain.yml'), PLAIN);
writeFileSync(join(dir, 'refused.yml'), `${PLAIN}    cap_add: [SYS_ADMIN]\n`);
mkdirSync(join(dir, 'app', 'data'), { recursive: true });
writeFileSync(join(dir, 'app', 'app.env'), 'FROM_FILE=$NOT_A_VAR\n');
writeFileSync(join(dir, 'app', 'stack.yml'), `${PLAIN}    env_file: app.env\n    environment:\n      LITERAL: "$$HOME stays"\n    volumes: ["./data:/data:ro"]\n`);

test.before(async () => enterSwarm());

test.after.always(async () => {
  try {
    for (const name of stacks) spawnSync('docker', ['stack', 'rm', name], { stdio: 'ignore' });
    // stack rm returns before the tasks are gone, and a network whose endpoints were still going
    // stays behind (measured: "has active endpoints"): wait for the containers, then remove what is left.
    await until(() => stacks.every((name) => listed(['ps', '-aq'], name)), "the stacks' containers to go");
    await until(() => stacks.every((name) => removeAll(['network'], name)), "the stacks' networks to go");
    await until(() => stacks.every((name) => removeAll(['volume'], name)), "the stacks' volumes to go");
  } finally {
    leaveSwarm();
  }
});

/** Removes the stack's networks or volumes; true once there are none. */
function removeAll(kind: string[], stack: string): boolean {
  const left = docker(...kind, 'ls', '-q', '--filter', `label=com.docker.stack.namespace=${stack}`);
  if (left !== '') spawnSync('docker', [...kind, 'rm', ...left.split('\n')], { stdio: 'ignore' });
  return left === '';
}

/** Nothing of the stack left in this listing. */
function listed(command: string[], stack: string): boolean {
  return docker(...command, '--filter', `label=com.docker.stack.namespace=${stack}`) === '';
}

async function until(ready: () => boolean, what: string, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 500));
  }
}

interface TaskInspect {
  Config: { User: string; Env: string[] };
  HostConfig: { CapDrop: string[] | null; CapAdd: string[] | null; ReadonlyRootfs: boolean; Memory: number };
  Mounts: { Source: string; Destination: string; RW: boolean }[];
}

/** The running task container of the stack's one service. */
async function task(stack: string): Promise<TaskInspect> {
  let id = '';
  await until(() => (id = docker('ps', '-q', '--filter', `label=com.docker.stack.namespace=${stack}`, '--filter', 'status=running')) !== '', `a running task of ${stack}`);
  return (JSON.parse(docker('inspect', id)) as TaskInspect[])[0] as TaskInspect;
}

function assertHardened(t: import('ava').ExecutionContext, c: TaskInspect): void {
  t.deepEqual(c.HostConfig.CapDrop, ['ALL']);
  t.true(c.HostConfig.ReadonlyRootfs);
  t.not(c.Config.User, '');
  t.false(/^0*(:|$)|^root/.test(c.Config.User), c.Config.User);
  t.true(c.HostConfig.Memory > 0);
}

test.serial('sdocker stack deploy gives hardened tasks; docker stack deploy of the same file does not', async (t) => {
  const [hardened, plain] = [stackName(), stackName()];
  const result = await runCli(['stack', 'deploy', '-c', join(dir, 'plain.yml'), hardened]);
  t.is(result.code, 0, result.stderr);
  t.is(spawnSync('docker', ['stack', 'deploy', '-c', join(dir, 'plain.yml'), plain], { stdio: 'ignore' }).status, 0);
  assertHardened(t, await task(hardened));
  const bare = await task(plain);
  t.falsy(bare.HostConfig.CapDrop);
  t.false(bare.HostConfig.ReadonlyRootfs);
  t.is(bare.Config.User, '');
  t.is(bare.HostConfig.Memory, 0);
});

test.serial('a refused file deploys nothing (exit 125); --sd-allow lifts that refusal', async (t) => {
  const [refused, allowed] = [stackName(), stackName()];
  const result = await runCli(['stack', 'deploy', '-c', join(dir, 'refused.yml'), refused]);
  t.is(result.code, 125);
  t.regex(result.stderr, /refusing cap_add: SYS_ADMIN/);
  t.false(docker('stack', 'ls', '--format', '{{.Name}}').split('\n').includes(refused));
  t.is(docker('service', 'ls', '-q', '--filter', `label=com.docker.stack.namespace=${refused}`), '');
  const lifted = await runCli(['stack', '--sd-allow', 'dangerous-cap:SYS_ADMIN', 'deploy', '-c', join(dir, 'refused.yml'), allowed]);
  t.is(lifted.code, 0, lifted.stderr);
  t.deepEqual((await task(allowed)).HostConfig.CapAdd, ['CAP_SYS_ADMIN']);
});

test.serial('docker --context default stack up, and a model from stdin, are hardened too', async (t) => {
  const [context, stdin] = [stackName(), stackName()];
  const viaContext = await runCli(['--context', 'default', 'stack', 'up', '-c', join(dir, 'plain.yml'), context]);
  t.is(viaContext.code, 0, viaContext.stderr);
  assertHardened(t, await task(context));
  const viaStdin = await runCli(['stack', 'deploy', '-c', '-', stdin], {}, PLAIN);
  t.is(viaStdin.code, 0, viaStdin.stderr);
  assertHardened(t, await task(stdin));
});

test.serial("relative paths, env_file and $$ keep the file's meaning from another folder", async (t) => {
  const name = stackName();
  const result = spawnSync(CLI, ['stack', 'deploy', '-c', 'app/stack.yml', name], { cwd: dir, encoding: 'utf8' });
  t.is(result.status, 0, result.stderr);
  const c = await task(name);
  assertHardened(t, c);
  t.true(c.Config.Env.includes('LITERAL=$HOME stays'), c.Config.Env.join(' '));
  t.true(c.Config.Env.includes('FROM_FILE=$NOT_A_VAR'), c.Config.Env.join(' '));
  t.like(c.Mounts.find((m) => m.Destination === '/data'), { Source: join(dir, 'app', 'data'), RW: false });
});

test.serial('stack ls and stack rm are docker\'s own', async (t) => {
  const name = stacks[0] as string;
  const ls = await runCli(['stack', 'ls', '--format', '{{.Name}}']);
  t.is(ls.code, 0, ls.stderr);
  t.true(ls.stdout.split('\n').includes(name));
  const rm = await runCli(['stack', 'rm', name]);
  t.is(rm.code, 0, rm.stderr);
  await until(() => listed(['service', 'ls', '-q'], name), `${name}'s services to go`);
  t.false((await runCli(['stack', 'ls', '--format', '{{.Name}}'])).stdout.split('\n').includes(name), 'docker removed the stack');
});
