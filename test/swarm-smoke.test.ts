// The swarm phase itself: a single-node swarm starts on this engine, and is left afterwards.
import test from 'ava';
import { docker } from './helpers/engine.js';
import { enterSwarm, leaveSwarm } from './helpers/swarm.js';

test.before(async () => enterSwarm());
test.after.always(() => leaveSwarm());

test('a single-node swarm is active for the swarm tests', (t) => {
  t.is(docker('info', '--format', '{{.Swarm.LocalNodeState}}'), 'active');
});
