// Snapshots read with the docker CLI for tests of the audit room: `docker inspect` prints the
// Engine API's own objects, so they are the snapshot shapes (src/audit/types.ts).
import type { ContainerSnapshot, EngineSnapshot, ImageSnapshot, RawContainer, RawImage } from '../../src/audit/types.js';
import { socketHostFacts } from '../../src/planner/facts.js';
import type { HostFacts } from '../../src/policy/context.js';
import { docker } from './engine.js';

export function readContainer(name: string): { container: ContainerSnapshot; image: ImageSnapshot } {
  const raw = (JSON.parse(docker('inspect', name)) as RawContainer[])[0] as RawContainer;
  const image = (JSON.parse(docker('image', 'inspect', raw.Image)) as RawImage[])[0] as RawImage;
  return { container: { raw, processes: undefined }, image: { ref: raw.Config.Image, raw: image, history: [] } };
}

export function readEngine(): EngineSnapshot {
  const info = JSON.parse(docker('info', '--format', '{{json .}}')) as Record<string, unknown>;
  return { endpoint: 'unix:///var/run/docker.sock', local: true, info, version: {}, bridgeIcc: undefined };
}

/** The local engine's host, as facts.ts answers for a socket engine. */
export function localHost(socket = '/var/run/docker.sock'): HostFacts {
  return socketHostFacts(socket);
}
