// Watching the container a `docker run` makes, from before it exists: the engine's events (since
// just before docker started) name it when it is created, and with --rm its output is read by
// attaching to it at once, before docker starts it (docker run itself creates, attaches, then
// starts: cli/command/container/run.go). An attach does not depend on the log driver and still
// holds the output when the engine removes the container on exit. The user's arguments are
// not touched: --rm stays the engine's, so a killed sdocker leaves nothing behind.
import { containerInfo, type ContainerInfo } from '../engine/containers.js';
import { demultiplex, jsonLines, openStream, type Stream } from '../engine/stream.js';
import type { Inspector } from './inspector.js';

export interface RunMatch {
  /** --name, when given: the event must carry it. */
  readonly name: string | undefined;
  /** The image as the user wrote it (docker's create event carries it so). */
  readonly image: string;
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
  private exit: number | undefined;
  private raw: ContainerInfo | undefined;
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private trimmed = false;
  private events: Stream | { close(): void; ended: Promise<void> } | undefined;
  private attached: Stream | undefined;
  private foundIt: (id: string | undefined) => void = () => undefined;
  /** The container's id once docker created it; undefined when the watch stopped first. */
  readonly found: Promise<string | undefined> = new Promise((resolve) => (this.foundIt = resolve));

  constructor(
    private readonly inspector: Inspector,
    private readonly match: RunMatch,
  ) {}

  get container(): string | undefined {
    return this.id;
  }

  /** Its exit code, from the engine's `die` event. */
  get exitCode(): number | undefined {
    return this.exit;
  }

  /** What inspect said of it right after it was created. */
  get info(): ContainerInfo | undefined {
    return this.raw;
  }

  start(events: (onEvent: (event: unknown) => void) => Stream | { close(): void; ended: Promise<void> }): void {
    this.events = events((value) => this.onEvent(value as Event));
    void this.events.ended.then(() => this.foundIt(undefined));
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
    this.foundIt(undefined);
  }

  private onEvent(event: Event): void {
    const id = event.Actor?.ID ?? '';
    const attributes = event.Actor?.Attributes ?? {};
    if (event.Type !== 'container' || id === '') return;
    if (event.Action === 'die' && id === this.id) this.exit = Number(attributes['exitCode'] ?? Number.NaN);
    if (event.Action !== 'create' || this.id !== undefined) return;
    if (this.match.name !== undefined ? attributes['name'] !== this.match.name : attributes['image'] !== this.match.image) return;
    this.id = id;
    if (this.match.attach && this.inspector.socketPath !== undefined) {
      const path = `/containers/${id}/attach?stream=1&logs=1&stdout=1&stderr=1`;
      this.attached = openStream(this.inspector.socketPath, 'POST', path, demultiplex(this.match.tty, (bytes) => this.keep(bytes)));
    }
    void this.inspector.inspect(id).then((raw) => {
      if (raw !== undefined) this.raw = containerInfo(raw);
    }, () => undefined).finally(() => this.foundIt(id));
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

/** The engine's container events since `since` (seconds), through its socket or the docker CLI. */
export async function containerEvents(inspector: Inspector, docker: string, globals: readonly string[], since: number, name: string | undefined): Promise<(onEvent: (event: unknown) => void) => Stream | { close(): void; ended: Promise<void> }> {
  const filters: Record<string, string[]> = { type: ['container'], event: ['create', 'die'], ...(name === undefined ? {} : { container: [name] }) };
  const socketPath = inspector.socketPath;
  if (socketPath !== undefined) {
    const query = `since=${since.toFixed(3)}&filters=${encodeURIComponent(JSON.stringify(filters))}`;
    return (onEvent) => openStream(socketPath, 'GET', `/events?${query}`, jsonLines(onEvent));
  }
  const { streamStdout } = await import('../exec.js');
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
