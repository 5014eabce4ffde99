// Real requests to the servers of test/images (and test/images/learn), from the host, over
// node:net: each opens a fresh connection and retries until it gets the expected answer or its
// deadline passes (a server needs a moment to listen after `docker run -d` returns).
import { connect } from 'node:net';

export interface ProbeOptions {
  readonly host?: string;
  /** How long to keep retrying, in seconds. */
  readonly seconds?: number;
}

/** Retry `attempt` every 300 ms until it resolves; past the deadline, throw its last error. */
export async function eventually<T>(what: string, attempt: () => Promise<T>, seconds = 30): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what}: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
}

/**
 * Write `request` on one connection and collect the reply until `done(reply)` says it is whole;
 * resolves with the reply, rejects on error, timeout, or a close before `done`.
 */
export function exchange(port: number, request: Buffer | string, done: (reply: Buffer) => boolean, host = '127.0.0.1'): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    let reply = Buffer.alloc(0);
    let settled = false;
    socket.setTimeout(3000, () => socket.destroy(new Error('timeout')));
    socket.on('error', (error) => { settled = true; reject(error); });
    socket.on('data', (chunk: Buffer) => {
      reply = Buffer.concat([reply, chunk]);
      if (!settled && done(reply)) {
        settled = true;
        socket.destroy();
        resolve(reply);
      }
    });
    socket.on('close', () => {
      if (!settled) reject(new Error(`closed after ${JSON.stringify(reply.toString('latin1'))}`));
    });
    socket.write(request);
  });
}

/**
 * GET `target` (a path, or an absolute URL when asking a proxy) with HTTP/1.0; resolves with the
 * body once the status is 200. tinyproxy answers `http://tinyproxy.stats/` itself.
 */
export function httpOk(port: number, target = '/', options: ProbeOptions = {}): Promise<string> {
  const request = `GET ${target} HTTP/1.0\r\nHost: ${hostOf(target)}\r\nConnection: close\r\n\r\n`;
  return eventually(`GET ${target} on ${port}`, async () => {
    // HTTP/1.0 with Connection: close: the server ends the reply by closing, so read to the end.
    const reply = await readToClose(port, request, options.host);
    const [head = '', ...body] = reply.split('\r\n\r\n');
    const status = head.split('\r\n')[0] ?? '';
    if (!/^HTTP\/1\.[01] 200 /.test(status)) throw new Error(`status line ${JSON.stringify(status)}`);
    return body.join('\r\n\r\n');
  }, options.seconds);
}

function hostOf(target: string): string {
  return /^https?:\/\/([^/]+)/.exec(target)?.[1] ?? 'localhost';
}

function readToClose(port: number, request: string, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    const chunks: Buffer[] = [];
    socket.setTimeout(3000, () => socket.destroy(new Error('timeout')));
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.write(request);
  });
}

/** Redis answers PING with +PONG. */
export function redisPing(port: number, options: ProbeOptions = {}): Promise<void> {
  return eventually(`redis PING on ${port}`, async () => {
    const reply = (await exchange(port, 'PING\r\n', (r) => r.includes('\r\n'), options.host)).toString();
    if (reply !== '+PONG\r\n') throw new Error(`reply ${JSON.stringify(reply)}`);
  }, options.seconds);
}

/** memcached stores a value and gives it back (text protocol: set, then get). */
export function memcachedSetGet(port: number, options: ProbeOptions = {}): Promise<void> {
  const value = `v${Date.now()}`;
  const request = `set sdprobe 0 60 ${value.length}\r\n${value}\r\nget sdprobe\r\n`;
  const expected = `STORED\r\nVALUE sdprobe 0 ${value.length}\r\n${value}\r\nEND\r\n`;
  return eventually(`memcached set+get on ${port}`, async () => {
    const reply = (await exchange(port, request, (r) => r.toString().endsWith('END\r\n') || r.includes('ERROR'), options.host)).toString();
    if (reply !== expected) throw new Error(`reply ${JSON.stringify(reply)}`);
  }, options.seconds);
}

/** An MQTT 3.1.1 CONNECT (clean session, anonymous) is accepted: CONNACK with return code 0. */
export function mqttConnack(port: number, options: ProbeOptions = {}): Promise<void> {
  const clientId = Buffer.from('sdprobe');
  // Variable header: protocol name "MQTT", level 4 (3.1.1), flags 0x02 (clean session),
  // keep-alive 60 s; payload: the client id (MQTT 3.1.1, sections 3.1.2 and 3.1.3).
  const body = Buffer.concat([
    Buffer.from([0x00, 0x04, ...Buffer.from('MQTT'), 0x04, 0x02, 0x00, 0x3c]),
    Buffer.from([clientId.length >> 8, clientId.length & 0xff]),
    clientId,
  ]);
  const connect = Buffer.concat([Buffer.from([0x10, body.length]), body]);
  return eventually(`MQTT CONNECT on ${port}`, async () => {
    const reply = await exchange(port, connect, (r) => r.length >= 4, options.host);
    // CONNACK: type 0x20, remaining length 2, session-present 0, return code 0 (section 3.2).
    if (reply.subarray(0, 4).compare(Buffer.from([0x20, 0x02, 0x00, 0x00])) !== 0) throw new Error(`reply ${reply.toString('hex')}`);
  }, options.seconds);
}
