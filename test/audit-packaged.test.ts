// Files a package manager installed are not the image's builder's secrets, when unchanged:
// dpkg's md5sums and apk's installed database read as they are written, and the image's secret
// findings from its merged layers: a package's unchanged file is one info naming the package; a
// changed one, an unpackaged one, a key generated at install time (in no package's list) and a
// secret deleted in a later layer stay warnings. Secrets are made at run time (see secrets.test.ts).
import test from 'ava';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { fileFacts, type FileFact } from '../src/audit/file-facts.js';
import { fileSecretFindings } from '../src/audit/image-secrets.js';
import { layerEntry, type LayerEntry } from '../src/audit/layer-merge.js';
import { mergeImage, type LayerRead } from '../src/audit/layers.js';
import { PackageIndex, packageRecords } from '../src/audit/packaged.js';
import { fakeGithubToken, leaks } from './helpers/secrets.js';
import { seeded } from './helpers/seed.js';

const TARGET = { kind: 'image', name: 'example/app:1' } as const;
const md5 = (text: string): string => createHash('md5').update(text).digest('hex');
const sha1 = (text: string): Buffer => createHash('sha1').update(text).digest();

test('dpkg md5sums: "<md5>  <path>" lines, the package from the file name (an :arch suffix dropped)', (t) => {
  const text = `${md5('a')}  usr/share/doc/x/README\n${md5('b')}  usr/bin/x\nnot a line\n`;
  t.deepEqual(packageRecords('/var/lib/dpkg/info/libx1:amd64.md5sums', Buffer.from(text)), {
    manager: 'dpkg',
    files: [['/usr/share/doc/x/README', 'libx1', `md5:${md5('a')}`], ['/usr/bin/x', 'libx1', `md5:${md5('b')}`]],
  });
  t.is(packageRecords('/var/lib/dpkg/info/x.list', Buffer.from(text)), undefined, 'the .list has no digests');
});

test("apk's installed database: R: files under the last F: folder, Z: Q1 + base64 sha1, per P: package", (t) => {
  const q1 = (text: string): string => `Q1${sha1(text).toString('base64')}`;
  const db = ['C:Q1xyz', 'P:musl', 'V:1.2.5-r0', 'F:lib', 'R:ld-musl-x86_64.so.1', `Z:${q1('musl')}`, '', 'P:busybox', 'F:bin', 'R:busybox', `Z:${q1('bb')}`, 'F:etc', 'R:securetty', `Z:${q1('tty')}`, 'R:no-digest', ''].join('\n');
  t.deepEqual(packageRecords('/lib/apk/db/installed', Buffer.from(db))?.files, [
    ['/lib/ld-musl-x86_64.so.1', 'musl', `sha1:${sha1('musl').toString('hex')}`],
    ['/bin/busybox', 'busybox', `sha1:${sha1('bb').toString('hex')}`],
    ['/etc/securetty', 'busybox', `sha1:${sha1('tty').toString('hex')}`],
  ]);
});

test('a listed path is found where it is in the image: /bin through a merged-/usr symlink', (t) => {
  const index = new PackageIndex([{ manager: 'dpkg', files: [['/bin/tool', 'tool', 'md5:1'], ['/usr/share/x', 'x', 'md5:2']] }], (path) => path.replace(/^\/bin(?=\/|$)/, '/usr/bin'));
  t.deepEqual(index.owner('/usr/bin/tool', ['md5:1']), { manager: 'dpkg', pkg: 'tool' });
  t.is(index.owner('/usr/bin/tool', ['md5:9']), undefined, 'another content');
  t.is(index.owner('/usr/share/y', ['md5:2']), undefined);
});

/** One layer of files (path -> text) as the audit keeps it: entries, and what fileFacts found. */
async function layer(files: Record<string, string>, extra: LayerEntry[] = []): Promise<LayerRead<FileFact>> {
  const entries: LayerEntry[] = [...extra];
  const found: { path: string; value: FileFact }[] = [];
  for (const [path, text] of Object.entries(files)) {
    entries.push(layerEntry(path, 'file', 0o644, 0, 0, text.length));
    const content = Buffer.from(text);
    for (const value of (await fileFacts({ path, layerKey: 'l', mode: 0o644, size: content.length, content, truncated: false })) ?? []) found.push({ path, value });
  }
  return { entries, found };
}

const DOC = '/usr/share/perl/5.36.0/HTTP/Tiny.pm';
// An example proxy URL with credentials, as Perl's HTTP::Tiny documents it (line 2141 in Debian 12): secretlint's basicauth rule matches it.
const DOC_TEXT = 'Only Basic proxy\nauthorization is supported and it must be provided as part of the proxy URL:\nC<http://user:pass@proxy.example.com/>.\n';

async function findingsOf(layers: LayerRead<FileFact>[], base?: number) {
  const config = { history: layers.map((_, i) => ({ created_by: `step ${i + 1}` })), diffIds: layers.map((_, i) => `sha256:${String(i).repeat(64)}`) };
  return fileSecretFindings(TARGET, mergeImage(config, config.diffIds, layers), base);
}

test('a package file installed unchanged: one info naming the package, not a warning; the md5sums in another layer count too', async (t) => {
  const sums = { [`/var/lib/dpkg/info/perl-modules-5.36.md5sums`]: `${md5(DOC_TEXT)}  ${DOC.slice(1)}\n` };
  const findings = await findingsOf([await layer({ [DOC]: DOC_TEXT, ...sums })]);
  t.deepEqual(findings.map((f) => f.result), ['info']);
  t.regex(findings[0]?.message ?? '', /^1 secret-like match in files installed unchanged by package perl-modules-5\.36 \(\/usr\/share\/perl\/5\.36\.0\/HTTP\/Tiny\.pm:3 in layer 1\): shipped by the distribution/);
  t.regex(findings[0]?.evidence ?? '', /^layer 1 \/usr\/share\/perl\/5\.36\.0\/HTTP\/Tiny\.pm:3: basicauth\/BasicAuth http….*, dpkg package perl-modules-5\.36's file as installed$/);
  const split = await findingsOf([await layer(sums), await layer({ [DOC]: DOC_TEXT })]);
  t.deepEqual(split.map((f) => f.result), ['info']);
});

test('the same file changed by the builder, an unpackaged file, a generated key and a deleted secret stay warnings', async (t) => {
  const token = fakeGithubToken(seeded(t));
  const key = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const sums = { '/var/lib/dpkg/info/perl-modules-5.36.md5sums': `${md5(DOC_TEXT)}  ${DOC.slice(1)}\n`, '/var/lib/dpkg/info/ssl-cert.md5sums': `${md5('x')}  usr/sbin/make-ssl-cert\n` };
  const base = await layer({ [DOC]: DOC_TEXT, ...sums, '/etc/ssl/private/ssl-cert-snakeoil.key': key });
  const own = await layer({ [DOC]: `${DOC_TEXT}# GITHUB_TOKEN=${token}\n`, '/app/.env': `GITHUB_TOKEN=${token}\n`, '/root/.ssh/id_ed25519': key });
  const removed = { entries: [layerEntry('/root/.ssh/.wh.id_ed25519', 'file', 0, 0, 0, 0)], found: [] };
  const findings = await findingsOf([base, own, removed], 1);
  const shown = findings.map((f) => `${f.result} ${f.message.split(' holds')[0]}`);
  t.deepEqual(shown, [
    'warn file /etc/ssl/private/ssl-cert-snakeoil.key:1 in layer 1 of the base image',
    'warn file /usr/share/perl/5.36.0/HTTP/Tiny.pm:3 in layer 2',
    'warn file /usr/share/perl/5.36.0/HTTP/Tiny.pm:4 in layer 2',
    'warn file /app/.env:1 in layer 2',
    'warn file /root/.ssh/id_ed25519:1 in layer 2 (deleted in a later layer, still in the image)',
    'info 1 secret-like match in files installed unchanged by package perl-modules-5.36 (/usr/share/perl/5.36.0/HTTP/Tiny.pm:3 in layer 1): shipped by the distribution, not written by this image\'s builder; nothing to do',
  ]);
  t.false(leaks(findings, token));
});

test('a file cut at the read limit is never taken for a package\'s: its digest is unknown', async (t) => {
  const content = Buffer.from(DOC_TEXT);
  const facts = await fileFacts({ path: DOC, layerKey: 'l', mode: 0o644, size: content.length + 10, content, truncated: true });
  t.deepEqual(facts?.map((f) => (f.kind === 'secret' ? f.digests : [])), [[]]);
});

test('merged /usr: a package lists /bin/x, the layer holds /usr/bin/x below the /bin -> usr/bin symlink', async (t) => {
  const script = `#!/bin/sh\n${DOC_TEXT}`;
  const links = [layerEntry('/bin', 'symlink', 0o777, 0, 0, 0, 'usr/bin'), layerEntry('/usr', 'dir', 0o755, 0, 0, 0), layerEntry('/usr/bin', 'dir', 0o755, 0, 0, 0)];
  const image = await layer({ '/usr/bin/proxy-example': script, '/var/lib/dpkg/info/tool.md5sums': `${md5(script)}  bin/proxy-example\n` }, links);
  t.deepEqual((await findingsOf([image])).map((f) => f.result), ['info']);
  const config = { history: [{}], diffIds: ['sha256:x'] };
  const tree = mergeImage(config, config.diffIds, [image]).tree;
  t.is(tree.resolve('/bin'), '/usr/bin');
  t.is(tree.resolve('/bin/proxy-example'), '/usr/bin/proxy-example');
  t.is(tree.resolve('/usr/../bin/./proxy-example'), '/usr/bin/proxy-example');
  t.is(tree.resolve('/etc/x'), '/etc/x');
});
