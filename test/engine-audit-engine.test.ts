// The engine checks on this machine's live engine (local, rootful, no userns, icc on for the
// default bridge, no daemon.json): the snapshot is read here with the docker CLI (the real
// snapshot reader is snapshot.ts), the host files by the real gatherer; docker and stat are the oracle.
import test from 'ava';
import { statSync } from 'node:fs';
import { engineChecks } from '../src/audit/checks/engine.js';
import { daemonFix } from '../src/audit/fix/daemon.js';
import { gatherHostFiles } from '../src/audit/host-files.js';
import type { EngineSnapshot } from '../src/audit/types.js';
import { byCis, warned2 } from './helpers/audit-engine.js';
import { docker, engineProblem } from './helpers/engine.js';

function liveEngine(): EngineSnapshot {
  const info = JSON.parse(docker('system', 'info', '--format', '{{json .}}')) as Record<string, unknown>;
  const version = JSON.parse(docker('version', '--format', '{{json .Server}}')) as Record<string, unknown>;
  const icc = docker('network', 'inspect', 'bridge', '--format', '{{index .Options "com.docker.network.bridge.enable_icc"}}');
  const e: EngineSnapshot = { endpoint: 'unix:///var/run/docker.sock', local: true, info, version, bridgeIcc: icc };
  const hostFiles = gatherHostFiles(e);
  return hostFiles ? { ...e, hostFiles } : e;
}

/** A swarm makes live-restore n/a (moby refuses both): the engine may be in one (a user's, or a swarm test's of another run). */
function inSwarm(e: EngineSnapshot): boolean {
  return (e.info['Swarm'] as { LocalNodeState?: string } | undefined)?.LocalNodeState === 'active';
}

test('the live engine: icc and userns warn, the socket passes, as docker and stat say', (t) => {
  const problem = engineProblem();
  if (problem) return t.fail(problem);
  const e = liveEngine();
  const f = engineChecks({ engine: e, containers: [], images: new Map() });
  // The oracle for each expectation is read live, so the test says what differs if the host changes.
  t.is(e.bridgeIcc, 'true');
  t.is(byCis(f, '2.2').result, 'warn');
  t.is(byCis(f, '2.1').result, 'info');
  t.is(byCis(f, '2.9').result, 'warn');
  t.is(byCis(f, '2.15').result, inSwarm(e) ? 'n/a' : (e.info['LiveRestoreEnabled'] === true) ? 'pass' : 'warn');
  t.is(byCis(f, '2.17').result, 'pass');
  t.deepEqual(e.hostFiles?.dockerdArgs?.map((a) => a.replace(/^.*\//, '')), ['dockerd']);
  t.is(e.hostFiles?.daemonJson.text, null);
  t.deepEqual(warned2(f), ['2.2', '2.9', '2.12', '2.13', '2.14', ...(inSwarm(e) ? [] : ['2.15']), '2.16']);
  const sock = statSync('/var/run/docker.sock');
  t.is(byCis(f, '3.16').result, (sock.mode & 0o117) === 0 ? 'pass' : 'warn');
  t.is(byCis(f, '3.15').evidence, `/var/run/docker.sock uid=${sock.uid} gid=${sock.gid}`);
  t.is(byCis(f, '3.17').result, 'n/a');
});

test('the live engine: the fix adds icc false and friends to an empty daemon.json', (t) => {
  const problem = engineProblem();
  if (problem) return t.fail(problem);
  const e = liveEngine();
  const fix = daemonFix(engineChecks({ engine: e, containers: [], images: new Map() }), e);
  t.deepEqual(fix.daemonJson, { icc: false, 'no-new-privileges': true, ...(inSwarm(e) ? {} : { 'live-restore': true }), 'userland-proxy': false });
  t.true(fix.suggestions.some((s) => s.key === 'userns-remap'));
});
