// The image checks of `sdocker audit` on images built here by the engine's builder and read
// over its API (inspect, history, /etc/passwd through a created container's archive), as the
// audit's snapshot reader does. The images are this file's own and are removed after it.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import type { Server } from 'node:http';
import type { Finding, ImageSnapshot, Snapshot } from '../src/audit/types.js';
import { imageChecks } from '../src/audit/checks/images.js';
import { scanImages, withLayerFacts } from '../src/audit/image-scan.js';
import { AUDIT_DOCKERFILES, auditImageName, buildAuditImage, readImage, readPasswd, serveFile } from './helpers/audit-images.js';
import { IMAGE, engineSuite, uniqueName } from './helpers/engine.js';

const { named, cleanup } = engineSuite(test, 'sdtest-aimg');
// The run's id in every tag (no --label: the classic builder adds it as a step of the history these tests read).
const suffix = uniqueName('x').slice(2);
const images = new Map<string, ImageSnapshot>();
let server: Server | undefined;
cleanup(() => {
  server?.close();
  const names = Object.keys(AUDIT_DOCKERFILES).map((short) => auditImageName(short, suffix));
  spawnSync('docker', ['rmi', '-f', ...names], { stdio: 'ignore' });
});

test.before(async () => {
  const served = await serveFile();
  server = served.server;
  for (const [short, body] of Object.entries(AUDIT_DOCKERFILES)) {
    const name = auditImageName(short, suffix);
    await buildAuditImage(name, body, served.url);
    images.set(short, await readImage(name, await readPasswd(name, named())));
  }
  images.set('busybox', await readImage(IMAGE, await readPasswd(IMAGE, named())));
});

function findings(short: string, check: string): Finding[] {
  const image = images.get(short);
  if (image === undefined) throw new Error(`no image ${short}`);
  const s: Snapshot = { engine: { endpoint: 'unix:///var/run/docker.sock', local: true, info: {}, version: {}, bridgeIcc: undefined }, containers: [], images: new Map([[image.raw.Id, image]]) };
  return imageChecks(s).filter((f) => f.check === check);
}

const results = (short: string, check: string): string[] => findings(short, check).map((f) => f.result);

test('the passwd is read from the image through the API, and resolves USER names', (t) => {
  t.regex(images.get('toor')?.passwd ?? '', /^toor:x:0:0:/m, 'the line the Dockerfile appended');
  t.deepEqual(results('busybox', 'image-user'), ['warn']);
  t.deepEqual(results('user0', 'image-user'), ['warn']);
  t.deepEqual(results('toor', 'image-user'), ['warn'], 'toor is uid 0 in its own passwd');
  t.deepEqual(results('app', 'image-user'), ['pass']);
  t.deepEqual(results('add', 'image-user'), ['pass'], 'USER 65534');
});

test('HEALTHCHECK: present passes, absent and NONE warn', (t) => {
  t.deepEqual(results('app', 'image-healthcheck'), ['pass']);
  t.deepEqual(results('busybox', 'image-healthcheck'), ['warn']);
  t.deepEqual(findings('toor', 'image-healthcheck').map((f) => f.evidence), ['Config.Healthcheck.Test=["NONE"]']);
});

test('update-only RUN steps are found in the engine history, by step', (t) => {
  const history = images.get('update')?.history ?? [];
  const flagged = findings('update', 'image-update-only').map((f) => `${f.result} ${history[Number(/history\[(\d+)\]/.exec(f.evidence)?.[1])]?.CreatedBy ?? ''}`);
  t.deepEqual(flagged, [
    'warn |1 MIRROR=deb.example /bin/sh -c echo preparing a long first command here; apt-get -o Acquire::Retries=3 update || true',
    'info |1 MIRROR=deb.example /bin/sh -c yum -y update || true',
    'warn |1 MIRROR=deb.example /bin/sh -c apk update || true',
    'warn |1 MIRROR=deb.example /bin/sh -c apt-get update || true',
  ]);
  t.deepEqual(results('app', 'image-update-only'), ['pass']);
});

test('ADD from a URL warns and ADD of a local tar is info; an image with only COPY passes', (t) => {
  const add = findings('add', 'image-add');
  t.deepEqual(add.map((f) => f.result), ['warn', 'info']);
  t.regex(add[0]?.evidence ?? '', /^history\[2\]\.CreatedBy="ADD [0-9a-f]{64} \/srv\/remote\.txt"$/, 'the classic builder records a URL as a bare hash');
  t.regex(add[1]?.evidence ?? '', /^history\[3\]\.CreatedBy="ADD file:[0-9a-f]{64} \/opt\/"$/);
  t.deepEqual(results('app', 'image-add'), ['pass']);
});

test('ADD of a local plain file warns once the layers show it landed as a file; an archive unpacked into a folder stays info', async (t) => {
  const plain = images.get('addplain') as ImageSnapshot;
  const tar = images.get('add') as ImageSnapshot;
  const scan = await scanImages([plain, tar], { docker: 'docker', globals: [], env: {}, cwd: process.cwd(), store: null });
  const judged = (image: ImageSnapshot): string[] => {
    const [seen] = withLayerFacts([image], scan);
    const s: Snapshot = { engine: { endpoint: 'unix:///var/run/docker.sock', local: true, info: {}, version: {}, bridgeIcc: undefined }, containers: [], images: new Map([[image.raw.Id, seen as ImageSnapshot]]) };
    return imageChecks(s).filter((f) => f.check === 'image-add').map((f) => `${f.result} ${f.evidence.replace(/[0-9a-f]{64}/, '<sha>')}`);
  };
  t.deepEqual(judged(plain), ['info history[1].CreatedBy="ADD file:<sha> /opt/unpacked"', 'warn history[2].CreatedBy="ADD file:<sha> /srv/plain.txt"']);
  t.deepEqual(judged(tar).map((v) => v.split(' ')[0]), ['warn', 'info'], 'the URL, and the archive');
});

test('locally built images have no registry digest: the tag finding says there is none to pin yet', (t) => {
  const tag = findings('app', 'image-tag');
  t.deepEqual(tag.map((f) => [f.result, f.evidence]), [['info', `ref="${auditImageName('app', suffix)}", RepoDigests=[]`]]);
});
