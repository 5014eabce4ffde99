// The layer cache of `sdocker audit` on the real engine, with images of this file's own (FROM the
// busybox test image, one layer each on top of the shared base, so no other test exports them):
// the engine's "save" events say when an image was exported, and the reader's counts how many
// layers were read. A second audit of unchanged images exports nothing and reads no layer, and
// gives the same findings; a new image on a known base reads only its own layer. A terminal gets
// a progress line, a pipe nothing.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportImages, type ExportSource } from '../src/engine/image-export.js';
import { scanImages } from '../src/audit/image-scan.js';
import type { ImageSnapshot } from '../src/audit/types.js';
import { readImage } from './helpers/audit-images.js';
import { CLI } from './helpers/cli.js';
import { IMAGE, LABEL_ARGS, docker, engineSuite, uniqueName } from './helpers/engine.js';

const { cleanup } = engineSuite(test, 'sdalayers');
const suffix = uniqueName('t');
const names = [1, 2, 3].map((n) => `sdtest-alayers-${n}:${suffix}`);
const cache = mkdtempSync(join(tmpdir(), 'sdalayers-cache-'));
const env = { XDG_CACHE_HOME: cache };
cleanup(() => {
  spawnSync('docker', ['rmi', '-f', ...names, `sdtest-alayers-new:${suffix}`], { stdio: 'ignore' });
  rmSync(cache, { recursive: true, force: true });
});

function build(name: string, body: string): void {
  const built = spawnSync('docker', ['build', '-q', ...LABEL_ARGS, '-t', name, '-'], { input: `FROM ${IMAGE}\n${body}`, encoding: 'utf8', env: { ...process.env, DOCKER_BUILDKIT: '0' } });
  if (built.status !== 0) throw new Error(`docker build ${name}: ${built.stderr}`);
}

test.before(() => {
  names.forEach((name, n) => build(name, `RUN echo ${suffix}-${n} >/etc/sdtest-layer\nUSER 1000\n`));
});

/** The ids of these images the engine exported between two instants ("save" events). */
function exportedBetween(since: number, until: number, ids: readonly string[]): string[] {
  const events = docker('events', '--since', (since / 1000).toFixed(3), '--until', (until / 1000).toFixed(3), '--filter', 'type=image', '--filter', 'event=save', '--format', '{{.ID}}');
  return events.split('\n').filter((id) => ids.includes(id));
}

function audit(...args: string[]): { stdout: string; stderr: string; at: [number, number] } {
  const start = Date.now();
  const run = spawnSync(process.execPath, [CLI, 'audit', ...args, '--format', 'json'], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { stdout: run.stdout, stderr: run.stderr, at: [start, Date.now() + 1000] };
}

const ids = (): string[] => names.map((name) => docker('image', 'inspect', '--format', '{{.Id}}', name));

test.serial('the second audit of unchanged images exports none of them, and finds the same', (t) => {
  const first = audit(...names);
  t.deepEqual(exportedBetween(...first.at, ids()).sort(), [...ids()].sort(), 'the first audit exports each image');
  const second = audit(...names);
  t.deepEqual(exportedBetween(...second.at, ids()), [], 'the second exports none');
  t.deepEqual(JSON.parse(second.stdout), JSON.parse(first.stdout));
  t.is(second.stderr, '', 'nothing on a pipe');
});

test.serial('layers read: the shared base once for three images, none the second time, only its own for a new image on that base', async (t) => {
  const fresh = mkdtempSync(join(tmpdir(), 'sdalayers-fresh-'));
  t.teardown(() => rmSync(fresh, { recursive: true, force: true }));
  const snapshots: ImageSnapshot[] = await Promise.all(names.map((name) => readImage(name)));
  const exports: string[][] = [];
  const exporter = (source: ExportSource, refs: readonly string[]): AsyncIterable<Buffer> => (exports.push([...refs]), exportImages(source, refs));
  const how = { docker: 'docker', globals: [], env: { XDG_CACHE_HOME: fresh }, cwd: process.cwd(), exporter };
  const distinct = new Set(snapshots.flatMap((image) => image.raw.RootFS?.Layers ?? []));
  t.is(distinct.size, 4, 'the busybox base, and each image\'s own layer');
  const first = await scanImages(snapshots, how);
  t.deepEqual(first.count, { exports: 1, layersRead: 4, layersHashed: 0 });
  t.deepEqual(exports, [snapshots.map((image) => image.raw.Id)], 'one export for the three');
  const second = await scanImages(snapshots, how);
  t.deepEqual(second.count, { exports: 0, layersRead: 0, layersHashed: 0 });
  t.deepEqual(second.findings, first.findings);
  build(`sdtest-alayers-new:${suffix}`, `RUN echo new-${suffix} >/etc/sdtest-new\n`);
  const added = await scanImages([await readImage(`sdtest-alayers-new:${suffix}`)], how);
  t.deepEqual(added.count, { exports: 1, layersRead: 1, layersHashed: 1 }, 'the base is only hashed, and its hash checked');
});

test.serial('a terminal gets a progress line naming the image, the layer and the bytes; it is cleared before the report', (t) => {
  const fresh = mkdtempSync(join(tmpdir(), 'sdalayers-tty-'));
  t.teardown(() => rmSync(fresh, { recursive: true, force: true }));
  // script(1) gives the command a terminal for stderr; stdout goes to a file.
  const out = join(fresh, 'report.json');
  const run = spawnSync('script', ['-qec', `${process.execPath} ${CLI} audit ${names[0]} --format json >${out}`, '/dev/null'], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: fresh } });
  t.regex(run.stdout, new RegExp(`sdocker audit: reading image ${names[0]}: layer 1/2, \\d+(\\.\\d)? of \\d+(\\.\\d)? (KiB|MiB)`));
  t.true(run.stdout.trimEnd().endsWith('\r\u001b[K'), 'cleared at the end');
});
