// sdocker service create|update on a single-node swarm: the spec the docker client sends is
// judged before the engine stores it (src/judge/spec.ts); a clean one is the engine's as docker's.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { runCli } from './helpers/cli.js';
import { IMAGE, uniqueName } from './helpers/engine.js';
import { enterSwarm, leaveSwarm } from './helpers/swarm.js';

const services: string[] = [];
test.before(enterSwarm);
test.after.always(() => {
  if (services.length > 0) spawnSync('docker', ['service', 'rm', ...services], { stdio: 'ignore' });
  leaveSwarm();
});

test('service create and update: refused specs store nothing; a clean one is created and updated', async (t) => {
  const name = uniqueName('sdjudgesvc');
  services.push(name);
  const refused = await runCli(['service', 'create', '--name', name, '--network', 'host', IMAGE, 'sleep', '60']);
  t.is(refused.code, 125);
  // The client sends the host network's swarm id, which the judge asks the engine about.
  t.regex(refused.stderr, /^sdocker: refusing service --network \S+ \(the host's network\)/m);
  t.not(spawnSync('docker', ['service', 'inspect', name], { stdio: 'ignore' }).status, 0, 'nothing stored');
  const created = await runCli(['service', 'create', '--detach', '--name', name, IMAGE, 'sleep', '60']);
  t.is(created.code, 0, created.stderr);
  const update = await runCli(['service', 'update', '--detach', '--mount-add', 'type=bind,src=/var/run/docker.sock,dst=/s', name]);
  t.is(update.code, 125);
  t.regex(update.stderr, /^sdocker: refusing service --mount type=bind,source=\/var\/run\/docker.sock/m);
  const mounts = spawnSync('docker', ['service', 'inspect', '--format', '{{json .Spec.TaskTemplate.ContainerSpec.Mounts}}', name], { encoding: 'utf8' }).stdout.trim();
  t.is(mounts, 'null', 'the update was not stored');
  const caps = await runCli(['service', 'update', '--detach', '--cap-add', 'SYS_ADMIN', name]);
  t.is(caps.code, 125);
});
