// A streaming tar reader: headers are read as they arrive and each body is handed on in the
// chunks it came in, so a 1 GiB layer never sits in memory. Reads what Go's archive/tar writes
// (docker save, layer diffs): ustar with the name prefix, PAX records (path, linkpath, size,
// uid, gid), GNU long names, base-256 numbers.

export interface TarHeader {
  readonly name: string;
  readonly type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
  /** Permission bits with setuid (0o4000), setgid (0o2000) and sticky (0o1000). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly linkTarget: string;
}

export interface TarEntry {
  readonly header: TarHeader;
  /** The body: read it, or part of it, before asking for the next entry (the rest is skipped). */
  readonly body: AsyncIterable<Buffer>;
}

const BLOCK = 512;

/** Pulls bytes from a chunked source without copying: subarrays of the chunks that arrived. */
export class ByteReader {
  private readonly source: AsyncIterator<Buffer>;
  private pending: Buffer = Buffer.alloc(0);

  constructor(source: AsyncIterable<Buffer>) {
    this.source = source[Symbol.asyncIterator]();
  }

  /** Up to `max` bytes (at least one), or undefined at the end of the source. */
  async chunk(max: number): Promise<Buffer | undefined> {
    while (this.pending.length === 0) {
      const next = await this.source.next();
      if (next.done === true) return undefined;
      this.pending = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as Uint8Array);
    }
    const out = this.pending.subarray(0, max);
    this.pending = this.pending.subarray(out.length);
    return out;
  }

  /** Exactly `size` bytes; undefined at a clean end (nothing left); throws when cut short. */
  async exactly(size: number): Promise<Buffer | undefined> {
    const parts: Buffer[] = [];
    let have = 0;
    while (have < size) {
      const part = await this.chunk(size - have);
      if (part === undefined) {
        if (have === 0) return undefined;
        throw new TruncatedTar();
      }
      parts.push(part);
      have += part.length;
    }
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, size);
  }

  async skip(size: number): Promise<void> {
    let left = size;
    while (left > 0) {
      const part = await this.chunk(left);
      if (part === undefined) throw new TruncatedTar();
      left -= part.length;
    }
  }
}

export class TruncatedTar extends Error {
  constructor() {
    super('tar stream ended in the middle of an entry');
  }
}

/** The entries of a tar stream, in order; ends at the end-of-archive blocks or the source's end. */
export async function* tarEntries(source: AsyncIterable<Buffer>): AsyncGenerator<TarEntry> {
  const reader = new ByteReader(source);
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  for (;;) {
    const block = await reader.exactly(BLOCK);
    if (block === undefined || block.every((byte) => byte === 0)) return;
    const flag = String.fromCharCode(block[156] ?? 0);
    const size = Number(pax['size'] ?? numeric(block.subarray(124, 136)));
    if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
      const meta = (await reader.exactly(size)) ?? Buffer.alloc(0);
      await reader.skip(padding(size));
      if (flag === 'x') pax = parsePax(meta);
      if (flag === 'L') longName = cString(meta);
      if (flag === 'K') longLink = cString(meta);
      continue;
    }
    const header = parseHeader(block, flag, size, pax, longName, longLink);
    pax = {};
    longName = longLink = undefined;
    const body = new Body(reader, size);
    yield { header, body };
    await reader.skip(body.remaining + padding(size));
  }
}

class Body implements AsyncIterable<Buffer> {
  constructor(
    private readonly reader: ByteReader,
    public remaining: number,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    while (this.remaining > 0) {
      const part = await this.reader.chunk(this.remaining);
      if (part === undefined) throw new TruncatedTar();
      this.remaining -= part.length;
      yield part;
    }
  }
}

function parseHeader(block: Buffer, flag: string, size: number, pax: Record<string, string>, longName?: string, longLink?: string): TarHeader {
  const magic = block.subarray(257, 262).toString('latin1');
  const prefix = magic === 'ustar' ? cString(block.subarray(345, 500)) : '';
  const plain = cString(block.subarray(0, 100));
  const name = pax['path'] ?? longName ?? (prefix === '' ? plain : `${prefix}/${plain}`);
  return {
    name,
    type: flag === '0' || flag === '\0' || flag === '7' ? 'file' : flag === '5' ? 'dir' : flag === '2' ? 'symlink' : flag === '1' ? 'hardlink' : 'other',
    mode: numeric(block.subarray(100, 108)) & 0o7777,
    uid: Number(pax['uid'] ?? numeric(block.subarray(108, 116))),
    gid: Number(pax['gid'] ?? numeric(block.subarray(116, 124))),
    size,
    linkTarget: pax['linkpath'] ?? longLink ?? cString(block.subarray(157, 257)),
  };
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

function cString(field: Buffer): string {
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}

/** Octal, or base-256 when the top bit of the first byte is set (GNU, for values past octal's room). */
function numeric(field: Buffer): number {
  const first = field[0] ?? 0;
  if ((first & 0x80) !== 0) {
    let value = first & 0x7f;
    for (const byte of field.subarray(1)) value = value * 256 + byte;
    return value;
  }
  const value = Number.parseInt(cString(field).trim() || '0', 8);
  return Number.isFinite(value) ? value : 0;
}

/** PAX records: "LEN key=value\n". */
export function parsePax(body: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    const length = Number(body.subarray(at, space).toString('latin1'));
    if (space === -1 || !Number.isInteger(length) || length <= 0) break;
    const record = body.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq !== -1) records[record.slice(0, eq)] = record.slice(eq + 1);
    at += length;
  }
  return records;
}
