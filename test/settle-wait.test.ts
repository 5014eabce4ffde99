// The settle window's loop over a scripted engine: what it concludes when the engine lists a
// container it cannot yet answer for, does not answer at all, or has removed one it saw end.
import test from 'ava';
import type { RawInspect } from '../src/engine/containers.js';
import type { Inspector } from '../src/settle/inspector.js';
import { settle, type SettleRequest } from '../src/settle/wait.js';

const SINCE = Date.now();
const ID = 'c0ffee';

function exited(code: number): RawInspect {
  const iso = (ms: number): string => new Date(ms).toISOString();
  return {
    Name: '/p_app_1',
    Created: iso(SINCE + 10),
    State: { Status: 'exited', Running: false, Restarting: false, ExitCode: code, OOMKilled: false, StartedAt: iso(SINCE + 20), FinishedAt: iso(SINCE + 30) },
    Config: { Image: 'app' },
    HostConfig: {},
  };
}

/** An inspector whose answers are given in order, the last one repeated; an Error is thrown. */
function scripted(answers: readonly (RawInspect | undefined | Error)[]): Inspector & { asked: number } {
  const inspector = {
    socketPath: undefined,
    pollMs: 1,
    asked: 0,
    inspect: async (): Promise<RawInspect | undefined> => {
      const answer = answers[Math.min(inspector.asked, answers.length - 1)];
      inspector.asked += 1;
      if (answer instanceof Error) throw answer;
      return answer;
    },
    list: async (): Promise<string[]> => [ID],
  };
  return inspector;
}

function request(inspector: Inspector, extra: Partial<SettleRequest> = {}): SettleRequest {
  return { inspector, refs: async () => [ID], windowMs: 3000, since: SINCE, ...extra };
}

test('a listed container the engine does not know yet (still being created) is asked again, not taken for one that ended with 0', async (t) => {
  const inspector = scripted([undefined, undefined, exited(1)]);
  const [result] = await settle(request(inspector));
  t.is(inspector.asked, 3);
  t.deepEqual(result?.verdict, { kind: 'failed', why: 'exited with code 1' });
  t.false(result?.gone);
});

test('an engine that does not answer (a busy socket) is asked again: its silence is no verdict', async (t) => {
  const inspector = scripted([new Error('sdocker: cannot reach the Docker engine at unix:///var/run/docker.sock (EAGAIN); is dockerd running?'), exited(1)]);
  const [result] = await settle(request(inspector));
  t.is(inspector.asked, 2);
  t.deepEqual(result?.verdict, { kind: 'failed', why: 'exited with code 1' });
  t.is(result?.unread, undefined);
});

test('an engine that never answers: the wait still ends with the window (and its grace), the container open, with why it could not be read', async (t) => {
  const inspector = scripted([new Error('sdocker: cannot reach the Docker engine at unix:///var/run/docker.sock (EAGAIN); is dockerd running?')]);
  const [result] = await settle(request(inspector, { windowMs: 10 }));
  t.true(inspector.asked > 1);
  t.is(result?.verdict.kind, 'waiting');
  t.is(result?.unread, 'cannot reach the Docker engine at unix:///var/run/docker.sock (EAGAIN); is dockerd running?');
});

test('one read before and then gone (removed) is judged by what the caller knows of its end', async (t) => {
  const running = { ...exited(0), State: { ...exited(0).State, Status: 'running', Running: true } };
  const inspector = scripted([running, undefined]);
  const [result] = await settle(request(inspector, { gone: () => ({ kind: 'failed', why: 'exited with code 3 and was removed (--rm)' }) }));
  t.deepEqual(result?.verdict, { kind: 'failed', why: 'exited with code 3 and was removed (--rm)' });
  t.true(result?.gone);
});

test('a --rm run removed before its first look: the caller who knows it ended judges it', async (t) => {
  const inspector = scripted([undefined]);
  const [result] = await settle(request(inspector, { gone: () => ({ kind: 'settled', why: 'exited 0' }) }));
  t.is(inspector.asked, 1);
  t.deepEqual(result?.verdict, { kind: 'settled', why: 'exited 0' });
});
