// The image checks of `sdocker audit` (CIS §4) on inspect and history captured from real builds
// (test/helpers/audit-images.ts says how; classic builder, engine 20.10.24), plus BuildKit's
// CreatedBy forms, which only a buildx client produces (none here): written from buildkit's
// dockerfile2llb convert.go (commitToHistory appends " # buildkit"; RUN via runCommandString).
import test from 'ava';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ContainerSnapshot, Finding, ImageSnapshot, RawContainer, RawHistory, Snapshot } from '../src/audit/types.js';
import { imageChecks } from '../src/audit/checks/images.js';
import { plainFileAdds, readAdd } from '../src/audit/checks/image-add.js';
import { readStep } from '../src/audit/checks/image-history.js';
import { packageActions } from '../src/audit/checks/image-update.js';
import { parseRef } from '../src/audit/checks/image-ref.js';
import { resolveUser } from '../src/audit/checks/image-user.js';

const DIR = fileURLToPath(new URL('../../test/fixtures/audit-images/', import.meta.url));
const fixture = (name: string): ImageSnapshot => JSON.parse(readFileSync(`${DIR}${name}.json`, 'utf8')) as ImageSnapshot;
const CONTAINERS = JSON.parse(readFileSync(`${DIR}containers.json`, 'utf8')) as RawContainer[];

function snapshot(images: ImageSnapshot[], containers: RawContainer[] = []): Snapshot {
  return {
    engine: { endpoint: 'unix:///var/run/docker.sock', local: true, info: {}, version: {}, bridgeIcc: undefined },
    containers: containers.map((raw): ContainerSnapshot => ({ raw, processes: undefined })),
    images: new Map(images.map((image) => [image.raw.Id, image])),
  };
}

/** `check result` of each finding for one image, in order. */
function verdicts(image: ImageSnapshot, check: string): string[] {
  return imageChecks(snapshot([image])).filter((f) => f.check === check).map((f) => `${f.result} ${f.evidence}`);
}

function only(image: ImageSnapshot, check: string): Finding {
  const found = imageChecks(snapshot([image])).filter((f) => f.check === check);
  if (found.length !== 1 || found[0] === undefined) throw new Error(`${found.length} ${check} findings`);
  return found[0];
}

const withoutPasswd = (image: ImageSnapshot): ImageSnapshot => ({ ref: image.ref, raw: image.raw, history: image.history });

test('4.1: no USER, USER 0 and a uid-0 name are root; a non-root name is resolved through the image passwd', (t) => {
  t.deepEqual(verdicts(fixture('busybox'), 'image-user'), ['warn Config.User=""']);
  t.regex(only(fixture('busybox'), 'image-user').message, /^runs as root: the image sets no USER/);
  t.deepEqual(verdicts(fixture('user0'), 'image-user'), ['warn Config.User="0"']);
  const toor = only(fixture('toor'), 'image-user');
  t.is(toor.result, 'warn');
  t.regex(toor.message, /toor is uid 0 in the image's \/etc\/passwd/);
  const app = only(fixture('app'), 'image-user');
  t.deepEqual([app.result, app.evidence, app.cis], ['pass', 'Config.User="app"', '4.1']);
  t.deepEqual(verdicts(fixture('update'), 'image-user'), ['pass Config.User="1000:1000"']);
});

test('4.1 without the passwd: a name is "could not resolve" (info), 0 and root stay root', (t) => {
  const app = only(withoutPasswd(fixture('app')), 'image-user');
  t.is(app.result, 'info');
  t.regex(app.message, /^could not resolve user "app"/);
  t.is(only(withoutPasswd(fixture('toor')), 'image-user').result, 'info', 'toor is root only by its passwd entry');
  t.is(only(withoutPasswd(fixture('user0')), 'image-user').result, 'warn');
});

test('4.1 resolution follows runc: the part before the colon, numbers are uids, a missing name fails', (t) => {
  const passwd = fixture('busybox').passwd;
  const kinds = ['', '0', '0:0', '00', 'root', 'root:root', ':1000', '1000', '1000:0', 'app', 'nobody:nogroup', 'ghost'].map((user) => `${user}=${resolveUser(user, passwd).kind}`);
  t.deepEqual(kinds, ['=root', '0=root', '0:0=root', '00=root', 'root=root', 'root:root=root', ':1000=root', '1000=user', '1000:0=user', 'app=user', 'nobody:nogroup=user', 'ghost=missing']);
  t.is(resolveUser('root', undefined).kind, 'root');
  t.is(resolveUser('app', undefined).kind, 'unresolved');
});

test('4.1 per container: only a Config.User that overrides the image is reported, with the image passwd', (t) => {
  const findings = imageChecks(snapshot([fixture('app'), fixture('user0')], CONTAINERS)).filter((f) => f.target.kind === 'container');
  t.deepEqual(
    findings.map((f) => `${f.target.name} ${f.check} ${f.result} ${f.evidence}`),
    [
      'sdtest-aimg-c-root user warn Config.User="0", image sdtest-aimg-app:fixture Config.User="app"',
      'sdtest-aimg-c-nobody user pass Config.User="nobody", image sdtest-aimg-user0:fixture Config.User="0"',
    ],
  );
});

test('4.6: HEALTHCHECK present passes; none and HEALTHCHECK NONE warn', (t) => {
  t.deepEqual(verdicts(fixture('app'), 'image-healthcheck'), ['pass Config.Healthcheck.Test=["CMD","true"]']);
  t.deepEqual(verdicts(fixture('busybox'), 'image-healthcheck'), ['warn Config.Healthcheck=null']);
  t.deepEqual(verdicts(fixture('toor'), 'image-healthcheck'), ['warn Config.Healthcheck.Test=["NONE"]']);
});

test('4.7: refresh-only RUNs warn, upgrade-only is info; install in the same RUN, update-ca-certificates and apk add --update pass', (t) => {
  t.deepEqual(verdicts(fixture('update'), 'image-update-only'), [
    'warn history[2].CreatedBy runs "apt-get -o Acquire::Retries=3 update" and installs nothing',
    'info history[4].CreatedBy runs "yum -y update" and installs nothing',
    'warn history[5].CreatedBy runs "apk update" and installs nothing',
    'warn history[7].CreatedBy runs "apt-get update" and installs nothing',
  ]);
  t.deepEqual(verdicts(fixture('app'), 'image-update-only'), ['pass history: 4 entries']);
});

test('4.7 reads the package manager verbs of each simple command', (t) => {
  const said = (command: string): string => packageActions(command).map((a) => a.action).join(',');
  t.is(said('set -eux; apt-get update; DEBIAN_FRONTEND=noninteractive apt-get install -y nginx && rm -rf /var/lib/apt/lists/*'), 'refresh,install');
  t.is(said('apk --no-cache add ca-certificates'), 'install');
  t.is(said('sudo /usr/bin/apt-get -qq update'), 'refresh');
  t.is(said('dnf -y makecache && dnf -y upgrade'), 'refresh,upgrade');
  t.is(said('yum update -y openssl'), 'install', 'named packages are installed');
  t.is(said('zypper --non-interactive ref'), 'refresh');
  t.is(said('update-ca-certificates && echo apt-get update'), '', 'neither is a package manager command');
});

test('4.9: ADD of a URL warns, of a local file or archive is info; COPY and ENV *ADDRESS* are not ADD', (t) => {
  const add = fixture('add');
  t.deepEqual(verdicts(add, 'image-add').map((v) => v.replace(/[0-9a-f]{64}/, '<sha>')), [
    'warn history[2].CreatedBy="ADD <sha> /srv/remote.txt"',
    'info history[3].CreatedBy="ADD file:<sha> /opt/"',
  ]);
  t.deepEqual(verdicts(fixture('app'), 'image-add'), ['pass history: 4 entries']);
});

test('4.9 reads BuildKit ADD steps, and spares the base image rootfs', (t) => {
  const entry = (CreatedBy: string, Comment = 'buildkit.dockerfile.v0'): RawHistory => ({ Id: '<missing>', Created: 0, CreatedBy, Size: 0, Comment });
  const kinds = (createdBy: string): string => (readAdd(readStep(entry(createdBy)))?.sources ?? []).map((s) => `${s.kind}:${s.source}`).join(' ');
  t.is(kinds('ADD --chown=1:1 https://user:pw@example.com/app.tgz?token=abc /opt/ # buildkit'), 'url:https://***@example.com/app.tgz?***');
  t.is(kinds('ADD rootfs.tar.xz conf.d /etc/ # buildkit'), 'archive:rootfs.tar.xz file:conf.d');
  t.is(kinds('ADD https://github.com/moby/buildkit.git#v0.12.0 /src # buildkit'), 'git:https://github.com/moby/buildkit.git#v0.12.0');
  const image: ImageSnapshot = {
    ...fixture('app'),
    history: [entry('ADD https://example.com/x.sh /x.sh # buildkit'), entry('RUN |1 TOKEN=s3cret /bin/sh -c apt-get update # buildkit'), entry('CMD ["/bin/sh"]'), entry('ADD alpine-minirootfs-3.20.3-x86_64.tar.gz / # buildkit')],
  };
  t.deepEqual(verdicts(image, 'image-add'), ['warn history[0].CreatedBy="ADD https://example.com/x.sh /x.sh"']);
  const local = { ...image, history: [entry('ADD conf.d /etc/conf.d/ # buildkit'), entry('ADD app.tar.gz /opt/ # buildkit'), entry('ADD plain.txt /app/plain.txt # buildkit')] };
  t.deepEqual(imageChecks(snapshot([local])).filter((f) => f.check === 'image-add').map((f) => `${f.result} ${f.message.split(':')[0]}`), [
    'warn ADD of a local file or folder, which ADD would unpack were it an archive',
    'info ADD unpacks a local archive into the image',
    'warn ADD of a local file or folder, which ADD would unpack were it an archive',
  ]);
  t.deepEqual(verdicts(image, 'image-update-only'), ['warn history[1].CreatedBy runs "apt-get update" and installs nothing']);
  t.false(JSON.stringify(imageChecks(snapshot([image]))).includes('s3cret'), 'build-arg values are not repeated');
  t.deepEqual(readStep(entry('USER 65532')), { instruction: 'USER', text: '65532', builder: 'buildkit' });
});

test('tags vs digests: a digest pins; latest warns with the digest to pin; a local image has none to pin', (t) => {
  const app = fixture('app');
  const id = app.raw.Id;
  const pulled = (ref: string): ImageSnapshot => ({ ...app, ref, raw: { ...app.raw, RepoDigests: ['registry:5000/other@sha256:1111', 'busybox@sha256:2222'] } });
  const tag = (image: ImageSnapshot): string => { const f = only(image, 'image-tag'); return `${f.result} ${f.message}`; };
  t.is(tag(pulled('busybox')), 'warn used by the tag "latest", which can be moved to other content; pin it as busybox@sha256:2222');
  t.is(tag(pulled('docker.io/library/busybox:1.36')), 'info used by the tag "1.36", which can be moved to other content; pin it as busybox@sha256:2222');
  t.is(tag(pulled('busybox@sha256:2222')).split(' ')[0], 'pass');
  t.is(tag(pulled('registry:5000/other')), 'warn used by the tag "latest", which can be moved to other content; pin it as registry:5000/other@sha256:1111');
  t.regex(tag(pulled(id.slice(7, 19))), /^info used by its local image id/);
  t.regex(tag(app), /^info used by the tag "fixture" and built or loaded locally: no registry digest to pin yet/);
  t.deepEqual(parseRef('localhost:5000/a/b'), { repository: 'localhost:5000/a/b', tag: undefined, digest: undefined });
});

test('4.4, 4.5 (content trust, retired) and 4.11 are n/a with the reason; every finding names its image', (t) => {
  const findings = imageChecks(snapshot([fixture('busybox')]));
  t.deepEqual(findings.filter((f) => f.result === 'n/a').map((f) => f.cis), ['4.4', '4.5', '4.11']);
  t.regex(findings.find((f) => f.cis === '4.5')?.message ?? '', /retiring Docker Content Trust/);
  t.true(findings.every((f) => f.target.kind === 'image' && f.target.name === 'sdocker-test/busybox:1'));
});

test('4.9, classic builder: a folder (dir:) warns; a file: source warns when its layer holds a regular file at the destination', (t) => {
  const entry = (CreatedBy: string): RawHistory => ({ Id: '<missing>', Created: 0, CreatedBy, Size: 1, Comment: '' });
  const history = [entry('/bin/sh -c #(nop) ADD file:' + 'a'.repeat(64) + ' in /app/plain.txt '), entry('/bin/sh -c #(nop) ADD file:' + 'b'.repeat(64) + ' in /opt/ '), entry('/bin/sh -c #(nop) ADD dir:' + 'c'.repeat(64) + ' in /etc/conf.d '), entry('ADD rootfs / ')];
  const config = { history: [{ created_by: 'rootfs' }, { created_by: 'dir' }, { created_by: 'tar' }, { created_by: 'plain' }], diffIds: [] };
  const file = (path: string, kind: 'file' | 'dir' = 'file') => ({ path, kind, mode: 0o644, uid: 0, gid: 0, size: 1 });
  const layers = [{ entries: [] }, { entries: [file('/etc/conf.d', 'dir'), file('/etc/conf.d/a')] }, { entries: [file('/opt', 'dir'), file('/opt/a.txt')] }, { entries: [file('/app', 'dir'), file('/app/plain.txt')] }];
  const added = plainFileAdds(history, config, layers);
  t.deepEqual(added, [0], 'only the file at /app/plain.txt: /opt/a.txt could be an unpacked archive');
  const image: ImageSnapshot = { ...fixture('app'), history, addedFiles: added };
  t.deepEqual(verdicts(image, 'image-add').map((v) => v.split(' ')[0]), ['warn', 'info', 'warn']);
});
