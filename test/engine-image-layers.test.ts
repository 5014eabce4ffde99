// The layer reader on the audit test images (test/images/audit/), read from the real engine
// through its socket (GET /images/NAME/get) and through `docker save`; what a container of the
// image sees (`stat`, `ls` in a container) and docker image inspect are the oracles.
import test from 'ava';
import { readImage } from '../src/audit/read-image.js';
import { baseLayerCount, imageFileChecks } from '../src/audit/image-files.js';
import type { RawHistory } from '../src/audit/types.js';
import type { ExportSource } from '../src/engine/image-export.js';
import type { LayerFile } from '../src/audit/layers.js';
import { exchange } from '../src/engine/http10.js';
import { docker, engineSuite, LABEL_ARGS } from './helpers/engine.js';

const { named } = engineSuite(test, 'sdtest-layers');
const SOCKET: ExportSource = { socketPath: '/var/run/docker.sock' };
const CLI: ExportSource = { docker: 'docker', globals: [] };

/** What a container of the image shows, with --restart no and removed after the file. */
function inContainer(image: string, ...command: string[]): string {
  return docker('run', '--name', named(), '--restart', 'no', ...LABEL_ARGS, '--network', 'none', image, ...command);
}

/** GET /images/NAME/history: `docker image history` lacks the Tags the base is told by. */
async function engineHistory(image: string): Promise<RawHistory[]> {
  return JSON.parse((await exchange('/var/run/docker.sock', 'GET', `/images/${encodeURIComponent(image)}/history`, undefined, 60_000)).body) as RawHistory[];
}

for (const [name, source] of [['socket', SOCKET], ['docker save', CLI]] as const) {
  test(`${name}: setuid added then removed by chmod u-s in a later layer is not a finding; the container agrees`, async (t) => {
    const image = 'sdtest/audit-setuid-removed:1';
    const read = await readImage(source, image);
    t.deepEqual(read.special, []);
    t.is(inContainer(image, 'stat', '-c', '%a', '/bin/sdtool'), '755');
    t.deepEqual(imageFileChecks({ kind: 'image', name: image }, read, 1).map((f) => f.result), ['pass']);
  });
}

test('a setuid file that stays: one warn finding, the layer that set it, not from the base image', async (t) => {
  const image = 'sdtest/audit-setuid:1';
  const read = await readImage(SOCKET, image);
  t.is(inContainer(image, 'stat', '-c', '%a', '/bin/sdtool'), '4755');
  const rootfs = JSON.parse(docker('image', 'inspect', '--format', '{{json .RootFS.Layers}}', image)) as string[];
  t.deepEqual(read.config.diffIds, rootfs);
  t.deepEqual(read.special.map((file) => `${file.path} ${file.mode.toString(8)} layer ${file.layer}`), ['/bin/sdtool 4755 layer 1']);
  const base = baseLayerCount(await engineHistory(image), read.config);
  t.is(base, (JSON.parse(docker('image', 'inspect', '--format', '{{json .RootFS.Layers}}', 'sdocker-test/busybox:1')) as string[]).length);
  const findings = imageFileChecks({ kind: 'image', name: image }, read, base);
  t.deepEqual(findings.map((f) => `${f.check} ${f.cis} ${f.result} ${f.evidence}`), ['image-setuid 4.8 warn layer 2 /bin/sdtool mode=4755 uid=0 gid=1000']);
  t.regex(findings[0]?.message ?? '', /setuid root file \/bin\/sdtool set in layer 2 \(RUN printf .*\), not from the base image/);
});

test('a key and a .env deleted in a later layer reach the scanner hook, marked deleted later; a container does not see them', async (t) => {
  const image = 'sdtest/audit-secret-deleted:1';
  const pick = (file: LayerFile): string[] => (file.path.startsWith('/app/') ? [file.content.toString('utf8')] : []);
  const read = await readImage(SOCKET, image, { onFile: pick });
  t.is(inContainer(image, 'ls', '-A', '/app'), '');
  const hits = new Map(read.hits.map((hit) => [hit.path, hit]));
  t.like(hits.get('/app/id_ed25519'), { layerIndex: 1, deletedLater: true, replacedLater: false });
  t.regex(hits.get('/app/id_ed25519')?.value ?? '', /^-----BEGIN PRIVATE KEY-----/);
  t.like(hits.get('/app/.env'), { layerIndex: 1, deletedLater: true });
  t.regex(hits.get('/app/.env')?.value ?? '', /GITHUB_TOKEN=ghp_[0-9a-f]{36}/);
});

test('the clean image: no setuid file, and every file of its layers offered to the hook', async (t) => {
  const image = 'sdtest/audit-clean:1';
  let files = 0;
  const read = await readImage(SOCKET, image, { onFile: () => void (files += 1) });
  t.deepEqual(imageFileChecks({ kind: 'image', name: image }, read, 1).map((f) => f.result), ['pass']);
  // Oracle: the regular files a container of it has, less the four the engine adds (/.dockerenv, hosts, hostname, resolv.conf).
  t.is(files, Number(inContainer(image, 'sh', '-c', 'find / -xdev -type f ! -path "/proc/*" ! -path "/sys/*" ! -path "/etc/hosts" ! -path "/etc/hostname" ! -path "/etc/resolv.conf" ! -path "/.dockerenv" | wc -l')));
});

test('an image the engine does not have: one line naming it, from either source', async (t) => {
  for (const source of [SOCKET, CLI]) {
    const error = await t.throwsAsync(readImage(source, 'sdtest/audit-missing:404'));
    t.regex(error?.message ?? '', /^sdocker: .*sdtest\/audit-missing:404.*(No such image|not found|reference does not exist)/i);
    t.false(error?.message.includes('\n'));
  }
});
