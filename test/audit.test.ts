// sdocker audit without an engine: the snapshot reader against a source made of data, target
// selection, the running-as-root check, suppressions (and where they may come from), the
// report's three shapes and the exit codes --fail-on gives.
import test from 'ava';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { select } from '../src/audit/audit.js';
import { layerProgressLine, progressLine } from '../src/audit/progress.js';
import { isRootUser, runningAsRoot } from '../src/audit/checks/user.js';
import { parseAudit } from '../src/audit/options.js';
import { exitCodeFor, renderJson, renderText } from '../src/audit/report.js';
import { toAuditSarif } from '../src/audit/sarif.js';
import { readSnapshot } from '../src/audit/snapshot.js';
import { topTable } from '../src/audit/source-cli.js';
import type { AuditSource } from '../src/audit/source.js';
import { applySuppressions } from '../src/audit/suppress.js';
import type { AuditReport, RawImage } from '../src/audit/types.js';
import { SdockerError } from '../src/common/errors.js';
import { loadPolicy } from '../src/policy/load.js';
import { trustFile } from '../src/policy/trust.js';
import { fakeContainer, fakeImage, fakeSnapshot, finding } from './helpers/audit-fakes.js';

const ALL = (s: ReturnType<typeof fakeSnapshot>) => select(s, [], true);

test('running-as-root: Config.User for a stopped container, the process table for a running one', (t) => {
  const snapshot = fakeSnapshot([
    fakeContainer('stopped-root'),
    fakeContainer('stopped-user', { Config: { User: '1000:1000' } }),
    fakeContainer('switched', { State: { Status: 'running', Running: true, Pid: 9 }, processes: [{ USER: 'nobody', UID: '65534', PID: '9', COMMAND: 'httpd' }] }),
    fakeContainer('setuid', { Config: { User: '1000' }, State: { Status: 'running', Running: true, Pid: 9 }, processes: [{ UID: '1000', PID: '9', COMMAND: 'sh' }, { UID: '0', PID: '12', COMMAND: 'ping' }] }),
  ]);
  const byName = Object.fromEntries(runningAsRoot(snapshot, ALL(snapshot)).map((f) => [f.target.name, f]));
  t.is(byName['stopped-root']?.result, 'warn');
  t.is(byName['stopped-root']?.evidence, 'Config.User=""');
  t.is(byName['stopped-user']?.result, 'pass');
  t.is(byName['switched']?.result, 'pass', 'an entrypoint that switched user leaves no root process');
  t.is(byName['setuid']?.result, 'warn', 'a root process under a non-root USER is still root');
  t.regex(byName['setuid']?.evidence ?? '', /UID=0 PID=12 COMMAND=ping/);
  t.is(byName['setuid']?.cis, '4.1');
});

test('isRootUser: 0, 0:0, root and empty are root; a uid or another name is not', (t) => {
  for (const user of ['', '0', '0:0', '000', 'root', 'root:root']) t.true(isRootUser(user), user);
  for (const user of ['1000', '65534:65534', 'nginx', '10', 'rooter']) t.false(isRootUser(user), user);
});

/** A source made of data that records what it was asked. */
function fakeSource(containers: ReturnType<typeof fakeContainer>[], images: Record<string, RawImage>): AuditSource & { asked: string[] } {
  const asked: string[] = [];
  const byRef = (ref: string) => containers.find((c) => c.raw.Id === ref || c.raw.Name === `/${ref}`)?.raw;
  return {
    asked,
    endpoint: 'unix:///fake.sock',
    local: true,
    info: async () => (asked.push('info'), { SecurityOptions: [] }),
    version: async () => ({ ApiVersion: '1.41' }),
    bridgeIcc: async () => 'true',
    containerIds: async () => (asked.push('list'), containers.map((c) => c.raw.Id)),
    containers: async (ids, done) => ids.flatMap((id) => (asked.push(`inspect ${id}`), done(), byRef(id) ? [byRef(id)!] : [])),
    top: async (id) => (asked.push(`top ${id}`), [{ UID: '0', PID: '1', COMMAND: 'sh' }]),
    image: async (ref) => (asked.push(`image ${ref}`), images[ref] ?? Object.values(images).find((i) => i.RepoTags?.includes(ref))),
    history: async (ref) => (asked.push(`history ${ref}`), []),
  };
}

test('readSnapshot: every container once, top only for the running ones, each image once', async (t) => {
  const running = fakeContainer('web', { State: { Status: 'running', Running: true, Pid: 5 } });
  const stopped = fakeContainer('old');
  const source = fakeSource([running, stopped], { 'sha256:busybox': fakeImage('busybox:1').raw });
  const seen: number[] = [];
  const { snapshot, named } = await readSnapshot(source, { progress: (done) => seen.push(done) });
  t.deepEqual(named, []);
  t.deepEqual(snapshot.containers.map((c) => [c.raw.Name, c.processes?.length]), [['/web', 1], ['/old', undefined]]);
  t.deepEqual(source.asked.filter((a) => /^(top|image|history)/.test(a)), [`top ${running.raw.Id}`, 'image sha256:busybox', 'history sha256:busybox']);
  t.deepEqual([...snapshot.images.keys()], ['sha256:busybox']);
  t.is(snapshot.images.get('sha256:busybox')?.ref, 'busybox:1', "the container's own reference");
  t.deepEqual(seen, [1, 2]);
  t.is(source.asked[0], 'info', 'the engine is asked /info before anything fans out');
});

test('readSnapshot: a name is a container first, then an image, else unknown; nothing else is listed', async (t) => {
  const both = fakeContainer('app');
  const source = fakeSource([both], { 'sha256:app': { ...fakeImage('app', 'sha256:app').raw }, 'sha256:busybox': fakeImage('busybox:1').raw });
  const { snapshot, named } = await readSnapshot(source, { names: ['app', 'busybox:1', 'ghost'], engineOnly: true });
  t.deepEqual(named.map((n) => [n.name, n.kind]), [['app', 'container'], ['busybox:1', 'image'], ['ghost', 'unknown']]);
  t.false(source.asked.includes('list'), 'named targets: the container list is not read');
  t.is(snapshot.images.get('sha256:busybox')?.ref, 'busybox:1');
  const selected = select(snapshot, named, false);
  t.deepEqual(selected.containers.map((c) => c.raw.Name), ['/app']);
  t.deepEqual(selected.images.map((i) => i.ref), ['busybox:1']);
  t.false(selected.engine);
});

test('readSnapshot --engine alone reads no container', async (t) => {
  const source = fakeSource([fakeContainer('web')], {});
  const { snapshot } = await readSnapshot(source, { names: [], engineOnly: true });
  t.deepEqual(snapshot.containers, []);
  t.false(source.asked.some((a) => a === 'list' || a.startsWith('inspect')));
  const whole = await readSnapshot(source, {});
  t.is(whole.snapshot.containers.length, 1, 'the same source does list containers for a whole audit');
});

test('topTable: docker top columns, the last one may hold spaces', (t) => {
  t.deepEqual(topTable('USER   UID   PID   COMMAND\nroot   0     12    tmux: server\nnobody 65534 13 sh\n'), [
    { USER: 'root', UID: '0', PID: '12', COMMAND: 'tmux: server' },
    { USER: 'nobody', UID: '65534', PID: '13', COMMAND: 'sh' },
  ]);
});

const REPORT: AuditReport = {
  findings: [
    finding('web', 'running-as-root', 'pass'),
    finding('busybox:1', 'image-user', 'info', 'image'),
    finding('web', 'privileged', 'warn'),
    finding('unix:///var/run/docker.sock', 'icc', 'n/a', 'engine'),
  ],
  fixes: [{ target: { kind: 'container', name: 'web' }, command: ['sdocker', 'run', '-e', 'A=b c', 'busybox:1'] }],
  daemonJson: null,
};

test('JSON: exactly the contract, passes included, commands as argv', (t) => {
  const json = JSON.parse(renderJson(REPORT)) as Record<string, unknown>;
  t.deepEqual(Object.keys(json), ['findings', 'fixes', 'daemonJson']);
  t.deepEqual(json['findings'], REPORT.findings);
  t.deepEqual(Object.keys((json['findings'] as object[])[0] as object), ['target', 'check', 'cis', 'result', 'message', 'evidence']);
  t.deepEqual((json['fixes'] as { command: string[] }[])[0]?.command, ['sdocker', 'run', '-e', 'A=b c', 'busybox:1']);
  t.is(json['daemonJson'], null);
});

test('text: engine, containers, images; worst first; passes only with --verbose; colour only when asked', (t) => {
  const text = renderText(REPORT, { verbose: false, colour: false });
  const heads = text.split('\n').filter((line) => /^(engine|container|image) /.test(line));
  t.deepEqual(heads.map((h) => h.split('  ')[0]), ['engine unix:///var/run/docker.sock', 'container web', 'image busybox:1']);
  t.regex(text, /WARN {2}privileged: privileged is warn\n {8}Field=warn/);
  t.notRegex(text, /PASS/);
  t.regex(text, /fix: sdocker run -e 'A=b c' busybox:1/);
  t.regex(text, /sdocker audit: 3 targets: 1 warn, 1 info, 1 pass, 1 n\/a/);
  t.notRegex(text, /\u001b\[/);
  const verbose = renderText(REPORT, { verbose: true, colour: true });
  t.true(verbose.indexOf('WARN') < verbose.indexOf('PASS'), 'warn before pass');
  t.regex(verbose, /\u001b\[31mWARN\u001b\[0m/);
});

test('SARIF: warnings only, rule-table ids described by their row', (t) => {
  const sarif = toAuditSarif(REPORT.findings) as { runs: { tool: { driver: { rules: { id: string; properties: { cis: string } }[] } }; results: { ruleId: string; level: string; locations: unknown[] }[] }[] };
  const run = sarif.runs[0];
  t.deepEqual(run?.results.map((r) => [r.ruleId, r.level]), [['privileged', 'warning']]);
  t.deepEqual(run?.tool.driver.rules.map((r) => [r.id, r.properties.cis]), [['privileged', '5.5']]);
  t.deepEqual(run?.results[0]?.locations, [{ logicalLocations: [{ name: 'web', kind: 'container', fullyQualifiedName: 'container:web' }] }]);
});

test('--fail-on: 1 at or above the threshold, 0 below it', (t) => {
  const infoOnly = [finding('a', 'x', 'info'), finding('a', 'y', 'pass')];
  t.is(exitCodeFor(REPORT.findings, 'warn'), 1);
  t.is(exitCodeFor(infoOnly, 'warn'), 0);
  t.is(exitCodeFor(infoOnly, 'info'), 1);
  t.is(exitCodeFor([finding('a', 'y', 'pass'), finding('a', 'z', 'n/a')], 'info'), 0);
  t.is(exitCodeFor(REPORT.findings, 'none'), 0);
});

test('suppressions: a warn becomes info with its reason, only for its check and target', (t) => {
  const findings = [finding('web', 'privileged', 'warn'), finding('db', 'privileged', 'warn'), finding('web', 'running-as-root', 'pass')];
  const { findings: out, unused } = applySuppressions(findings, [
    { check: 'privileged', target: 'web', reason: 'a device driver test rig' },
    { check: 'running-as-root', reason: 'passes are not waived' },
  ]);
  t.deepEqual(out.map((f) => [f.target.name, f.check, f.result]), [['web', 'privileged', 'info'], ['db', 'privileged', 'warn'], ['web', 'running-as-root', 'pass']]);
  t.regex(out[0]?.message ?? '', /^suppressed \(a device driver test rig\); was warn: /);
  t.deepEqual(unused.map((s) => s.check), ['running-as-root']);
  t.is(exitCodeFor(out.filter((f) => f.target.name === 'web'), 'warn'), 0);
});

test("suppressions come from the user's config and, once trusted, the project's .sdocker.yml", async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'sdaudit-'));
  t.teardown(() => rmSync(home, { recursive: true, force: true }));
  const env = { HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_DATA_HOME: join(home, 'data') };
  mkdirSync(join(home, 'config', 'sdocker'), { recursive: true });
  writeFileSync(join(home, 'config', 'sdocker', 'config.yml'), 'audit:\n  suppress:\n    - {check: privileged, target: rig, reason: hardware tests}\n');
  const project = join(home, 'project');
  mkdirSync(project);
  writeFileSync(join(project, '.sdocker.yml'), 'audit:\n  suppress:\n    - {check: running-as-root, reason: we like root}\n');
  const untrusted = await loadPolicy({ profile: 'default', env, cwd: project, cliAllow: [] });
  t.deepEqual(untrusted.policy.audit?.suppress?.map((s) => s.check), ['privileged']);
  t.true(untrusted.warnings.some((w) => w.includes("ignoring 'audit.suppress'") && w.includes('sdocker trust')));
  trustFile(join(project, '.sdocker.yml'), env);
  const trusted = await loadPolicy({ profile: 'default', env, cwd: project, cliAllow: [] });
  t.deepEqual(trusted.policy.audit?.suppress?.map((s) => s.check), ['privileged', 'running-as-root'], 'both files count, accumulated');
  t.deepEqual(trusted.warnings, []);
});

test('a suppression without a reason is a config error (exit 2), naming the entry', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'sdaudit-'));
  t.teardown(() => rmSync(home, { recursive: true, force: true }));
  mkdirSync(join(home, 'sdocker'));
  writeFileSync(join(home, 'sdocker', 'config.yml'), 'audit:\n  suppress:\n    - {check: privileged}\n');
  const error = await t.throwsAsync(loadPolicy({ profile: 'default', env: { XDG_CONFIG_HOME: home }, cwd: home, cliAllow: [] }), { instanceOf: SdockerError });
  t.is((error as SdockerError).exitCode, 2);
  t.regex(error?.message ?? '', /'audit\.suppress\[0\]' must be \{check: ID, target: NAME \(optional\), reason: TEXT\}/);
});

test('options: defaults, choices checked (exit 2), --help prints and returns nothing', (t) => {
  t.deepEqual(parseAudit(['web', '--engine', '--format', 'json'], () => {}, {}), { targets: ['web'], engine: true, format: 'json', failOn: 'warn', verbose: false, profile: 'default' });
  const error = t.throws(() => parseAudit(['--fail-on', 'error'], () => {}, {}), { instanceOf: SdockerError });
  t.is((error as SdockerError).exitCode, 2);
  t.regex(error?.message ?? '', /^sdocker audit: option '--fail-on <level>' argument 'error' is invalid\. Allowed choices are warn, info, none; see sdocker audit --help$/);
  let help = '';
  t.is(parseAudit(['--help'], (text) => (help += text), {}), undefined);
  t.regex(help, /--fail-on <level>/);
});

test('progress: one line rewritten in place above 20 containers, cleared at the end; nothing for fewer', (t) => {
  let written = '';
  const few = progressLine((text) => (written += text));
  few(1, 20);
  few(-1, 0);
  t.is(written, '');
  const many = progressLine((text) => (written += text));
  many(1, 21);
  many(2, 21);
  many(-1, 0);
  t.is(written, '\rsdocker audit: reading containers 1/21\rsdocker audit: reading containers 2/21\r\u001b[K');
});

test('layer progress: image, layer and bytes on one line, redrawn at most every 100 ms within a layer, cleared at the end', (t) => {
  let written = '';
  let now = 0;
  const line = layerProgressLine((text) => (written += text), () => now);
  const at = { images: ['web:1', 'db:1'], layers: 3, size: 700 * 1024 * 1024 };
  line.update({ ...at, layer: 0, bytes: 0, size: 0 });
  line.update({ ...at, layer: 1, bytes: 1024 * 1024 });
  now = 50;
  line.update({ ...at, layer: 1, bytes: 2 * 1024 * 1024 });
  now = 150;
  line.update({ ...at, layer: 1, bytes: 312 * 1024 * 1024 });
  line.update({ ...at, layer: 2, bytes: 3 * 1024, size: 12 * 1024 });
  line.clear();
  t.deepEqual(written.split('\r\u001b[K').filter((part) => part !== ''), [
    "sdocker audit: reading image web:1 (and 1 more): waiting for the engine's export of 3 layers",
    'sdocker audit: reading image web:1 (and 1 more): layer 1/3, 1 of 700 MiB',
    'sdocker audit: reading image web:1 (and 1 more): layer 1/3, 312 of 700 MiB',
    'sdocker audit: reading image web:1 (and 1 more): layer 2/3, 3 of 12 KiB',
  ]);
  t.true(written.endsWith('\r\u001b[K'));
});
