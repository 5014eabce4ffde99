// Synthetic tars and image exports for the layer reader's unit tests: ustar headers as Go's
// archive/tar writes them, PAX or GNU records for long names, and the two export layouts.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export interface TarItem {
  readonly name: string;
  readonly type?: '0' | '1' | '2' | '5';
  readonly mode?: number;
  readonly uid?: number;
  readonly body?: Buffer | string;
  readonly linkTarget?: string;
  /** How a name past 100 bytes is written: ustar prefix (default), PAX, or GNU L. */
  readonly longName?: 'prefix' | 'pax' | 'gnu';
}

function header(name: string, flag: string, size: number, mode: number, uid: number, linkTarget = '', prefix = ''): Buffer {
  const block = Buffer.alloc(512);
  block.write(name, 0, 100, 'utf8');
  block.write(`${mode.toString(8).padStart(7, '0')}\0`, 100, 'latin1');
  block.write(`${uid.toString(8).padStart(7, '0')}\0`, 108, 'latin1');
  block.write(`${'0'.padStart(7, '0')}\0`, 116, 'latin1');
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  block.write(`${'0'.padStart(11, '0')}\0`, 136, 'latin1');
  block.write('        ', 148, 'latin1');
  block.write(flag, 156, 'latin1');
  block.write(linkTarget, 157, 100, 'utf8');
  block.write('ustar\x0000', 257, 'latin1');
  block.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

function withBody(head: Buffer, body: Buffer): Buffer[] {
  return [head, body, Buffer.alloc((512 - (body.length % 512)) % 512)];
}

function paxRecord(key: string, value: string): string {
  const text = ` ${key}=${value}\n`;
  let length = text.length + 1;
  while (`${length}${text}`.length !== length) length += 1;
  return `${length}${text}`;
}

export function tar(items: readonly TarItem[]): Buffer {
  const parts: Buffer[] = [];
  for (const item of items) {
    const body = Buffer.from(item.body ?? '');
    const flag = item.type ?? (item.name.endsWith('/') ? '5' : '0');
    const mode = item.mode ?? (flag === '5' ? 0o755 : 0o644);
    let name = item.name;
    let prefix = '';
    if (Buffer.byteLength(name) > 100) {
      if (item.longName === 'pax') parts.push(...withBody(header('PaxHeaders/x', 'x', Buffer.byteLength(paxRecord('path', name)), 0o644, 0), Buffer.from(paxRecord('path', name))));
      if (item.longName === 'gnu') parts.push(...withBody(header('././@LongLink', 'L', Buffer.byteLength(name) + 1, 0o644, 0), Buffer.from(`${name}\0`)));
      if (item.longName === 'pax' || item.longName === 'gnu') name = name.slice(0, 100);
      else {
        const cut = name.lastIndexOf('/', 154);
        prefix = name.slice(0, cut);
        name = name.slice(cut + 1);
      }
    }
    parts.push(...withBody(header(name, flag, flag === '0' ? body.length : 0, mode, item.uid ?? 0, item.linkTarget ?? '', prefix), flag === '0' ? body : Buffer.alloc(0)));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export type Layer = readonly TarItem[];

function config(layers: readonly Buffer[], steps: readonly string[]): Buffer {
  const diffIds = layers.map((layer) => `sha256:${sha(layer)}`);
  return Buffer.from(JSON.stringify({ rootfs: { type: 'layers', diff_ids: diffIds }, history: steps.map((step) => ({ created_by: step })) }));
}

function sha(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `docker save` of engine 20.10: `<id>/layer.tar`, `<config>.json`, manifest.json last. */
export function legacyExport(layers: readonly Layer[], steps?: readonly string[]): Buffer {
  const tars = layers.map((layer) => tar(layer));
  const cfg = config(tars, steps ?? layers.map((_, index) => `RUN step ${index + 1}`));
  const ids = tars.map((_, index) => sha(Buffer.from(`v1-${index}`)));
  const items: TarItem[] = [{ name: `${sha(cfg)}.json`, body: cfg }];
  // Name order, as the engine writes it: the layers' folders are not in layer order.
  [...ids.keys()].sort((a, b) => (ids[a] ?? '').localeCompare(ids[b] ?? '')).forEach((index) => {
    items.push({ name: `${ids[index]}/` }, { name: `${ids[index]}/VERSION`, body: '1.0' }, { name: `${ids[index]}/layer.tar`, body: tars[index] ?? Buffer.alloc(0) });
  });
  items.push({ name: 'manifest.json', body: JSON.stringify([{ Config: `${sha(cfg)}.json`, RepoTags: ['x:1'], Layers: ids.map((id) => `${id}/layer.tar`) }]) });
  return tar(items);
}

/** An OCI layout with gzip layers; `withManifestJson` adds the engine-25 manifest.json and `<id>/layer.tar` symlinks. */
export function ociExport(layers: readonly Layer[], options: { withManifestJson?: boolean; nestedIndex?: boolean } = {}): Buffer {
  const tars = layers.map((layer) => tar(layer));
  const blobs = tars.map((layerTar) => gzipSync(layerTar));
  const cfg = config(tars, layers.map((_, index) => `RUN step ${index + 1}`));
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, config: { digest: `sha256:${sha(cfg)}` }, layers: blobs.map((blob) => ({ digest: `sha256:${sha(blob)}` })) }));
  const inner = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ digest: `sha256:${sha(manifest)}` }] }));
  const all = [cfg, manifest, ...blobs, ...(options.nestedIndex ? [inner] : [])];
  const items: TarItem[] = [{ name: 'blobs/' }, { name: 'blobs/sha256/' }];
  for (const blob of [...all].sort((a, b) => sha(a).localeCompare(sha(b)))) items.push({ name: `blobs/sha256/${sha(blob)}`, body: blob });
  const top = options.nestedIndex ? inner : manifest;
  items.push({ name: 'index.json', body: JSON.stringify({ schemaVersion: 2, manifests: [{ digest: `sha256:${sha(top)}` }] }) });
  if (options.withManifestJson === true) {
    blobs.forEach((blob, index) => items.push({ name: `l${index}/` }, { name: `l${index}/layer.tar`, type: '2', linkTarget: `../blobs/sha256/${sha(blob)}` }));
    items.push({ name: 'manifest.json', body: JSON.stringify([{ Config: `blobs/sha256/${sha(cfg)}`, Layers: blobs.map((_, index) => `l${index}/layer.tar`) }]) });
  }
  return tar(items);
}

/** A buffer as a stream of small, oddly sized chunks: no header or body arrives whole. */
export async function* chunked(data: Buffer, size = 333): AsyncGenerator<Buffer> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

export interface ExportedImage {
  /** sha256:<config digest>, as the engine names the image. */
  readonly id: string;
  readonly diffIds: readonly string[];
}

/**
 * `docker save A B` of engine 20.10: each image gets a `<v1 id>/` folder per layer; a layer
 * already written for an earlier image is a symlink to that one's layer.tar (moby tarexport).
 */
export function legacyMultiExport(images: readonly (readonly Layer[])[]): { tar: Buffer; images: ExportedImage[] } {
  const written = new Map<string, string>();
  const folders: TarItem[][] = [];
  const configs: TarItem[] = [];
  const manifest: { Config: string; Layers: string[] }[] = [];
  const out: ExportedImage[] = [];
  images.forEach((layers, n) => {
    const tars = layers.map((layer) => tar(layer));
    const cfg = config(tars, layers.map((_, index) => `RUN step ${index + 1}`));
    const dirs = tars.map((_, index) => sha(Buffer.from(`v1-${n}-${index}`)));
    tars.forEach((layerTar, index) => {
      const dir = dirs[index] as string;
      const first = written.get(sha(layerTar));
      folders.push(first === undefined ? [{ name: `${dir}/` }, { name: `${dir}/layer.tar`, body: layerTar }] : [{ name: `${dir}/` }, { name: `${dir}/layer.tar`, type: '2', linkTarget: `../${first}/layer.tar` }]);
      if (first === undefined) written.set(sha(layerTar), dir);
    });
    configs.push({ name: `${sha(cfg)}.json`, body: cfg });
    manifest.push({ Config: `${sha(cfg)}.json`, Layers: dirs.map((dir) => `${dir}/layer.tar`) });
    out.push({ id: `sha256:${sha(cfg)}`, diffIds: tars.map((layerTar) => `sha256:${sha(layerTar)}`) });
  });
  // Name order, as the engine writes it.
  const items = [...folders.map((items) => ({ key: items[0]?.name ?? '', items })), ...configs.map((item) => ({ key: item.name, items: [item] }))].sort((a, b) => a.key.localeCompare(b.key)).flatMap((entry) => entry.items);
  items.push({ name: 'manifest.json', body: JSON.stringify(manifest) });
  return { tar: tar(items), images: out };
}
