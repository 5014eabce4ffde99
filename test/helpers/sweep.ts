// Everything one test run left on the engine, found by what makes an object that run's (see
// run-id.ts): the label io.sdocker.test=RUN, or the run's id in its name, its compose project
// or its stack. Nothing else is ever listed for removal: other runs on the same engine, and the
// user's own objects, carry neither.
import { spawnSync } from 'node:child_process';
import { TEST_LABEL } from './run-id.js';

type Kind = 'service' | 'container' | 'network' | 'volume' | 'image';

interface Listed {
  readonly ref: string;
  readonly name: string;
  readonly labels: string;
}

// The CLI's list formats: one object a line, its id or removable reference, name and labels.
const LISTS: Readonly<Record<Kind, { readonly list: string[]; readonly remove: string[] }>> = {
  service: { list: ['service', 'ls', '--format', '{{.ID}}\t{{.Name}}\t'], remove: ['service', 'rm'] },
  container: { list: ['ps', '-a', '--format', '{{.ID}}\t{{.Names}}\t{{.Labels}}'], remove: ['rm', '-f', '-v'] },
  network: { list: ['network', 'ls', '--format', '{{.ID}}\t{{.Name}}\t{{.Labels}}'], remove: ['network', 'rm'] },
  volume: { list: ['volume', 'ls', '--format', '{{.Name}}\t{{.Name}}\t{{.Labels}}'], remove: ['volume', 'rm', '-f'] },
  // By tag, never by id: an id may carry another run's tag too.
  image: { list: ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}\t{{.Repository}}:{{.Tag}}\t'], remove: ['rmi', '-f'] },
};

function list(kind: Kind): Listed[] {
  const result = spawnSync('docker', LISTS[kind].list, { encoding: 'utf8' });
  if (result.status !== 0) return [];
  return result.stdout.split('\n').filter(Boolean).map((line) => {
    const [ref = '', name = '', labels = ''] = line.split('\t');
    return { ref, name, labels };
  });
}

/** Labelled with this run's id, or named, projected or stacked under it. */
function isRuns(item: Listed, runId: string): boolean {
  if (item.name.includes(runId)) return true;
  return item.labels.split(',').some((pair) => {
    const [key = '', value = ''] = pair.split('=');
    if (key === TEST_LABEL) return value === runId;
    return (key === 'com.docker.compose.project' || key === 'com.docker.stack.namespace') && value.includes(runId);
  });
}

/** Images carrying the run's label (built by a test without a run-named tag). */
function labelledImages(runId: string): Listed[] {
  const result = spawnSync('docker', ['image', 'ls', '--filter', `label=${TEST_LABEL}=${runId}`, '--format', '{{.Repository}}:{{.Tag}}\t{{.ID}}'], { encoding: 'utf8' });
  return result.stdout.split('\n').filter(Boolean).map((line) => {
    const [tag = '', id = ''] = line.split('\t');
    // An untagged image is removed by id: its only name.
    return { ref: tag.includes('<none>') ? id : tag, name: runId, labels: '' };
  });
}

function swarmActive(): boolean {
  return spawnSync('docker', ['info', '--format', '{{.Swarm.LocalNodeState}}'], { encoding: 'utf8' }).stdout.trim() === 'active';
}

/** Removes what run `runId` left on the engine; returns what it removed, by kind. */
export function sweepRun(runId: string): Partial<Record<Kind, string[]>> {
  const removed: Partial<Record<Kind, string[]>> = {};
  const kinds: Kind[] = [...(swarmActive() ? (['service'] as const) : []), 'container', 'network', 'volume', 'image'];
  for (const kind of kinds) {
    const found = [...list(kind).filter((item) => isRuns(item, runId)), ...(kind === 'image' ? labelledImages(runId) : [])];
    const refs = [...new Set(found.map((item) => item.ref))];
    if (refs.length === 0) continue;
    spawnSync('docker', [...LISTS[kind].remove, ...refs], { stdio: 'ignore' });
    removed[kind] = [...new Set(found.map((item) => (kind === 'container' || kind === 'network' ? item.name : item.ref)))];
  }
  return removed;
}
