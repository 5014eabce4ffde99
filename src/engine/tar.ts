// The start of a tar stream, as `docker cp CONTAINER:PATH -` writes it (ustar with PAX
// headers, Go's archive/tar): enough to know whether a path is a file or a folder, who owns
// it, and whether a folder holds anything.
import { parsePax } from './tar-stream.js';

export interface TarEntry {
  readonly type: 'file' | 'dir' | 'symlink' | 'other';
  readonly uid: number;
  readonly gid: number;
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
