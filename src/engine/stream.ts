// The engine's streaming answers over its unix socket: /events (one JSON object a line) and a
// container's attach (its output while it runs). HTTP/1.0, as http10.ts: the engine answers
// without chunking and closes the connection when the stream ends. An attach is hijacked: the
// engine answers `HTTP/1.1 200 OK` and then the raw stream (moby api/server/router/container
// container_routes.go postContainersAttach), also to an HTTP/1.0 request (measured on 20.10).
import { connect, type Socket } from 'node:net';

export interface Stream {
  /** The HTTP status, once the head has arrived (0 when the connection ended before it). */
  readonly status: Promise<number>;
  /** Resolves when the engine (or close()) ended the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

/** `method path` on the engine's socket; `onBody` gets each piece of the body as it arrives. */
export function openStream(socketPath: string, method: 'GET' | 'POST', path: string, onBody: (chunk: Buffer) => void): Stream {
  const socket: Socket = connect(socketPath);
  let head: Buffer | undefined = Buffer.alloc(0) as Buffer;
  let settleStatus: (status: number) => void = () => undefined;
  const status = new Promise<number>((resolve) => (settleStatus = resolve));
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('data', (chunk: Buffer) => {
    if (head === undefined) return onBody(chunk);
    head = Buffer.concat([head, chunk]);
    const split = head.indexOf('\r\n\r\n');
    if (split === -1) return;
    settleStatus(Number(/^HTTP\/\d\.\d (\d{3})/.exec(head.subarray(0, split).toString('latin1'))?.[1] ?? 0));
    const rest = head.subarray(split + 4);
    head = undefined;
    if (rest.length > 0) onBody(rest);
  });
  // A refused or dropped connection ends the stream; what it would have said is simply not known.
  socket.on('error', () => socket.destroy());
  socket.once('close', () => settleStatus(0));
  const length = method === 'POST' ? 'Content-Length: 0\r\n' : '';
  // write, not end: Go's net/http cancels the request when the client half-closes (http10.ts).
  socket.write(`${method} ${path} HTTP/1.0\r\nHost: docker\r\nUser-Agent: sdocker\r\n${length}\r\n`);
  return { status, ended, close: () => socket.destroy() };
}

/** Cuts a stream of JSON lines (/events) into objects; a line that is not JSON is skipped. */
export function jsonLines(onObject: (value: unknown) => void): (chunk: Buffer) => void {
  let pending = '';
  return (chunk) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        onObject(JSON.parse(line) as unknown);
      } catch {
        // Not an event: nothing to act on.
      }
    }
  };
}

/**
 * The output of a container without a TTY comes in frames: 1 byte stream (1 stdout, 2 stderr),
 * 3 zero bytes, a 4-byte big-endian length, then that many bytes (moby pkg/stdcopy). With a TTY
 * it is the raw output. Either way `onOutput` gets the container's own bytes.
 */
export function demultiplex(tty: boolean, onOutput: (bytes: Buffer) => void): (chunk: Buffer) => void {
  if (tty) return onOutput;
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(4);
      if (pending.length < 8 + size) break;
      onOutput(pending.subarray(8, 8 + size));
      pending = pending.subarray(8 + size);
    }
  };
}
