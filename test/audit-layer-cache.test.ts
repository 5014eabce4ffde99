// The audit's layer cache without an engine: the scanner key follows the sources that decide a
// record, the store keeps and refuses records as the other caches do (ours, writable by nobody
// else), and the reader exports only images with an unknown layer, reads each layer once, and
// checks a layer it skipped by size against the hash recorded for it.
import test from 'ava';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keyedCache } from '../src/cache/keyed.js';
import { readImagesFiles, type ReadProgress } from '../src/audit/layer-records.js';
import { layerStore, openLayerStore, type LayerStore } from '../src/audit/layer-store.js';
import { SCANNER_KEY, SCANNER_SOURCES } from '../src/audit/scanner-key.js';
import type { ImageSnapshot } from '../src/audit/types.js';
import { chunked, legacyMultiExport, type ExportedImage, type Layer } from './helpers/tar-build.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

test('the scanner key is the digest of the sources that decide a layer record (update it when they change)', (t) => {
  const hash = createHash('sha256');
  for (const name of SCANNER_SOURCES) {
    let text: string;
    if (name.startsWith('package.json#')) {
      const prefix = name.slice('package.json#'.length);
      const deps = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies;
      text = JSON.stringify(Object.entries(deps).filter(([key]) => key.startsWith(prefix)).sort());
    } else text = readFileSync(join(ROOT, name), 'utf8');
    hash.update(`${name}\0${text}\0`);
  }
  const key = hash.digest('hex').slice(0, 16);
  t.is(SCANNER_KEY, key, `a source of the layer scan changed: set SCANNER_KEY in src/audit/scanner-key.ts to '${key}'`);
});

function tempCache(): { env: NodeJS.ProcessEnv; dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'sdtest-layercache-'));
  return { env: { XDG_CACHE_HOME: dir }, dir: join(dir, 'sdocker'), done: () => rmSync(dir, { recursive: true, force: true }) };
}

const DIFF = `sha256:${'a'.repeat(64)}`;
const RECORD = { size: 2048, sha256: 'b'.repeat(64), entries: [{ path: '/bin', kind: 'symlink' as const, mode: 0o777, uid: 0, gid: 0, size: 0, link: 'usr/bin' }, { path: '/etc/x', kind: 'file' as const, mode: 0o4755, uid: 0, gid: 0, size: 3 }], found: [] };

test('a record comes back as written; the folder and files are private; a name that is not a digest is refused', (t) => {
  const cache = tempCache();
  t.teardown(cache.done);
  const store = openLayerStore(cache.env) as LayerStore;
  store.putLayer(DIFF, RECORD);
  store.putLayer('sha256:../../etc', RECORD);
  t.deepEqual(store.layer(DIFF), RECORD);
  t.is(store.layer('sha256:../../etc'), undefined);
  const folder = join(cache.dir, `audit-layers-${SCANNER_KEY}`);
  t.deepEqual(readdirSync(folder), [`layer-${'a'.repeat(64)}.json.gz`]);
  t.deepEqual(store.layer(`sha256:${'c'.repeat(64)}`), undefined);
});

test('a record another user could have written is not read: a group-writable folder or file', (t) => {
  const cache = tempCache();
  t.teardown(cache.done);
  openLayerStore(cache.env)?.putLayer(DIFF, RECORD);
  const folder = join(cache.dir, `audit-layers-${SCANNER_KEY}`);
  const file = join(folder, `layer-${'a'.repeat(64)}.json.gz`);
  chmodSync(file, 0o620);
  t.is(openLayerStore(cache.env)?.layer(DIFF), undefined, 'group-writable file');
  chmodSync(file, 0o600);
  chmodSync(folder, 0o770);
  t.is(openLayerStore(cache.env)?.layer(DIFF), undefined, 'group-writable folder');
  chmodSync(folder, 0o700);
  t.deepEqual(openLayerStore(cache.env)?.layer(DIFF), RECORD);
});

test('a corrupt or misshapen record is not used; an older scanner\'s folder is removed by the first write; at most `keep` files stay', (t) => {
  const cache = tempCache();
  t.teardown(cache.done);
  const old = keyedCache(cache.env, 'audit-layers', 'old', 10);
  old?.put('layer-x', { any: 1 });
  const store = openLayerStore(cache.env) as LayerStore;
  store.putLayer(DIFF, RECORD);
  t.false(readdirSync(cache.dir).includes('audit-layers-old'));
  const file = join(cache.dir, `audit-layers-${SCANNER_KEY}`, `layer-${'a'.repeat(64)}.json.gz`);
  writeFileSync(file, 'not gzip', { mode: 0o600 });
  t.is(store.layer(DIFF), undefined);
  const raw = keyedCache(cache.env, 'audit-layers', SCANNER_KEY, 10);
  raw?.put(`layer-${'a'.repeat(64)}`, { size: 1, sha256: '', entries: [['/x', 99, 0, 0, 0, 0]], found: [] });
  t.is(store.layer(DIFF), undefined, 'an entry kind that does not exist');
  const small = keyedCache(cache.env, 'pruned', '1', 2);
  for (const name of ['a', 'b', 'c']) small?.put(name, name);
  t.is(readdirSync(join(cache.dir, 'pruned-1')).length, 2);
});

/** The snapshot of an exported image, as the engine's inspect gives it (RootFS.Layers, newest history first). */
function snapshotOf(image: ExportedImage, ref: string): ImageSnapshot {
  const history = image.diffIds.map((_, index) => ({ Id: '<missing>', Created: 0, CreatedBy: `RUN step ${index + 1}`, Size: 1, Comment: '' })).reverse();
  return { ref, raw: { Id: image.id, RepoTags: [ref], RepoDigests: [], Config: {}, RootFS: { Layers: image.diffIds } }, history };
}

const BASE: Layer = [{ name: 'bin/' }, { name: 'bin/sh', mode: 0o755, body: 'ELF' }, { name: 'etc/' }, { name: 'etc/passwd', body: 'root:x:0:0::/root:/bin/sh\n' }];
const app = (n: number): Layer => [{ name: 'app/' }, { name: `app/${n}.txt`, body: `app ${n}\n` }];

/** An exporter over one synthetic export, counting the exports asked for. */
function exporter(tar: Buffer): { exports: string[][]; exporter: (source: unknown, ids: readonly string[]) => AsyncIterable<Buffer> } {
  const exports: string[][] = [];
  return { exports, exporter: (_source, ids) => (exports.push([...ids]), chunked(tar, 4096)) };
}

function memoryStore(): LayerStore {
  const files = new Map<string, unknown>();
  return layerStore({ get: (name) => files.get(name), put: (name, value) => void files.set(name, JSON.parse(JSON.stringify(value)) as unknown) });
}

test('three images on one base: one export, the base read once; again: no export and no layer read', async (t) => {
  const exported = legacyMultiExport([[BASE, app(1)], [BASE, app(2)], [BASE, app(3)]]);
  const images = exported.images.map((image, n) => snapshotOf(image, `app${n}:1`));
  const engine = exporter(exported.tar);
  const store = memoryStore();
  const progress: ReadProgress[] = [];
  const first = await readImagesFiles(images, { source: { socketPath: '/nowhere' }, store, exporter: engine.exporter, progress: (p) => progress.push(p) });
  t.deepEqual(first.count, { exports: 1, layersRead: 4, layersHashed: 0 });
  t.deepEqual(engine.exports, [exported.images.map((image) => image.id)]);
  t.deepEqual(first.files.get(images[2]!.raw.Id)?.layers.map((layer) => layer.entries.map((e) => e.path)), [['/bin', '/bin/sh', '/etc', '/etc/passwd'], ['/app', '/app/3.txt']]);
  t.like(progress[0], { images: ['app0:1', 'app1:1', 'app2:1'], layer: 0, layers: 4 });
  t.true(progress.some((p) => p.layer === 4 && p.bytes === p.size && p.size > 0));
  const again = await readImagesFiles(images, { source: { socketPath: '/nowhere' }, store, exporter: engine.exporter });
  t.deepEqual(again.count, { exports: 0, layersRead: 0, layersHashed: 0 });
  t.is(engine.exports.length, 1);
  t.deepEqual(again.files.get(images[0]!.raw.Id), first.files.get(images[0]!.raw.Id));
});

test('a new image on a known base: exported, its own layer read, the base only hashed and checked', async (t) => {
  const store = memoryStore();
  const one = legacyMultiExport([[BASE, app(1)]]);
  await readImagesFiles([snapshotOf(one.images[0]!, 'app1:1')], { source: { socketPath: '/nowhere' }, store, exporter: exporter(one.tar).exporter });
  const two = legacyMultiExport([[BASE, app(2)]]);
  const read = await readImagesFiles([snapshotOf(two.images[0]!, 'app2:1')], { source: { socketPath: '/nowhere' }, store, exporter: exporter(two.tar).exporter });
  t.deepEqual(read.count, { exports: 1, layersRead: 1, layersHashed: 1 });
});

test('an unknown layer the size of a known one is skipped, found out by its hash, and read in a second export', async (t) => {
  const store = memoryStore();
  const one = legacyMultiExport([[BASE, app(1)]]);
  await readImagesFiles([snapshotOf(one.images[0]!, 'app1:1')], { source: { socketPath: '/nowhere' }, store, exporter: exporter(one.tar).exporter });
  // On top of the known two, a layer of app(1)'s size (one byte of content differs): the reader takes it for the known one at first.
  const twin: Layer = [{ name: 'app/' }, { name: 'app/1.txt', body: 'app 9\n' }];
  const two = legacyMultiExport([[BASE, app(1), twin]]);
  const engine = exporter(two.tar);
  const read = await readImagesFiles([snapshotOf(two.images[0]!, 'twin:1')], { source: { socketPath: '/nowhere' }, store, exporter: engine.exporter });
  t.is(engine.exports.length, 2);
  t.deepEqual(read.count, { exports: 2, layersRead: 3, layersHashed: 3 }, 'the second export skips nothing');
  const layers = read.files.get(two.images[0]!.id)?.layers ?? [];
  t.is(layers[2]?.sha256, two.images[0]!.diffIds[2]?.slice('sha256:'.length), 'the twin is recorded under its own digest');
  t.deepEqual(layers[2]?.entries.map((e) => e.path), ['/app', '/app/1.txt']);
});
