// Which container a `docker run` made, exactly: docker's own --cidfile. The docker CLI creates
// the file before it asks the engine to create the container and writes the id into it as soon
// as the engine answers, before it attaches and starts (cli/command/container/create.go
// newCIDFile, run.go). sdocker adds --cidfile in a private folder of its own (or reads the user's
// own --cidfile): a client-side option, nothing of the container changes. Matching the engine's
// events by image would take another container of the same image made at the same moment
// (measured on the shared engine: a parallel test's container was taken).
import { mkdtempSync, readFileSync, rmSync, watch, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface CidFile {
  /** The file docker writes (ours, or the user's). */
  readonly path: string;
  /** Words to add before the image: none when the user gave --cidfile. */
  readonly words: readonly string[];
  /** The id once docker has written it; undefined when `stop` came first. */
  readonly id: Promise<string | undefined>;
  /** Stop watching, and remove sdocker's own folder. */
  stop(): void;
}

export function cidFile(given: string | undefined): CidFile {
  const own = given === undefined ? mkdtempSync(join(tmpdir(), 'sdocker-cid-')) : undefined;
  const path = given ?? join(own as string, 'cid');
  let found: (id: string | undefined) => void = () => undefined;
  const id = new Promise<string | undefined>((resolve) => (found = resolve));
  const read = (): void => {
    try {
      const text = readFileSync(path, 'utf8').trim();
      if (/^[0-9a-f]{64}$/.test(text)) found(text);
    } catch {
      // Not written yet.
    }
  };
  let watcher: FSWatcher | undefined;
  try {
    // inotify on the folder: the create and the write both wake us.
    watcher = watch(dirname(path), read);
  } catch {
    watcher = undefined;
  }
  // And a look every 20 ms, should the watcher miss one (or not be available).
  const timer = setInterval(read, 20);
  timer.unref();
  return {
    path,
    words: own === undefined ? [] : ['--cidfile', path],
    id,
    stop: () => {
      watcher?.close();
      clearInterval(timer);
      found(undefined);
      if (own !== undefined) rmSync(own, { recursive: true, force: true });
    },
  };
}
