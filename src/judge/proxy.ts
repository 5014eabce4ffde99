// sdocker's judging socket: a private unix socket that the docker client (or compose) is pointed
// at instead of the engine. Every request is passed on to the real engine unchanged, except the
// ones a hook holds (a container's creation, its start): those are sent on, and the engine's
// answer is given back only once the hook has judged what the engine made. Connections that
// switch protocol (attach, exec: `Connection: Upgrade`, moby api/server/router/container
// hijack) are piped raw both ways, half-closes included, so stdin's end reaches the container.
// Each passed-on request carries `Connection: close`: the engine (Go net/http) then answers and
// closes, and the client opens a new connection for its next request; the proxy never has to
// find where one answer ends and the next begins.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { parseReply } from '../engine/http10.js';
import type { Dial } from './dial.js';
import { header, Incoming, renderHead, type RequestHead } from './http-head.js';

/** The engine's whole answer to a held request. */
export interface HeldReply {
  readonly status: number;
  /** The raw bytes, passed back unchanged when the hook lets them through. */
  readonly raw: Buffer;
  readonly body: string;
}

/** A held request: its head and body, and how to send it on (at most once). */
export interface Held {
  readonly head: RequestHead;
  /** The path without the API version prefix or the query: `/containers/create`. */
  readonly route: string;
  readonly query: URLSearchParams;
  readonly body: Buffer;
  forward(body?: Buffer): Promise<HeldReply>;
}

/** What the hook answers: the engine's reply, or a refusal sdocker writes itself. */
export type Answer = HeldReply | { readonly refuse: string; readonly status?: number };

export interface Hooks {
  /** Whether to hold this request (method and route); the others are passed on as they come. */
  holds(method: string, route: string): boolean;
  handle(held: Held): Promise<Answer>;
  /** A request judged by its head alone and then streamed (a build: its body is the context, its answer the progress): a refusal, or undefined to pass it on. */
  judgeHead?(method: string, route: string, query: URLSearchParams): Promise<string | undefined>;
}

export interface JudgingSocket {
  /** `unix:///...`: what the client is given as its -H / DOCKER_HOST. */
  readonly host: string;
  close(): Promise<void>;
}

export async function serveJudgingSocket(dial: Dial, hooks: Hooks): Promise<JudgingSocket> {
  // A folder only we can enter: nobody else connects to the socket in it.
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-engine-'));
  const path = join(dir, 'docker.sock');
  const open = new Set<Socket>();
  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    void serve(client, dial, hooks).catch(() => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, resolve);
  });
  return {
    host: `unix://${path}`,
    close: () =>
      new Promise((resolve) => {
        for (const client of open) client.destroy();
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}

/** `/v1.41/containers/x/start?y` → `/containers/x/start`. */
export function routeOf(target: string): string {
  const path = target.split('?')[0] ?? '';
  return path.replace(/^\/v\d+(\.\d+)?(?=\/)/, '');
}

async function serve(client: Socket, dial: Dial, hooks: Hooks): Promise<void> {
  const incoming = new Incoming(client);
  const head = await incoming.head();
  if (head === undefined) return void client.end();
  const route = routeOf(head.target);
  if (hooks.holds(head.method, route)) return hold(client, incoming, head, route, dial, hooks);
  const refusal = await hooks.judgeHead?.(head.method, route, new URLSearchParams(head.target.split('?')[1] ?? ''));
  if (refusal !== undefined) {
    // The body is read to its end first: a client still sending it would see a broken pipe, not the answer.
    await incoming.body(head);
    return void client.end(errorReply(403, refusal));
  }
  const upgrade = header(head, 'upgrade') !== undefined;
  const engine = dial();
  engine.on('error', () => client.destroy());
  client.on('error', () => engine.destroy());
  engine.write(Buffer.from(renderHead(head, { close: !upgrade }), 'latin1'));
  const rest = incoming.release();
  if (rest.length > 0) engine.write(rest);
  client.pipe(engine);
  engine.pipe(client);
}

async function hold(client: Socket, incoming: Incoming, head: RequestHead, route: string, dial: Dial, hooks: Hooks): Promise<void> {
  const body = await incoming.body(head);
  let sent = false;
  const held: Held = {
    head,
    route,
    query: new URLSearchParams(head.target.split('?')[1] ?? ''),
    body,
    forward: async (replaced = body) => {
      if (sent) throw new Error('a held request is sent on once');
      sent = true;
      return oneExchange(dial, Buffer.concat([Buffer.from(renderHead(head, { close: true, length: replaced.length }), 'latin1'), replaced]));
    },
  };
  const answer = await hooks.handle(held).catch((error: unknown) => ({ refuse: `sdocker: could not judge this request: ${error instanceof Error ? error.message : String(error)}`, status: 500 }));
  client.end('raw' in answer ? answer.raw : errorReply(answer.status ?? 403, answer.refuse));
}

/** The engine's whole answer to one request on a connection of its own. */
function oneExchange(dial: Dial, request: Buffer): Promise<HeldReply> {
  return new Promise((resolve, reject) => {
    const engine: Duplex = dial();
    const chunks: Buffer[] = [];
    engine.on('data', (chunk: Buffer) => chunks.push(chunk));
    engine.on('error', reject);
    engine.on('end', () => {
      const raw = Buffer.concat(chunks);
      try {
        resolve({ ...parseReply(raw), raw });
      } catch (error) {
        reject(error);
      }
    });
    engine.write(request);
  });
}

/** An API error as the engine writes one: the client prints its message ("Error response from daemon: ..."). */
export function errorReply(status: number, message: string): Buffer {
  const body = `${JSON.stringify({ message })}\n`;
  return Buffer.from(`HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : 'Error'}\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
