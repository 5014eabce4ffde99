// Secrets in Debian images as `sdocker audit` reports them: the stock test image
// (sdocker-test/debian:1, debootstrap with servers) and sdtest/audit-deb-planted:1 (secrets
// planted on it: test/images/audit/deb-planted). dpkg itself is the oracle for which files a
// package installed unchanged (`dpkg --verify` in a container of the image) and which no package
// owns (`dpkg -S`). One audit reads both (the Debian layer once), with a cache of its own.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditReport, Finding } from '../src/audit/types.js';
import { CLI } from './helpers/cli.js';
import { LABEL_ARGS, engineSuite } from './helpers/engine.js';

const { named, cleanup } = engineSuite(test, 'sdadeb');
const STOCK = 'sdocker-test/debian:1';
const PLANTED = 'sdtest/audit-deb-planted:1';
const cache = mkdtempSync(join(tmpdir(), 'sdadeb-cache-'));
cleanup(() => rmSync(cache, { recursive: true, force: true }));
let report: AuditReport;

test.before(() => {
  const run = spawnSync(process.execPath, [CLI, 'audit', STOCK, PLANTED, '--format', 'json'], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cache }, maxBuffer: 64 << 20 });
  if (run.status !== 1) throw new Error(`sdocker audit exited ${run.status}: ${run.stderr}`);
  report = JSON.parse(run.stdout) as AuditReport;
});

/** What dpkg says in a container of the image (removed after the file). */
function inImage(image: string, ...command: string[]): { status: number | null; stdout: string } {
  const run = spawnSync('docker', ['run', ...LABEL_ARGS, '--name', named(), '--network', 'none', '--user', '0', image, ...command], { encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout };
}

const secrets = (image: string, result: Finding['result']): Finding[] => report.findings.filter((f) => f.target.name === image && f.check === 'image-secrets' && f.result === result);
const where = (f: Finding): string => f.message.split(' holds')[0] ?? '';

test('stock Debian: the example URL in perl\'s documentation is perl-modules-5.36\'s unchanged file (info); the snakeoil key, generated at install, warns', (t) => {
  t.is(inImage(STOCK, 'dpkg', '--verify', 'perl-modules-5.36').stdout, '', 'dpkg: the package\'s files are as installed');
  t.not(inImage(STOCK, 'dpkg', '-S', '/etc/ssl/private/ssl-cert-snakeoil.key').status, 0, 'dpkg: no package owns the key');
  t.deepEqual(secrets(STOCK, 'warn').map(where), ['file /etc/ssl/private/ssl-cert-snakeoil.key:1 in layer 1']);
  const info = secrets(STOCK, 'info');
  t.deepEqual(info.map((f) => f.message.split(':')[0]), ['1 secret-like match in files installed unchanged by package perl-modules-5.36 (/usr/share/perl/5.36.0/HTTP/Tiny.pm']);
});

test('planted: the changed package file, the image\'s own .env and a key deleted in a later layer warn, beside the base\'s key', (t) => {
  t.regex(inImage(PLANTED, 'dpkg', '--verify', 'perl-modules-5.36').stdout, /^..5\S* +\/usr\/share\/perl\/5\.36\.0\/HTTP\/Tiny\.pm$/m, 'dpkg: its digest no longer matches');
  t.deepEqual(secrets(PLANTED, 'warn').map(where).sort(), [
    'file /app/.env:1 in layer 2',
    'file /etc/ssl/private/ssl-cert-snakeoil.key:1 in layer 1 of the base image',
    'file /root/.ssh/id_ed25519:1 in layer 3 (deleted in a later layer, still in the image)',
    'file /usr/share/perl/5.36.0/HTTP/Tiny.pm:2141 in layer 2',
    'file /usr/share/perl/5.36.0/HTTP/Tiny.pm:2526 in layer 2',
  ]);
  // The base layer's copy of the file is still the package's: it alone is the info.
  t.deepEqual(secrets(PLANTED, 'info').map((f) => /\(([^)]*)\)/.exec(f.message)?.[1]), ['/usr/share/perl/5.36.0/HTTP/Tiny.pm:2141 in layer 1']);
  t.false(/ghp_[0-9a-f]{8}/.test(JSON.stringify(report)), 'tokens are masked');
});
