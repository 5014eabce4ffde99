// Watching the container a `docker run` makes, from before it exists: docker's --cidfile names
// it as soon as it is created (cidfile.ts), and with --rm its output is read by attaching to it
// at once, before docker starts it (docker run itself creates, attaches, then starts:
// cli/command/container/run.go). An attach does not depend on the log driver and still holds
// the output when the engine removes the container on exit. The engine's events (since just
// before docker started) say how it ended. The user's arguments are not touched: --rm stays the
// engine's, so a killed sdocker leaves nothing behind.
import { containerInfo, type ContainerInfo } from '../engine/containers.js';
import { demultiplex, jsonLines, openStream, type Stream } from '../engine/stream.js';
import type { CidFile } from './cidfile.js';
import type { Inspector } from './inspector.js';

export interface RunMatch {
  /** Read its output (a --rm container is gone before `docker logs` could). */
  readonly attach: boolean;
  readonly tty: boolean;
}

interface Event {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

/** The last 64 KiB of what the container wrote: enough for its error, bounded for a chatty one. */
const TAIL_BYTES = 64 * 1024;

export class RunWatch {
  private id: string | undefined;
  private raw: ContainerInfo | undefined;
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private trimmed = false;
  private events: Stream | { close(): void; ended: Promise<void> } | undefined;
  private attached: Stream | undefined;
  /** Exit codes of the containers that died since the watch began, by id (the engine's `die` events). */
  private readonly died = new Map<string, number>();
  /** The container's id once docker created it (and it was inspected); undefined when the watch stopped first. */
  readonly found: Promise<string | undefined>;

  constructor(
    private readonly inspector: Inspector,
    private readonly match: RunMatch,
    private readonly cid: CidFile,
  ) {
    this.found = cid.id.then(async (id) => (id === undefined ? undefined : this.onCreated(id)));
  }

  get container(): string | undefined {
    return this.id;
  }

  /** Words docker needs for the watch (its --cidfile), before the image. */
  get cidWords(): readonly string[] {
    return this.cid.words;
  }

  /** Its exit code, from the engine's `die` event. */
  get exitCode(): number | undefined {
    return this.id === undefined ? undefined : this.died.get(this.id);
  }

  /** What inspect said of it right after it was created. */
  get info(): ContainerInfo | undefined {
    return this.raw;
  }

  start(events: (onEvent: (event: unknown) => void) => Stream | { close(): void; ended: Promise<void> }): void {
    this.events = events((value) => this.onEvent(value as Event));
  }

  /** Its output lines (a line cut by the 64 KiB bound is left out). */
  lines(): string[] {
    const lines = Buffer.concat(this.chunks).toString('utf8').split(/\r?\n/);
    return (this.trimmed ? lines.slice(1) : lines).filter((line) => line.trim() !== '');
  }

  /** Wait until its output has ended (it stopped) or `ms` passed. */
  async outputEnded(ms: number): Promise<void> {
    if (this.attached === undefined) return;
    await Promise.race([this.attached.ended, new Promise((done) => setTimeout(done, ms).unref())]);
  }

  stop(): void {
    this.events?.close();
    this.attached?.close();
    this.cid.stop();
  }

  private onEvent(event: Event): void {
    const id = event.Actor?.ID ?? '';
    if (event.Type !== 'container' || event.Action !== 'die' || id === '') return;
    this.died.set(id, Number(event.Actor?.Attributes?.['exitCode'] ?? Number.NaN));
    // Others' containers die too on a shared engine: only the latest few are kept.
    if (this.died.size > 256) this.died.delete(this.died.keys().next().value as string);
  }

  /** docker wrote the id: attach at once (before docker starts it), then read what it was made as. */
  private async onCreated(id: string): Promise<string> {
    this.id = id;
    if (this.match.attach && this.inspector.socketPath !== undefined) {
      const path = `/containers/${id}/attach?stream=1&logs=1&stdout=1&stderr=1`;
      this.attached = openStream(this.inspector.socketPath, 'POST', path, demultiplex(this.match.tty, (bytes) => this.keep(bytes)));
    }
    const raw = await this.inspector.inspect(id).catch(() => undefined);
    if (raw !== undefined) this.raw = containerInfo(raw);
    return id;
  }

  private keep(bytes: Buffer): void {
    this.chunks.push(bytes);
    this.size += bytes.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= TAIL_BYTES && this.chunks.length > 1) {
      this.size -= this.chunks.shift()?.length ?? 0;
      this.trimmed = true;
    }
  }
}

/** The engine's container `die` events since `since` (seconds), through its socket or the docker CLI. */
export async function containerEvents(inspector: Inspector, docker: string, globals: readonly string[], since: number): Promise<(onEvent: (event: unknown) => void) => Stream | { close(): void; ended: Promise<void> }> {
  const filters: Record<string, string[]> = { type: ['container'], event: ['die'] };
  const socketPath = inspector.socketPath;
  if (socketPath !== undefined) {
    const query = `since=${since.toFixed(3)}&filters=${encodeURIComponent(JSON.stringify(filters))}`;
    return (onEvent) => openStream(socketPath, 'GET', `/events?${query}`, jsonLines(onEvent));
  }
  const { streamStdout } = await import('../common/exec.js');
  const words = Object.entries(filters).flatMap(([key, values]) => values.flatMap((value) => ['--filter', `${key}=${value}`]));
  return (onEvent) => {
    const child = streamStdout(docker, [...globals, 'events', '--since', since.toFixed(3), ...words, '--format', '{{json .}}']);
    const read = jsonLines(onEvent);
    const ended = (async () => {
      for await (const chunk of child.stdout) read(chunk);
    })().catch(() => undefined);
    return { close: child.stop, ended };
  };
}
