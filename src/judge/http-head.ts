// The little of HTTP/1.1 the judging proxy reads (RFC 9112): a request's head, and a body sized
// by Content-Length or sent chunked. Clients are the docker CLI (Go net/http) and compose
// (docker-py on requests/urllib3, or Go): well-formed, one request at a time per connection.
import type { Duplex } from 'node:stream';

export interface RequestHead {
  readonly method: string;
  /** The path and query as sent, e.g. `/v1.41/containers/create?name=x`. */
  readonly target: string;
  readonly version: string;
  /** Header lines as sent (name and value), in order. */
  readonly headers: readonly (readonly [string, string])[];
}

export function header(head: RequestHead, name: string): string | undefined {
  return head.headers.find(([key]) => key.toLowerCase() === name)?.[1];
}

/** The head, re-written with `Connection: close` (and a body length of our own, when given) instead of the client's. */
export function renderHead(head: RequestHead, options: { close: boolean; length?: number }): string {
  const dropped = new Set(options.close ? ['connection', 'keep-alive', 'proxy-connection'] : []);
  if (options.length !== undefined) ['content-length', 'transfer-encoding'].forEach((name) => dropped.add(name));
  const lines = head.headers.filter(([key]) => !dropped.has(key.toLowerCase())).map(([key, value]) => `${key}: ${value}`);
  if (options.close) lines.push('Connection: close');
  if (options.length !== undefined) lines.push(`Content-Length: ${options.length}`);
  return `${head.method} ${head.target} ${head.version}\r\n${lines.join('\r\n')}\r\n\r\n`;
}

/** Reads what a connection sends, on demand: a head first, then a body. */
export class Incoming {
  private buffered = Buffer.alloc(0);
  private ended = false;
  private waiting: (() => void) | undefined;

  constructor(readonly socket: Duplex) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', () => {
      this.ended = true;
      this.wake();
    });
  }

  /** The request head; undefined when the connection ends first or sends no HTTP. */
  async head(): Promise<RequestHead | undefined> {
    const end = await this.until(() => this.buffered.indexOf('\r\n\r\n'));
    if (end === -1) return undefined;
    const text = this.take(end + 4).toString('latin1');
    const [line = '', ...rest] = text.slice(0, -4).split('\r\n');
    const match = /^(\S+) (\S+) (HTTP\/\d\.\d)$/.exec(line);
    if (match === null) return undefined;
    const headers = rest.map((h): [string, string] => [h.slice(0, h.indexOf(':')).trim(), h.slice(h.indexOf(':') + 1).trim()]);
    return { method: match[1] as string, target: match[2] as string, version: match[3] as string, headers };
  }

  /** The whole body of a request with this head. */
  async body(head: RequestHead): Promise<Buffer> {
    if (/chunked/i.test(header(head, 'transfer-encoding') ?? '')) return this.chunked();
    const length = Number(header(head, 'content-length') ?? '0');
    const got = await this.until(() => (this.buffered.length >= length ? length : -1));
    return got === -1 ? this.take(this.buffered.length) : this.take(length);
  }

  /** What was read past the head and not yet taken; the socket's later data is the caller's from now on. */
  release(): Buffer {
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('end');
    return this.take(this.buffered.length);
  }

  private async chunked(): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (;;) {
      const eol = await this.until(() => this.buffered.indexOf('\r\n'));
      if (eol === -1) return Buffer.concat(parts);
      const size = Number.parseInt(this.take(eol + 2).toString('latin1'), 16);
      if (!Number.isFinite(size) || size === 0) {
        await this.until(() => this.buffered.indexOf('\r\n'));
        this.take(Math.max(0, this.buffered.indexOf('\r\n') + 2));
        return Buffer.concat(parts);
      }
      const got = await this.until(() => (this.buffered.length >= size + 2 ? size : -1));
      if (got === -1) return Buffer.concat(parts);
      parts.push(this.take(size));
      this.take(2);
    }
  }

  private take(count: number): Buffer {
    const out = this.buffered.subarray(0, count);
    this.buffered = this.buffered.subarray(count);
    return out;
  }

  /** Wait until `found` gives an index (>= 0), or the stream ends (-1). */
  private async until(found: () => number): Promise<number> {
    for (;;) {
      const at = found();
      if (at !== -1 || this.ended) return at;
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }
}
