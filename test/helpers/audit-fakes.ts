// Snapshots made from data, for unit tests of the audit's checks and report: the fields a
// real inspect has, with the defaults docker gives a plain `docker run IMAGE`.
import type { ContainerSnapshot, Finding, ImageSnapshot, RawContainer, RawImage, Snapshot } from '../../src/audit/types.js';

type ContainerPatch = { [K in keyof RawContainer]?: Partial<RawContainer[K]> } & { processes?: ContainerSnapshot['processes'] };

export function fakeContainer(name: string, patch: ContainerPatch = {}): ContainerSnapshot {
  const { processes, ...raw } = patch;
  const base: RawContainer = {
    Id: `${name}-id`.padEnd(64, '0'),
    Name: `/${name}`,
    Image: 'sha256:busybox',
    Path: 'sh',
    Args: [],
    State: { Status: 'exited', Running: false, Pid: 0 },
    AppArmorProfile: '',
    Config: { Hostname: 'abc', User: '', Env: null, Cmd: ['sh'], Entrypoint: null, Image: 'busybox:1', Labels: null, WorkingDir: '' },
    HostConfig: { NetworkMode: 'default', Privileged: false },
    Mounts: [],
    NetworkSettings: { Networks: {} },
  };
  const merged = Object.fromEntries(Object.entries(base).map(([key, value]) => {
    const over = (raw as Record<string, unknown>)[key];
    return [key, over !== undefined && typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value, ...over } : (over ?? value)];
  })) as unknown as RawContainer;
  return { raw: merged, processes };
}

export function fakeImage(ref: string, id = 'sha256:busybox', config: RawImage['Config'] = {}): ImageSnapshot {
  return { ref, raw: { Id: id, RepoTags: [ref], RepoDigests: [], Config: config }, history: [] };
}

export function fakeSnapshot(containers: readonly ContainerSnapshot[] = [], images: readonly ImageSnapshot[] = []): Snapshot {
  return {
    engine: { endpoint: 'unix:///var/run/docker.sock', local: true, info: {}, version: {}, bridgeIcc: 'true' },
    containers,
    images: new Map(images.map((image) => [image.raw.Id, image])),
  };
}

export function finding(name: string, check: string, result: Finding['result'], kind: Finding['target']['kind'] = 'container'): Finding {
  return { target: { kind, name }, check, cis: check === 'running-as-root' ? '4.1' : null, result, message: `${check} is ${result}`, evidence: `Field=${result}` };
}
