// Images for the image checks of `sdocker audit` (CIS §4), built with the engine's own builder
// FROM the local busybox test image, and read back the way the audit reads them: over the API
// (/images/NAME/json, /images/NAME/history, and /etc/passwd through a created container's
// /archive). The RUN lines end in `|| true` so that the history holds genuine `apt-get update`
// text although busybox has no apt-get. test/fixtures/audit-images/*.json were captured from
// these builds with `captureFixture` (engine 20.10.24, classic builder: no buildx here).
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { exchange } from '../../src/engine/http10.js';
import { readTar } from '../../src/engine/tar.js';
import type { ImageSnapshot, RawHistory, RawImage } from '../../src/audit/types.js';
import { IMAGE, LABEL_ARGS } from './engine.js';

const SOCKET = '/var/run/docker.sock';

/** Dockerfile bodies (after `FROM busybox`), by image short name; `URL` is replaced by a local HTTP URL. */
export const AUDIT_DOCKERFILES: Readonly<Record<string, string>> = {
  user0: 'USER 0\n',
  app: 'COPY a.txt /srv/a.txt\nUSER app\nHEALTHCHECK --interval=30s CMD ["true"]\n',
  toor: "RUN echo 'toor:x:0:0::/root:/bin/sh' >> /etc/passwd\nUSER toor\nHEALTHCHECK NONE\n",
  update: [
    'ARG MIRROR=deb.example',
    'RUN apt-get update || true',
    'RUN apt-get update && apt-get install -y --no-install-recommends curl || true',
    'RUN apk update || true',
    'RUN yum -y update || true',
    'RUN update-ca-certificates || true',
    'RUN echo preparing a long first command here; apt-get -o Acquire::Retries=3 update || true',
    'RUN apk add --update --no-cache tzdata || true',
    'USER 1000:1000',
    '',
  ].join('\n'),
  add: 'ENV LISTEN_ADDRESS=0.0.0.0\nADD files.tar /opt/\nADD URL /srv/remote.txt\nCOPY a.txt /srv/a.txt\nUSER 65534\n',
  addplain: 'ADD a.txt /srv/plain.txt\nADD files.tar /opt/unpacked\nUSER 65534\n',
};

export function auditImageName(short: string, suffix: string): string {
  return `sdtest-aimg-${short}:${suffix}`;
}

/** Serves a.txt on 127.0.0.1 for `ADD URL` (the local dockerd downloads it itself, from the host). */
export async function serveFile(): Promise<{ url: string; server: Server }> {
  const server = createServer((_request, response) => response.end('remote\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}/a.txt`, server };
}

/**
 * Builds one image with the legacy builder; the context holds a.txt and files.tar (a tar of a.txt).
 * Asynchronous: the `ADD URL` download is answered by serveFile's server in this same process.
 */
export async function buildAuditImage(name: string, body: string, url: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sdtest-aimg-'));
  try {
    writeFileSync(join(dir, 'a.txt'), 'hello\n');
    execFileSync('tar', ['-C', dir, '-cf', join(dir, 'files.tar'), 'a.txt']);
    writeFileSync(join(dir, 'Dockerfile'), `FROM ${IMAGE}\n${body.replace('URL', url)}`);
    await promisify(execFile)('docker', ['build', '-q', '-t', name, dir], { env: { ...process.env, DOCKER_BUILDKIT: '0' } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function getJson<T>(path: string): Promise<T> {
  const reply = await exchange(SOCKET, 'GET', path, undefined, 30_000);
  if (reply.status !== 200) throw new Error(`GET ${path}: ${reply.status} ${reply.body.slice(0, 200)}`);
  return JSON.parse(reply.body) as T;
}

/** /etc/passwd of an image, read from a created (never started) container's archive, which is then removed. */
export async function readPasswd(ref: string, containerName: string): Promise<string | undefined> {
  const created = execFileSync('docker', ['create', ...LABEL_ARGS, '--name', containerName, ref], { encoding: 'utf8' }).trim();
  try {
    const reply = await exchange(SOCKET, 'GET', `/containers/${created}/archive?path=/etc/passwd`, undefined, 30_000);
    if (reply.status !== 200) return undefined;
    // exchange decodes the body as UTF-8; tar headers and a passwd file are ASCII, so nothing is lost.
    return readTar(Buffer.from(reply.body, 'latin1'))[0]?.body?.toString('utf8');
  } finally {
    execFileSync('docker', ['rm', '-f', created], { stdio: 'ignore' });
  }
}

/** The snapshot of one image as the audit's reader would hold it. */
export async function readImage(ref: string, passwd?: string): Promise<ImageSnapshot> {
  const raw = await getJson<RawImage>(`/images/${encodeURIComponent(ref)}/json`);
  const history = await getJson<RawHistory[]>(`/images/${encodeURIComponent(ref)}/history`);
  return passwd === undefined ? { ref, raw, history } : { ref, raw, history, passwd };
}

/** Writes a fixture: the fields the checks read, captured from the engine (history Ids kept as the engine gave them). */
export function captureFixture(path: string, image: ImageSnapshot): void {
  writeFileSync(path, `${JSON.stringify(image, null, 2)}\n`);
}
