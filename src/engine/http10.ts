// A minimal HTTP/1.0 exchange over the engine's unix socket. node:http costs ~25 ms more per
// run here (agent set-up, host-name handling that compiles net's IPv6 regex) for three small
// local requests; with HTTP/1.0 the engine (Go net/http) answers with a plain body and closes
// the connection, so reading to the end is the whole protocol.
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';

export interface Reply {
  readonly status: number;
  readonly body: string;
  /** The engine's API version (its Api-Version header), when it said. */
  readonly apiVersion?: string;
}

export function exchange(socketPath: string, method: string, path: string, body: string | undefined, timeoutMs: number): Promise<Reply> {
  return exchangeOver(() => connect(socketPath), method, path, body, timeoutMs);
}

/** The same over any connection to the engine (the judge's, src/judge/dial.ts). */
export function exchangeOver(open: () => Duplex, method: string, path: string, body: string | undefined, timeoutMs: number): Promise<Reply> {
  return new Promise((resolvePromise, rejectPromise) => {
    const socket = open();
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(Object.assign(new Error(`no answer in ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })), timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) => {
      clearTimeout(timer);
      rejectPromise(error);
    });
    socket.on('end', () => {
      clearTimeout(timer);
      try {
        resolvePromise(parseReply(Buffer.concat(chunks)));
      } catch (error) {
        rejectPromise(error);
      }
    });
    const payload = body === undefined ? '' : body;
    const headers = [`${method} ${path} HTTP/1.0`, 'Host: docker', 'User-Agent: sdocker'];
    if (body !== undefined) headers.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(payload)}`);
    // write, not end: Go's net/http cancels a request's context when the client half-closes
    // (measured: GET /volumes/MISSING then answers 500 "context canceled" instead of 404).
    socket.write(`${headers.join('\r\n')}\r\n\r\n${payload}`);
  });
}

export function parseReply(raw: Buffer): Reply {
  const split = raw.indexOf('\r\n\r\n');
  if (split === -1) throw new Error('malformed HTTP reply from the engine');
  const head = raw.subarray(0, split).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(head[0] ?? '')?.[1]);
  if (!Number.isInteger(status)) throw new Error(`malformed HTTP status line from the engine: ${head[0] ?? ''}`);
  const chunked = head.some((line) => /^transfer-encoding:\s*chunked/i.test(line));
  const rest = raw.subarray(split + 4);
  const apiVersion = head.find((line) => /^api-version:/i.test(line))?.slice('api-version:'.length).trim();
  return { status, body: (chunked ? dechunk(rest) : rest).toString('utf8'), ...(apiVersion ? { apiVersion } : {}) };
}

/** Chunked transfer coding (RFC 9112 §7.1), should a server use it despite HTTP/1.0. */
function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = data.indexOf('\r\n', at);
    if (eol === -1) break;
    const size = Number.parseInt(data.subarray(at, eol).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(data.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
