// A --rm container is removed by the engine as it exits, so its diagnosis reads what was kept
// while it ran (its inspect right after create, its output from the attach, its exit code from
// the `die` event) and the image's files from a stand-in: a container created from the same
// image id, never started, with no network, labelled, and removed at once afterwards.
import { Containers, type ContainerInfo } from '../engine/containers.js';
import type { TarEntry } from '../engine/tar.js';
import type { DiagnoseSource } from '../diagnose/explain.js';

export interface Kept {
  readonly info: ContainerInfo;
  readonly exitCode: number;
  readonly lines: readonly string[];
}

/** A DiagnoseSource for a container that is gone; call `remove` when done (the stand-in, if one was made). */
export function goneSource(kept: Kept, docker: string, globals: readonly string[]): DiagnoseSource & { remove(): Promise<void> } {
  const containers = new Containers(docker, globals);
  let standIn: Promise<string | undefined> | undefined;
  const made = (): Promise<string | undefined> => {
    standIn ??= containers.createStandIn(kept.info.imageId || kept.info.image, [], kept.info.name);
    return standIn;
  };
  const files = async (_ref: string, path: string, bytes?: number): Promise<TarEntry[] | undefined> => {
    const id = await made();
    return id === undefined ? undefined : containers.files(id, path, bytes);
  };
  return {
    inspect: async () => ({ ...kept.info, running: false, restarting: false, exitCode: kept.exitCode }),
    logs: async () => [...kept.lines],
    files,
    readFile: async (_ref, path) => {
      const id = await made();
      return id === undefined ? undefined : containers.readFile(id, path);
    },
    remove: async () => {
      const id = await standIn;
      if (id !== undefined) await containers.remove(id);
    },
  };
}
