// The start of a tar stream, as `docker cp CONTAINER:PATH -` writes it (ustar with PAX
// headers, Go's archive/tar): enough to know whether a path is a file or a folder, who owns
// it, and whether a folder holds anything.
import { parsePax } from './tar-stream.js';

export interface TarEntry {
  readonly type: 'file' | 'dir' | 'symlink' | 'other';
  readonly uid: number;
  readonly gid: number;
  /** Permission bits (and setuid/setgid/sticky). */
  readonly mode: number;
  readonly linkTarget: string;
  /** The content, for regular files whose body was read in full. */
  readonly body: Buffer | undefined;
}

const BLOCK = 512;

/** Entries of a (possibly truncated) tar stream; a truncated entry ends the list. */
export function readTar(data: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let at = 0;
  let pax: Record<string, string> = {};
  while (at + BLOCK <= data.length) {
    const header = data.subarray(at, at + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    const size = octal(header.subarray(124, 136));
    const flag = String.fromCharCode(header[156] ?? 0);
    const bodyStart = at + BLOCK;
    const complete = bodyStart + size <= data.length;
    const body = complete ? data.subarray(bodyStart, bodyStart + size) : undefined;
    at = bodyStart + Math.ceil(size / BLOCK) * BLOCK;
    if (flag === 'x' || flag === 'g') {
      if (body === undefined) break;
      if (flag === 'x') pax = parsePax(body);
      continue;
    }
    entries.push({
      type: flag === '5' ? 'dir' : flag === '2' ? 'symlink' : flag === '0' || flag === '\0' ? 'file' : 'other',
      uid: Number(pax['uid'] ?? octal(header.subarray(108, 116))),
      gid: Number(pax['gid'] ?? octal(header.subarray(116, 124))),
      mode: octal(header.subarray(100, 108)) & 0o7777,
      linkTarget: pax['linkpath'] ?? text(header.subarray(157, 257)),
      body,
    });
    pax = {};
  }
  return entries;
}

function text(field: Buffer): string {
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}

function octal(field: Buffer): number {
  const value = Number.parseInt(text(field).trim() || '0', 8);
  return Number.isFinite(value) ? value : 0;
}

/**
 * A tar holding one folder entry: `name` with that owner and mode. Extracted by the engine into a
 * container (PUT /containers/ID/archive, `docker cp -`), it sets the owner and mode of a folder
 * that exists there: moby's archive extraction keeps an existing folder and applies the entry's
 * lchown and chmod to it (pkg/archive createTarFile).
 */
export function folderTar(name: string, mode: number, uid: number, gid: number, mtime: Date): Buffer {
  const header = Buffer.alloc(BLOCK);
  const field = (at: number, length: number, value: string): void => void header.write(value, at, length, 'ascii');
  const number = (at: number, length: number, value: number): void => field(at, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
  field(0, 100, `${name.replace(/\/+$/, '')}/`);
  number(100, 8, mode & 0o7777);
  number(108, 8, uid);
  number(116, 8, gid);
  number(124, 12, 0);
  number(136, 12, Math.floor(mtime.getTime() / 1000));
  field(156, 1, '5');
  field(257, 8, 'ustar\x0000');
  // The checksum is summed with its own field as spaces (POSIX ustar).
  header.fill(' ', 148, 156);
  const sum = header.reduce((total, byte) => total + byte, 0);
  field(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return Buffer.concat([header, Buffer.alloc(BLOCK * 2)]);
}
