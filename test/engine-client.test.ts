// Choosing the engine endpoint as the docker CLI does, and reading the engine's HTTP replies.
import test from 'ava';
import { chooseEngine } from '../src/engine/choose.js';
import { parseReply } from '../src/engine/http10.js';
import { parseInvocation } from '../src/docker/invocation.js';
import { hasAppArmor } from '../src/engine/engine.js';

function engineFor(argv: string[], env: NodeJS.ProcessEnv): { endpoint: string; socketPath: string | undefined } {
  const inv = parseInvocation(argv);
  if (inv.kind !== 'container') throw new Error('not a run');
  return chooseEngine(inv.globals, { HOME: '/nonexistent', ...env }, 'docker');
}

test('the default socket, DOCKER_HOST unix, and the CLI for everything else', (t) => {
  t.is(engineFor(['run', 'img'], {}).socketPath, '/var/run/docker.sock');
  t.is(engineFor(['run', 'img'], { DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }).socketPath, '/run/user/1000/docker.sock');
  t.is(engineFor(['run', 'img'], { DOCKER_HOST: 'tcp://10.0.0.1:2376' }).socketPath, undefined);
  t.is(engineFor(['run', 'img'], { DOCKER_CONTEXT: 'remote' }).socketPath, undefined);
  t.is(engineFor(['run', 'img'], { DOCKER_CONTEXT: 'default' }).socketPath, '/var/run/docker.sock');
  const viaFlag = engineFor(['-H', 'ssh://me@box', 'run', 'img'], {});
  t.is(viaFlag.socketPath, undefined);
  t.is(viaFlag.endpoint, 'docker -H ssh://me@box');
  t.is(engineFor(['--context=prod', 'run', 'img'], {}).socketPath, undefined);
  t.is(engineFor(['--debug', 'run', 'img'], {}).socketPath, '/var/run/docker.sock', '--debug does not change the endpoint');
});

test('HTTP/1.0 replies: status and body, chunked or not', (t) => {
  t.deepEqual(parseReply(Buffer.from('HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{"a":1}')), { status: 200, body: '{"a":1}' });
  t.deepEqual(parseReply(Buffer.from('HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{"me\r\n9\r\nssage":1}\r\n0\r\n\r\n')), { status: 404, body: '{"message":1}' });
  t.throws(() => parseReply(Buffer.from('garbage')), { message: /malformed HTTP reply/ });
  t.throws(() => parseReply(Buffer.from('SMTP 220\r\n\r\n')), { message: /malformed HTTP status line/ });
});

test('AppArmor is read from docker info SecurityOptions', (t) => {
  t.true(hasAppArmor(['name=apparmor', 'name=seccomp,profile=default']));
  t.true(hasAppArmor(['apparmor', 'seccomp']), 'the pre-1.26 API form');
  t.false(hasAppArmor(['name=seccomp,profile=default']));
  t.false(hasAppArmor(null));
});
