// The secret scanner of `sdocker audit` (issue 10, CIS 4.10): secretlint's recommended preset by
// value, key-name heuristics, masking. Every fake secret is made at run time (drawn from the
// test's seeded generator, in the format its rule expects), so this repository holds none, and no
// assertion message, log line or finding printed by this file ever contains one.
import test from 'ava';
import { generateKeyPairSync } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { findSecrets, imageConfigSecretChecks, maskSecret, scannableText, secretFinding, type SecretHit } from '../src/audit/secrets.js';
import type { ImageSnapshot } from '../src/audit/types.js';
import { fakeAwsSecret, fakeGithubToken, fakeSlackToken, fakeStripeKey, imageWith, leaks } from './helpers/secrets.js';
import { derive, drawBytes, random, repeatLine, SEED, seeded, type Rnd } from './helpers/seed.js';

const IMAGE = { kind: 'image', name: 'example/app:1' } as const;

function shown(hits: readonly SecretHit[]): string[] {
  return hits.map((h) => `${h.by}:${h.what}${h.key === undefined ? '' : `:${h.key}`}`);
}

test("AWS's published example keys are skipped by secretlint; a format-valid fake is a warn, masked", async (t) => {
  const published = await findSecrets('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', { kind: 'env', name: 'AWS_SECRET_ACCESS_KEY' });
  // The value rule lets AWS's documentation example through; the name still says "secret".
  // ...and a secret-named variable with a key-like value is a warn all the same (audit-aws-env).
  t.deepEqual(shown(published), ['value:secret-like name/key-like value']);
  const secret = fakeAwsSecret(seeded(t));
  const hits = await findSecrets(secret, { kind: 'env', name: 'AWS_SECRET_ACCESS_KEY' });
  t.deepEqual(shown(hits), ['value:aws/AWSSecretAccessKey']);
  const finding = secretFinding(IMAGE, hits[0]!);
  t.is(finding.result, 'warn');
  t.is(finding.cis, '4.10');
  t.is(finding.evidence, `Config.Env AWS_SECRET_ACCESS_KEY=${secret.slice(0, 4)}…(40 chars)`);
  t.regex(finding.message, /^ENV AWS_SECRET_ACCESS_KEY holds a secret \(aws\/AWSSecretAccessKey\): rotate it, and pass it when the container starts/);
  t.false(leaks(finding, secret));
});

test('a PEM private key in a file is a warn with its path, line and layer; a public key and a certificate are not', async (t) => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  for (const type of ['pkcs1', 'pkcs8'] as const) {
    const pem = rsa.privateKey.export({ type, format: 'pem' }).toString();
    const hits = await findSecrets(`# deploy key\n${pem}`, { kind: 'file', name: '/root/.ssh/id_rsa', layer: 3, fromBase: false });
    t.deepEqual(shown(hits), ['value:privatekey/PrivateKey'], type);
    const finding = secretFinding(IMAGE, hits[0]!);
    t.is(finding.evidence, 'layer 3 /root/.ssh/id_rsa:2: privatekey/PrivateKey ----…(' + (pem.length - 1) + ' chars)');
    t.regex(finding.message, /^file \/root\/\.ssh\/id_rsa:2 in layer 3 holds a secret \(privatekey\/PrivateKey\): rotate it, and mount it when the container starts instead of copying it into the image \(no later layer can remove it\)$/);
    t.false(leaks(finding, pem.split('\n')[1]!), type);
  }
  const publicKey = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  t.deepEqual(await findSecrets(publicKey, { kind: 'file', name: '/etc/app/key.pub', layer: 1 }), []);
  t.true(rootCertificates.length > 0);
  t.deepEqual(await findSecrets(rootCertificates.join('\n'), { kind: 'file', name: '/etc/ssl/certs/ca-certificates.crt', layer: 0, fromBase: true }), []);
});

test('a .env file: a GitHub token by value (warn) and a password by name (info), each with its line', async (t) => {
  const rnd = seeded(t);
  const token = fakeGithubToken(rnd);
  const password = drawBytes(rnd, 12).toString('hex');
  const text = `# app settings\nGITHUB_TOKEN=${token}\nexport DB_PASSWORD="${password}"\nNODE_VERSION=20.19.0\nDB_PASSWORD_FILE=/run/secrets/db\n`;
  const hits = await findSecrets(text, { kind: 'file', name: '/app/.env', layer: 5, fromBase: false });
  t.deepEqual(shown(hits), ['value:github/GITHUB_TOKEN', 'name:secret-like name:DB_PASSWORD']);
  t.deepEqual(hits.map((h) => h.line), [2, 3]);
  t.deepEqual(hits.map((h) => secretFinding(IMAGE, h).result), ['warn', 'info']);
  t.is(secretFinding(IMAGE, hits[1]!).evidence, `layer 5 /app/.env:3: secret-like name DB_PASSWORD=${password.slice(0, 4)}…(24 chars)`);
  t.false(leaks(hits, token) || leaks(hits, password));
  // The same lines in a file not named like a dotenv file: only the value rule speaks.
  t.deepEqual(shown(await findSecrets(text, { kind: 'file', name: '/app/settings.txt', layer: 5 })), ['value:github/GITHUB_TOKEN']);
});

test('Slack tokens are found by value; Stripe keys by their name and key-like value (no Stripe rule in the recommended preset)', async (t) => {
  const rnd = seeded(t);
  const slack = fakeSlackToken(rnd);
  t.deepEqual(shown(await findSecrets(`token: ${slack}\n`, { kind: 'file', name: '/etc/bot.yml', layer: 2 })), ['value:slack/SLACK_TOKEN']);
  t.deepEqual(shown(await findSecrets(slack, { kind: 'label', name: 'com.example.notify' })), ['value:slack/SLACK_TOKEN']);
  const stripe = fakeStripeKey(rnd);
  t.deepEqual(shown(await findSecrets(stripe, { kind: 'env', name: 'STRIPE_SECRET_KEY' })), ['value:secret-like name/key-like value']);
  t.deepEqual(await findSecrets(stripe, { kind: 'env', name: 'PAYMENT_PROVIDER' }), []);
});

test('negatives: versions, checksums, GPG fingerprints, paths, references and empty values', async (t) => {
  const quiet: [string, string][] = [
    ['NGINX_VERSION', '1.27.0'],
    ['PYTHON_SHA256', drawBytes(seeded(t), 32).toString('hex')],
    ['GPG_KEY', 'A035C8C19219BA821ECEA86B64E628F8D684696D'],
    ['GPG_KEYS', '7169605F62C751356D054A26A821E680E5FA6305 FCEF32E745F2C3D5FB6F1A6C4C59E5A3B7AB4B18'],
    ['SIGNING_KEY_ID', '0x4A4E7A4C1A6A3D11'],
    ['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin'],
    ['HOME', '/root'],
    ['PWD', '/app'],
    ['POSTGRES_PASSWORD_FILE', '/run/secrets/postgres'],
    ['DB_PASSWORD', ''],
    ['DB_PASSWORD', '${DB_PASSWORD}'],
    ['REGISTRY_URL', 'https://registry.example.com/v2/'],
    ['TOKEN_TTL', '3600'],
  ];
  for (const [name, value] of quiet) t.deepEqual(await findSecrets(value, { kind: 'env', name }), [], name);
  // The same path speaks when it should: a real-looking value under a secret name, a URL with credentials.
  t.deepEqual(shown(await findSecrets('changeme', { kind: 'env', name: 'DB_PASSWORD' })), ['name:secret-like name']);
  t.deepEqual(shown(await findSecrets('https://deploy:hunter2hunter2@registry.example.com/', { kind: 'env', name: 'REGISTRY_URL' })), ['value:basicauth/BasicAuth']);
});

test('masking: 4 characters only for long values, the length always, never the value', (t) => {
  t.is(maskSecret('ghp_0123456789abcdef0123456789abcdef0123'), 'ghp_…(40 chars)');
  t.is(maskSecret('hunter2'), '…(7 chars)');
  t.is(maskSecret('\n\tAB0123456789abcdef'), '??AB…(20 chars)');
});

test('binary and oversized files are skipped without scanning; text is decoded', (t) => {
  t.is(scannableText(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 1])), undefined);
  t.is(scannableText(new Uint8Array((1 << 20) + 1).fill(0x41)), undefined);
  t.is(scannableText(Buffer.from('KEY=value\n')), 'KEY=value\n');
});

test('an image: ENV, labels and history (build arguments and ENV steps) are scanned, a clean one passes', async (t) => {
  const rnd = seeded(t);
  const secret = fakeAwsSecret(rnd);
  const token = fakeGithubToken(rnd);
  const image: ImageSnapshot = imageWith({
    env: ['PATH=/usr/bin:/bin', `AWS_SECRET_ACCESS_KEY=${secret}`, 'NGINX_VERSION=1.27.0'],
    labels: { 'org.opencontainers.image.version': '1.0', 'com.example.api-token': 'abcd1234efgh5678' },
    history: ['/bin/sh -c #(nop) ADD file:0123 in / ', `|1 NPM_TOKEN=${token} /bin/sh -c npm ci`, '/bin/sh -c #(nop)  ENV ADMIN_PASSWORD=s3cretAdminPw'],
  });
  const findings = await imageConfigSecretChecks(image);
  t.deepEqual(findings.map((f) => `${f.result} ${f.message.split(' holds')[0]!.split(' is named')[0]}`), [
    'warn ENV AWS_SECRET_ACCESS_KEY',
    'info label com.example.api-token',
    'warn history step 1 (oldest first)',
    'info history step 2 (oldest first) (ADMIN_PASSWORD)',
  ]);
  t.false(leaks(findings, secret) || leaks(findings, token) || leaks(findings, 's3cretAdminPw'));
  const clean = await imageConfigSecretChecks(imageWith({ env: ['PATH=/usr/bin', 'PYTHON_VERSION=3.12.4'], labels: {}, history: ['/bin/sh -c #(nop)  CMD ["sh"]'] }));
  t.deepEqual(clean.map((f) => [f.result, f.check, f.cis]), [['pass', 'image-secrets', '4.10']]);
});

test("a key ending in '/' or '+' slips past secretlint's aws rule (its pattern ends in \\b); the name and key-like value still warn", async (t) => {
  const rnd = seeded(t);
  for (const last of ['/', '+']) {
    const key = fakeAwsSecret(rnd).slice(0, 39) + last;
    t.deepEqual(shown(await findSecrets(key, { kind: 'env', name: 'AWS_SECRET_ACCESS_KEY' })), ['value:secret-like name/key-like value'], `ending in ${last}`);
  }
});

/** What each fake must give, whatever was drawn: the rule it is made for, or nothing. */
async function verdicts(rnd: Rnd): Promise<string[][]> {
  const file = (name: string): { kind: 'file'; name: string; layer: number } => ({ kind: 'file', name, layer: 1 });
  const stripe = fakeStripeKey(rnd);
  const slipping = `${fakeAwsSecret(rnd).slice(0, 39)}${rnd() < 0.5 ? '/' : '+'}`;
  return [
    shown(await findSecrets(slipping, { kind: 'env', name: 'AWS_SECRET_ACCESS_KEY' })),
    shown(await findSecrets(fakeAwsSecret(rnd), { kind: 'env', name: 'AWS_SECRET_ACCESS_KEY' })),
    shown(await findSecrets(`token = ${fakeGithubToken(rnd)}\n`, file('/etc/app.conf'))),
    shown(await findSecrets(`token: ${fakeSlackToken(rnd)}\n`, file('/etc/bot.yml'))),
    shown(await findSecrets(stripe, { kind: 'env', name: 'STRIPE_SECRET_KEY' })),
    shown(await findSecrets(stripe, { kind: 'env', name: 'PAYMENT_PROVIDER' })),
    shown(await findSecrets(`DB_PASSWORD="${drawBytes(rnd, 12).toString('hex')}"\n`, file('/app/.env'))),
    shown(await findSecrets(drawBytes(rnd, 32).toString('hex'), { kind: 'env', name: 'PYTHON_SHA256' })),
  ];
}

test('every fake matches the rule it is made for, for each of 1,000 seeds', async (t) => {
  t.log(repeatLine());
  const expected = [['value:secret-like name/key-like value'], ['value:aws/AWSSecretAccessKey'], ['value:github/GITHUB_TOKEN'], ['value:slack/SLACK_TOKEN'], ['value:secret-like name/key-like value'], [], ['name:secret-like name:DB_PASSWORD'], []];
  const wrong: { draw: number; got: string[][] }[] = [];
  for (let i = 0; i < 1000; i += 1) {
    const got = await verdicts(random(derive(SEED, `fakes ${i}`)));
    if (JSON.stringify(got) !== JSON.stringify(expected)) wrong.push({ draw: i, got });
  }
  // Only rule names are compared and shown, never a drawn value.
  t.deepEqual(wrong, []);
});
