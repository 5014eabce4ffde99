// A probe that makes a TCP server do work, for any protocol: read what the server says first (a
// banner: SSH, SMTP, FTP, MySQL), then send one line in its own terms (its banner's first line
// back: a valid SSH client identification, an unknown SMTP command), or, when it waits for the
// client, an HTTP request line (most TCP services; the rest answer it with an error or close),
// or a DNS query on port 53 (IANA's port for DNS over TCP, RFC 1035 4.2.2). What came back is
// compared by its shape with what the same probe got from the image under plain docker.
import { connect, type Socket } from 'node:net';

export interface Exchange {
  /** Bytes the server sent before we sent anything (latin1, at most 512). */
  readonly banner: string;
  /** Milliseconds from connect to the first banner byte. */
  readonly bannerMs: number | undefined;
  /** What we sent. */
  readonly sent: 'banner' | 'http' | 'dns';
  /** The first bytes of its answer (latin1, at most 512). */
  readonly reply: string;
  /** Milliseconds from our line to the first answer byte. */
  readonly answerMs: number | undefined;
  /** The connection failed, or the server closed it before answering anything. */
  readonly refused: boolean;
}

export interface ExchangeTimes {
  /** How long to wait for a banner before speaking first. */
  readonly bannerMs: number;
  /** How long to wait for an answer to our line. */
  readonly answerMs: number;
}

const HTTP_LINE = 'HEAD / HTTP/1.0\r\n\r\n';

export async function exchange(host: string, port: number, times: ExchangeTimes): Promise<Exchange> {
  const socket = await open(host, port, 2000);
  if (socket === undefined) return { banner: '', bannerMs: undefined, sent: 'http', reply: '', answerMs: undefined, refused: true };
  const reader = new Collector(socket);
  try {
    const banner = await reader.next(times.bannerMs);
    const sent = banner.data !== '' ? 'banner' : port === 53 ? 'dns' : 'http';
    const line = sent === 'banner' ? `${firstLine(banner.data)}\r\n` : sent === 'dns' ? dnsQuery() : Buffer.from(HTTP_LINE);
    if (!reader.closed) socket.write(line);
    const reply = reader.closed ? { data: '', ms: undefined } : await reader.next(times.answerMs);
    return { banner: banner.data, bannerMs: banner.ms, sent, reply: reply.data, answerMs: reply.ms, refused: banner.data === '' && reply.data === '' && reader.closed };
  } finally {
    await reader.hangUp(socket);
  }
}

/** A comparable summary of what a server sent: its first word (with the status of an HTTP reply), `dns rcode N`, `binary`, or nothing. */
export function shape(data: string, dns = false): string {
  if (data === '') return 'nothing';
  if (dns) return data.length >= 6 ? `dns rcode ${data.charCodeAt(5) & 0x0f}` : 'binary';
  // Text when its first bytes are printable: a MySQL packet starts with a length that may be ('!').
  if (!/^[\x21-\x7e][\x20-\x7e\r\n\t]*$/.test(data.slice(0, 16))) return 'binary';
  const words = /^[\x21-\x7e]+(?: [\x21-\x7e]+)?/.exec(data)?.[0].split(' ') ?? [];
  const first = words[0] ?? '';
  return first.startsWith('HTTP/') ? `${first} ${words[1] ?? ''}` : first.slice(0, 24);
}

function firstLine(banner: string): string {
  return banner.split(/\r?\n/)[0] ?? '';
}

/** A DNS query over TCP for version.bind CH TXT, which a name server answers itself (or refuses) without asking anyone. */
function dnsQuery(): Buffer {
  const header = Buffer.from([0x5d, 0x0c, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
  const name = Buffer.concat([...['version', 'bind'].map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label)])), Buffer.from([0])]);
  const question = Buffer.concat([name, Buffer.from([0x00, 0x10, 0x00, 0x03])]);
  const message = Buffer.concat([header, question]);
  return Buffer.concat([Buffer.from([message.length >> 8, message.length & 0xff]), message]);
}

function open(host: string, port: number, timeoutMs: number): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', () => undefined);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
}

/** Collects what a socket receives; `next` waits up to a deadline for data, then a short quiet spell to take the rest of the burst. */
class Collector {
  private buffered = '';
  private started = Date.now();
  private firstAt: number | undefined;
  closed = false;
  private wake: (() => void) | undefined;

  constructor(socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      if (this.buffered.length < 512) this.buffered += chunk.toString('latin1').slice(0, 512 - this.buffered.length);
      this.firstAt ??= Date.now();
      this.wake?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
    socket.on('error', () => undefined);
  }

  /**
   * Close our side and read until the server closes (at most half a second): destroying a socket
   * with unread data sends a reset, which servers log as an error ("read() failed on fd 5:
   * Connection reset by peer", tinyproxy) that the reference run may not have had.
   */
  async hangUp(socket: Socket): Promise<void> {
    socket.end();
    const deadline = Date.now() + 500;
    while (!this.closed && Date.now() < deadline) await this.sleep(deadline - Date.now());
    socket.destroy();
  }

  async next(waitMs: number): Promise<{ data: string; ms: number | undefined }> {
    this.started = Date.now();
    this.firstAt = undefined;
    this.buffered = '';
    const deadline = this.started + waitMs;
    while (this.buffered === '' && !this.closed && Date.now() < deadline) await this.sleep(deadline - Date.now());
    if (this.buffered !== '' && !this.closed) await this.sleep(150);
    const ms = this.firstAt === undefined ? undefined : this.firstAt - this.started;
    return { data: this.buffered, ms };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, ms));
      this.wake = done;
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
    });
  }
}
