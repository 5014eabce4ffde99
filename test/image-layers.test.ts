import test from 'ava';
import { tarEntries } from '../src/engine/tar-stream.js';
import { readImageLayers, type LayerFile } from '../src/audit/layers.js';
import { baseLayerCount, imageFileChecks } from '../src/audit/image-files.js';
import type { RawHistory, Target } from '../src/audit/types.js';
import { chunked, legacyExport, ociExport, tar, type Layer } from './helpers/tar-build.js';

const TARGET: Target = { kind: 'image', name: 'x:1' };
const base: Layer = [{ name: './' }, { name: './bin/' }, { name: './bin/busybox', mode: 0o755, body: 'ELF' }, { name: './bin/su', mode: 0o4755, body: 'su' }, { name: './etc/' }, { name: './etc/passwd', body: 'root:x:0:0::/root:/bin/sh\n' }];

/** Every file's text, as the secrets scanner would see it. */
const texts = (file: LayerFile): string[] => [file.content.toString('utf8')];

test('tar headers: ustar prefix, PAX path, GNU long name, in chunks that split every header', async (t) => {
  const long = `deep/${'d'.repeat(90)}/${'e'.repeat(40)}/file.txt`;
  const data = tar([
    { name: long, body: 'prefix' },
    { name: `pax/${long}`, body: 'pax', longName: 'pax' },
    { name: `gnu/${long}`, body: 'gnu', longName: 'gnu' },
    { name: 'link', type: '2', linkTarget: 'deep' },
  ]);
  const seen: string[] = [];
  for await (const { header, body } of tarEntries(chunked(data, 7))) {
    const parts: Buffer[] = [];
    for await (const part of body) parts.push(part);
    seen.push(`${header.name}=${Buffer.concat(parts).toString()}${header.linkTarget}`);
  }
  t.deepEqual(seen, [`${long}=prefix`, `pax/${long}=pax`, `gnu/${long}=gnu`, 'link=deep']);
});

test('a setuid binary with its bit removed by a later layer is not in the merged image; one that stays is, with the layer that set it', async (t) => {
  const removed = await readImageLayers(chunked(legacyExport([base, [{ name: 'bin/tool', mode: 0o4755, body: 'x' }], [{ name: 'bin/tool', mode: 0o755, body: 'x' }]])));
  t.deepEqual(removed.special.map((file) => file.path), ['/bin/su']);
  // A later chown that keeps the bit does not move "the layer that set it".
  const kept = await readImageLayers(chunked(legacyExport([base, [{ name: 'bin/tool', mode: 0o4755, body: 'x' }], [{ name: 'bin/tool', mode: 0o4755, uid: 1000, body: 'x' }]])));
  t.like(kept.special.find((file) => file.path === '/bin/tool'), { layer: 1, mode: 0o4755, uid: 1000 });
});

test('whiteouts: a file, a folder with everything below it, an opaque folder keeps only its own layer, and only lower layers are hit', async (t) => {
  const layers: Layer[] = [
    [...base, { name: 'app/' }, { name: 'app/keep' }, { name: 'app/sub/' }, { name: 'app/sub/s', mode: 0o2755 }, { name: 'opt/' }, { name: 'opt/old', mode: 0o4711 }],
    [{ name: 'bin/.wh.su' }, { name: 'app/.wh.sub' }, { name: 'opt/.wh..wh..opq' }, { name: 'opt/new', mode: 0o4755 }, { name: 'etc/.wh.shadow' }, { name: 'etc/shadow', mode: 0o6755 }],
  ];
  const merged = await readImageLayers(chunked(legacyExport(layers)));
  t.deepEqual(merged.special.map((file) => `${file.path}@${file.layer}`), ['/etc/shadow@1', '/opt/new@1']);
  t.is(merged.tree.fate('/app/keep', 0), 'kept');
  t.is(merged.tree.fate('/app/sub/s', 0), 'deleted');
  t.is(merged.tree.fate('/opt/old', 0), 'deleted');
});

test('a file replaced by a folder, and a folder by a file, takes what was below with it', async (t) => {
  const merged = await readImageLayers(chunked(legacyExport([[{ name: 'a', mode: 0o4755 }, { name: 'b/' }, { name: 'b/c', mode: 0o4755 }], [{ name: 'a/' }, { name: 'a/x' }, { name: 'b' }]])));
  t.deepEqual(merged.special, []);
  t.is(merged.tree.fate('/b/c', 0), 'deleted');
  t.is(merged.tree.fate('/a/x', 1), 'kept');
});

test('every layer\'s files reach onFile, placed at the end: deleted later, replaced later, or kept', async (t) => {
  const layers: Layer[] = [base, [{ name: 'root/' }, { name: 'root/id_rsa', body: '-----BEGIN KEY-----' }, { name: 'app/' }, { name: 'app/.env', body: 'TOKEN=1' }], [{ name: 'root/.wh.id_rsa' }, { name: 'app/.env', body: 'TOKEN=2' }]];
  const read = await readImageLayers(chunked(legacyExport(layers)), { onFile: (file) => (file.path.startsWith('/bin') || file.path.startsWith('/etc') ? [] : texts(file)) });
  const hits = read.hits.map((hit) => `${hit.path}@${hit.layerIndex} ${hit.value} deleted=${hit.deletedLater} replaced=${hit.replacedLater}`).sort();
  t.deepEqual(hits, [
    '/app/.env@1 TOKEN=1 deleted=false replaced=true',
    '/app/.env@2 TOKEN=2 deleted=false replaced=false',
    '/root/id_rsa@1 -----BEGIN KEY----- deleted=true replaced=false',
  ]);
});

test('content handed to onFile is cut at maxFileBytes, and says so', async (t) => {
  const big = 'A'.repeat(5000);
  const read = await readImageLayers(chunked(legacyExport([[{ name: 'big', body: big }, { name: 'small', body: 'ok' }]]), 1000), {
    maxFileBytes: 1024,
    onFile: (file) => [`${file.path} ${file.content.length}/${file.size} ${file.truncated}`],
  });
  t.deepEqual(read.hits.map((hit) => hit.value), ['/big 1024/5000 true', '/small 2/2 false']);
});

for (const [title, options] of [
  ['OCI layout with gzip layers (index.json only)', {}],
  ['OCI layout behind a nested index', { nestedIndex: true }],
  ['engine 25 layout: manifest.json and <id>/layer.tar symlinks into blobs/', { withManifestJson: true }],
] as const) {
  test(`${title}: layers found, decompressed by magic, merged in order`, async (t) => {
    const layers: Layer[] = [base, [{ name: 'bin/tool', mode: 0o4755, body: 'x' }, { name: 'key.pem', body: 'secret' }], [{ name: 'bin/tool', mode: 0o755 }, { name: '.wh.key.pem' }]];
    const read = await readImageLayers(chunked(ociExport(layers, options), 4096), { onFile: (file) => (file.path === '/key.pem' ? texts(file) : []) });
    t.deepEqual(read.special.map((file) => file.path), ['/bin/su']);
    t.is(read.layerKeys.length, 3);
    t.like(read.hits[0], { path: '/key.pem', layerIndex: 1, deletedLater: true, value: 'secret' });
  });
}

test('a stream cut in the middle of a layer is an error, not a short answer', async (t) => {
  const data = legacyExport([base, [{ name: 'big', body: 'B'.repeat(4096) }]]);
  const cut = data.subarray(0, data.indexOf(Buffer.from('B'.repeat(64))) + 100);
  await t.throwsAsync(readImageLayers(chunked(cut)), { message: /ended in the middle/ });
});

const history = (tags: (string[] | null)[]): RawHistory[] => tags.map((Tags, index) => ({ Id: `id${index}`, Created: 0, CreatedBy: '', Size: 0, Comment: '', Tags }));

test('base layers: the newest tagged entry below the image itself; unknown without one', (t) => {
  const config = { diffIds: [], history: [{ created_by: 'ADD rootfs' }, { created_by: 'CMD sh', empty_layer: true }, { created_by: 'COPY x' }, { created_by: 'RUN chmod' }] };
  // API history is newest first: [RUN chmod (image), COPY x, CMD sh (base: tagged), ADD rootfs].
  t.is(baseLayerCount(history([['app:1'], null, ['base:1'], null]), config), 1);
  t.is(baseLayerCount(history([['app:1'], null, null, null]), config), undefined);
  t.is(baseLayerCount(history([['app:1'], null]), config), undefined);
});

test('imageFileChecks: warn for a setuid file of the image\'s own layers, info for the base\'s, pass without any', async (t) => {
  const read = await readImageLayers(chunked(legacyExport([base, [{ name: 'bin/tool', mode: 0o4755, body: 'x' }]], ['ADD rootfs', 'COPY tool /bin/tool'])));
  const findings = imageFileChecks(TARGET, read, 1);
  t.deepEqual(findings.map((f) => `${f.check} ${f.cis} ${f.result} ${f.evidence}`), [
    'image-setuid 4.8 warn layer 2 /bin/tool mode=4755 uid=0 gid=0',
    'image-setuid 4.8 info layer 1 /bin/su mode=4755 uid=0 gid=0',
  ]);
  t.regex(findings[0]?.message ?? '', /setuid root file \/bin\/tool set in layer 2 \(COPY tool \/bin\/tool\), not from the base image/);
  t.is(imageFileChecks(TARGET, read, undefined).filter((f) => f.result === 'warn').length, 2);
  const clean = await readImageLayers(chunked(legacyExport([[{ name: 'bin/busybox', mode: 0o755 }]])));
  t.deepEqual(imageFileChecks(TARGET, clean, 1).map((f) => f.result), ['pass']);
});
