// The swarm phase itself: a single-node swarm starts on this engine, marked as the tests', and is
// left afterwards.
import ava from 'ava';
import { docker } from './helpers/engine.js';
import { enterSwarm, leaveSwarm, SWARM_LABEL, swarmTest } from './helpers/swarm.js';

const test = swarmTest(ava);

test.before(async () => enterSwarm());
test.after.always(() => leaveSwarm());

test('a single-node swarm is active for the swarm tests, marked as theirs on its node', (t) => {
  t.is(docker('info', '--format', '{{.Swarm.LocalNodeState}}'), 'active');
  t.not(docker('node', 'inspect', 'self', '--format', `{{index .Spec.Labels "${SWARM_LABEL}"}}`), '');
});
