// Images as the tar the engine exports, streamed: `GET /images/NAME/get` on a local socket
// (Engine API v1.41 "Export an image"; several at once with `GET /images/get?names=A&names=B`,
// "Export several images", which writes a layer they share once), else `docker [globals] save
// NAME...` for an engine docker reaches some other way (tcp, ssh, TLS, a context). Chunks are
// handed on as they arrive; the reader's pace is the engine's (socket and pipe both apply
// backpressure).
import { connect } from 'node:net';
import { SdockerError } from '../common/errors.js';
import { streamStdout } from '../common/exec.js';

export type ExportSource =
  | { readonly socketPath: string }
  | { readonly docker: string; readonly globals: readonly string[] };

/** The engine writes the whole export to a temporary folder before the first byte (moby 20.10 tarexport): allow it time. */
const IDLE_MS = 300_000;

export function exportImage(source: ExportSource, ref: string): AsyncIterable<Buffer> {
  return exportImages(source, [ref]);
}

export function exportImages(source: ExportSource, refs: readonly string[]): AsyncIterable<Buffer> {
  const path = refs.length === 1 ? `/images/${encodeURIComponent(refs[0] ?? '')}/get` : `/images/get?${refs.map((ref) => `names=${encodeURIComponent(ref)}`).join('&')}`;
  return 'socketPath' in source ? fromSocket(source.socketPath, path, refs.join(', ')) : fromCli(source.docker, source.globals, refs);
}

async function* fromSocket(socketPath: string, path: string, ref: string): AsyncGenerator<Buffer> {
  const socket = connect(socketPath);
  socket.setTimeout(IDLE_MS, () => socket.destroy(new Error(`no data in ${IDLE_MS / 1000} s`)));
  // HTTP/1.0: Go's net/http then sends the body as is and closes (no chunked coding). write,
  // not end: a half-closed request is cancelled by the engine (see http10.ts).
  socket.write(`GET ${path} HTTP/1.0\r\nHost: docker\r\nUser-Agent: sdocker\r\n\r\n`);
  let head = Buffer.alloc(0);
  let status = 0;
  try {
    for await (const chunk of socket as AsyncIterable<Buffer>) {
      if (status === 200) {
        yield chunk;
        continue;
      }
      head = Buffer.concat([head, chunk]);
      const split = head.indexOf('\r\n\r\n');
      if (split === -1 || status !== 0) continue;
      status = statusOf(head.subarray(0, split).toString('latin1'));
      const rest = head.subarray(split + 4);
      if (status === 200 && rest.length > 0) yield rest;
    }
  } catch (error) {
    throw new SdockerError(`sdocker: reading image ${ref} from the engine at unix://${socketPath} failed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); is dockerd running?`);
  } finally {
    socket.destroy();
  }
  if (status !== 200) throw new SdockerError(`sdocker: the engine would not export image ${ref}: ${engineMessage(head)}; check the name with docker image ls`);
}

function statusOf(header: string): number {
  const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(header)?.[1]);
  if (!Number.isInteger(status)) throw new Error(`malformed HTTP status line from the engine: ${header.split('\r\n')[0] ?? ''}`);
  if (/\r\ntransfer-encoding:\s*chunked/i.test(header)) throw new Error('the engine answered an HTTP/1.0 request with chunked coding');
  return status;
}

function engineMessage(reply: Buffer): string {
  const body = reply.subarray(reply.indexOf('\r\n\r\n') + 4).toString('utf8').trim();
  try {
    return (JSON.parse(body) as { message?: string }).message ?? body;
  } catch {
    return body.slice(0, 200) || 'no answer';
  }
}

async function* fromCli(docker: string, globals: readonly string[], refs: readonly string[]): AsyncGenerator<Buffer> {
  const ref = refs.join(' ');
  const child = streamStdout(docker, [...globals, 'save', ...refs]);
  let finished = false;
  try {
    for await (const chunk of child.stdout) yield chunk as Buffer;
    const { exitCode, stderr } = await child.done;
    finished = true;
    if (exitCode !== 0) throw new SdockerError(`sdocker: docker save ${ref} failed: ${stderr.trim().split('\n')[0] ?? ''}; check the name with docker image ls`);
  } finally {
    if (!finished) child.stop();
  }
}
