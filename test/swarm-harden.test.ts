// harden --target swarm on a real single-node swarm: the file sdocker writes, deployed with plain
// `docker stack deploy`, runs tasks with a read-only root and a /tmp the run user can write,
// cap-drop ALL, a non-root user, memory/CPU/pids limits and a bounded restart policy; what the
// swarm drops (no-new-privileges) is reported and is indeed dropped. Paired with the compose
// target's file, which a stack refuses, and which without its service-level limits deploys with
// no writable /tmp. The web service is asked from inside its task: ingress and overlay traffic do
// not pass on these machines (DESIGN.md).
import ava from 'ava';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SECCOMP_DIR } from '../src/common/paths.js';
import { docker, uniqueName } from './helpers/engine.js';
import { runCli } from './helpers/cli.js';
import { enterSwarm, leaveSwarm, swarmTest } from './helpers/swarm.js';

const test = swarmTest(ava);

const DIR = mkdtempSync(join(tmpdir(), 'sdocker-swarm-harden-'));
const SOURCE = join(DIR, 'compose.yaml');
const SWARM = uniqueName('sdsw');
const PAIR = uniqueName('sdsw');
writeFileSync(SOURCE, 'services:\n  web:\n    image: sdocker-test/busybox:1\n    command: ["httpd", "-f", "-p", "8080", "-h", "/tmp"]\n');

function run(command: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', cwd: DIR });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const tasks = (stack: string): string[] => docker('ps', '-aq', '--filter', `label=com.docker.stack.namespace=${stack}`).split('\n').filter(Boolean);

async function until<T>(what: string, probe: () => T | undefined, seconds = 90): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds}s waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 250));
  }
}

/** The stack's running task container. */
function runningTask(stack: string): Promise<string> {
  return until(`a running task of ${stack}`, () => docker('ps', '-q', '--filter', `label=com.docker.stack.namespace=${stack}`).split('\n').find(Boolean));
}

async function removeStack(stack: string): Promise<void> {
  run('docker', 'stack', 'rm', stack);
  await until(`${stack}'s containers and networks to go`, () => (tasks(stack).length === 0 && docker('network', 'ls', '-q', '--filter', `label=com.docker.stack.namespace=${stack}`) === '' ? true : undefined));
  // A stack's volumes outlive `docker stack rm`; ours go once no container holds them.
  const volumes = docker('volume', 'ls', '-q', '--filter', `name=${stack}_`).split('\n').filter(Boolean);
  for (const volume of volumes) await until(`volume ${volume} removed`, () => (run('docker', 'volume', 'rm', volume).status === 0 ? true : undefined), 30);
}

test.before(async () => enterSwarm());
test.after.always(async () => {
  for (const stack of [SWARM, PAIR]) await removeStack(stack).catch(() => undefined);
  leaveSwarm();
});

test.serial('a stack deployed from the swarm-hardened file runs hardened, with a /tmp the run user writes', async (t) => {
  const hardened = await runCli(['harden', '--target', 'swarm', SOURCE]);
  t.is(hardened.code, 0, hardened.stderr);
  t.regex(hardened.stderr, /unenforced no-new-privileges \[web\]/);
  writeFileSync(join(DIR, 'swarm.yaml'), hardened.stdout);
  // The seccomp profile the file names, put where harden's notice says (docker-compose reads it below).
  t.regex(hardened.stderr, /names the seccomp profile \.\/\.sdocker\/seccomp\/sdocker-default\.json/);
  mkdirSync(join(DIR, '.sdocker/seccomp'), { recursive: true });
  copyFileSync(join(SECCOMP_DIR, 'sdocker-default.json'), join(DIR, '.sdocker/seccomp/sdocker-default.json'));
  const deploy = run('docker', 'stack', 'deploy', '-c', 'swarm.yaml', SWARM);
  t.is(deploy.status, 0, deploy.stderr);
  const task = await runningTask(SWARM);
  const host = JSON.parse(docker('inspect', '--format', '{{json .HostConfig}}', task)) as Record<string, unknown>;
  t.true(host['ReadonlyRootfs']);
  t.deepEqual(host['CapDrop'], ['ALL']);
  t.is(docker('inspect', '--format', '{{.Config.User}}', task), '65534:65534');
  t.is(host['Memory'], 512 * 1024 * 1024);
  t.is(host['NanoCpus'], 1e9);
  t.is(host['PidsLimit'], 256);
  const policy = JSON.parse(docker('service', 'inspect', '--format', '{{json .Spec.TaskTemplate.RestartPolicy}}', `${SWARM}_web`)) as { Condition: string; MaxAttempts: number };
  t.is(policy.Condition, 'on-failure');
  t.true(policy.MaxAttempts > 0 && policy.MaxAttempts <= 5);
  // Written as the run user (docker exec runs as the service's user), served by the web service.
  t.is(docker('exec', task, 'sh', '-c', 'echo served > /tmp/probe && id -u'), '65534');
  t.is(docker('exec', task, 'wget', '-qO-', 'http://127.0.0.1:8080/probe'), 'served');
  // Reported as unenforced, and indeed not enforced.
  t.regex(docker('exec', task, 'grep', 'NoNewPrivs', '/proc/self/status'), /NoNewPrivs:\s+0/);
});

test.serial('docker-compose 1.29 reads the swarm file but for deploy.resources.limits.pids', (t) => {
  const whole = run('docker-compose', '-f', 'swarm.yaml', 'config', '-q');
  t.not(whole.status, 0);
  t.regex(whole.stderr, /limits value 'pids' does not match/);
  const text = run('cat', 'swarm.yaml').stdout;
  writeFileSync(join(DIR, 'swarm-nopids.yaml'), text.replace(/^\s+pids: \d+\n/m, ''));
  const rest = run('docker-compose', '-f', 'swarm-nopids.yaml', 'config', '-q');
  t.is(rest.status, 0, rest.stderr);
});

test.serial("the compose target's file: refused by a stack, and without its service-level limits it has no writable /tmp", async (t) => {
  const hardened = await runCli(['harden', SOURCE]);
  writeFileSync(join(DIR, 'compose-target.yaml'), hardened.stdout);
  const refused = run('docker', 'stack', 'deploy', '-c', 'compose-target.yaml', PAIR);
  t.not(refused.status, 0);
  t.regex(refused.stderr, /unsupported options:\s+mem_limit: Set resource limits using deploy\.resources/);
  const stripped = hardened.stdout.replace(/^\s+(mem_limit|memswap_limit|cpus|pids_limit): .*\n/gm, '');
  writeFileSync(join(DIR, 'compose-stripped.yaml'), stripped);
  const deploy = run('docker', 'stack', 'deploy', '-c', 'compose-stripped.yaml', PAIR);
  t.is(deploy.status, 0, deploy.stderr);
  const task = await runningTask(PAIR);
  t.true(JSON.parse(docker('inspect', '--format', '{{json .HostConfig.ReadonlyRootfs}}', task)) as boolean);
  // The tmpfs: entry was dropped without a word: /tmp is the read-only image folder.
  t.not(run('docker', 'exec', task, 'sh', '-c', 'echo x > /tmp/probe').status, 0);
});
