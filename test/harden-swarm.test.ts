// harden --target swarm (issue 11): the shape written for docker stack deploy, and each setting a
// swarm does not enforce reported as an `unenforced` finding. What the swarm does with this shape
// is asserted on a real swarm in swarm-harden.test.ts.
import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { hardenCompose } from '../src/compose/edit/harden.js';
import { restartPolicy, scratchName } from '../src/compose/swarm/swarm.js';
import { stackTakesPids } from '../src/compose/swarm/swarm-limits.js';
import { runCli } from './helpers/cli.js';

const DIR = mkdtempSync(join(tmpdir(), 'sdocker-swarm-shape-'));
const FILE = join(DIR, 'compose.yaml');
const OPTIONS = { profile: 'default', env: {}, cliAllow: [], seccomp: undefined, target: 'swarm' as const };

type Data = Record<string, any>;

async function harden(body: string, head = '', tail = '') {
  const result = await hardenCompose(`${head}services:\n  s:\n    image: sdocker-test/busybox:1\n${body}${tail}`, FILE, OPTIONS);
  const data = parseDocument(result.output).toJS() as Data;
  const of = (level: string): string[] => result.findings.filter((f) => f.level === level).map((f) => `${f.rule}: ${f.message}`);
  return { ...result, data, service: data['services']['s'] as Data, unenforced: of('unenforced'), warnings: of('warning'), notes: of('note') };
}

test('a swarm gets a tmpfs volume owned by the run user instead of tmpfs:, limits under deploy.resources, a restart policy', async (t) => {
  const { service, data } = await harden('');
  t.is(service['tmpfs'], undefined);
  t.deepEqual(service['volumes'], [{ type: 'volume', source: 'sd-tmpfs-s-tmp', target: '/tmp' }]);
  t.deepEqual(data['volumes'], { 'sd-tmpfs-s-tmp': { driver: 'local', driver_opts: { type: 'tmpfs', device: 'tmpfs', o: 'rw,noexec,nosuid,nodev,size=64m,uid=65534,gid=65534' } } });
  // The stack schema types cpus as a string and pids as an integer; beside the service it refuses them.
  t.deepEqual(service['deploy'], { resources: { limits: { memory: '512m', cpus: '1.0', pids: 256 } }, restart_policy: { condition: 'on-failure', max_attempts: 5 } });
  for (const key of ['mem_limit', 'memswap_limit', 'cpus', 'pids_limit', 'restart']) t.is(service[key], undefined, key);
  // As for compose: still written, and compose still applies them.
  t.deepEqual(service['cap_drop'], ['ALL']);
  t.is(service['read_only'], true);
  t.is(service['user'], '65534:65534');
  t.true((service['security_opt'] as string[]).includes('no-new-privileges:true'));
});

test('the compose target still writes tmpfs:, service-level limits and restart: (the swarm shape is opt-in)', async (t) => {
  const result = await hardenCompose('services:\n  s:\n    image: sdocker-test/busybox:1\n', FILE, { ...OPTIONS, target: 'compose' });
  const service = (parseDocument(result.output).toJS() as Data)['services']['s'] as Data;
  t.truthy(service['tmpfs']);
  t.is(service['mem_limit'], '512m');
  t.is(service['restart'], 'on-failure:5');
  t.false(result.findings.some((f) => f.level === 'unenforced'));
});

test('what a swarm does not enforce is reported with its rule, place and the version that adds it', async (t) => {
  const { unenforced, findings } = await harden('    ports:\n      - "8080:80"\n    tmpfs:\n      - /run\n');
  t.deepEqual(unenforced.map((u) => u.split(':')[0]).sort(), ['loopback-ports', 'memory', 'no-new-privileges', 'seccomp', 'tmpfs']);
  t.regex(unenforced.find((u) => u.startsWith('no-new-privileges')) ?? '', /API 1\.44 \(Docker 25\).*docker\/cli to v29\.7/);
  t.regex(unenforced.find((u) => u.startsWith('memory')) ?? '', /API 1\.52, Docker 29/);
  const port = findings.find((f) => f.rule === 'loopback-ports' && f.level === 'unenforced');
  t.deepEqual([port?.line, port?.col], [5, 9]);
  const tmpfs = findings.find((f) => f.rule === 'tmpfs' && f.level === 'unenforced');
  t.deepEqual([tmpfs?.line, tmpfs?.col, tmpfs?.service], [7, 9, 's']);
});

test("a file's own tmpfs at /tmp is reported, and no volume is mounted over it", async (t) => {
  const { service, data, unenforced } = await harden('    tmpfs: /tmp\n');
  t.is(service['volumes'], undefined);
  t.is(data['volumes'], undefined);
  t.true(unenforced.some((u) => u.startsWith('tmpfs: a swarm drops tmpfs /tmp')));
});

test('pids is written only where the stack schema takes it (3.9 on, or no version)', async (t) => {
  const old = await harden('', 'version: "3.8"\n');
  t.is(old.service['deploy']['resources']['limits']['pids'], undefined);
  t.true(old.unenforced.some((u) => u.startsWith('pids-limit: no pids limit on a swarm: the stack schema of version 3.8')));
  const newer = await harden('', 'version: "3.9"\n');
  t.is(newer.service['deploy']['resources']['limits']['pids'], 256);
  t.false(newer.unenforced.some((u) => u.startsWith('pids-limit')));
  t.deepEqual(['3', '3.13', 3.9, '3.10', undefined].map(stackTakesPids), [true, true, true, true, true]);
  t.deepEqual(['3.8', '2.4', '3.0', 3.1].map(stackTakesPids), [false, false, false, false]);
});

test("a limit the file sets beside the service is carried into deploy.resources.limits, and its own key reported (a stack refuses the file for it)", async (t) => {
  const { service, warnings } = await harden('    mem_limit: 256m\n    cpus: 0.5\n');
  t.deepEqual(service['deploy']['resources']['limits'], { memory: '256m', cpus: '0.5', pids: 256 });
  t.true(warnings.some((w) => w.startsWith('memory: docker stack deploy refuses the file for mem_limit beside the service')));
  t.true(warnings.some((w) => w.startsWith('cpus: docker stack deploy refuses the file for cpus beside the service')));
  const own = await harden('    deploy:\n      resources:\n        limits:\n          memory: 1g\n');
  t.is(own.service['deploy']['resources']['limits']['memory'], '1g');
  t.true(own.warnings.some((w) => w.startsWith('memory: deploy.resources.limits.memory 1g is above')));
});

test("the file's own restart policy is kept; an unbounded one is warned; restart: is said to be ignored", async (t) => {
  const own = await harden('    deploy:\n      restart_policy:\n        condition: any\n');
  t.deepEqual(own.service['deploy']['restart_policy'], { condition: 'any' });
  t.true(own.warnings.some((w) => w.includes('without max_attempts restarts a failing task forever')));
  const bounded = await harden('    deploy:\n      restart_policy:\n        condition: on-failure\n        max_attempts: 3\n');
  t.false(bounded.warnings.some((w) => w.startsWith('restart')));
  const plain = await harden('    restart: always\n');
  t.is(plain.service['restart'], 'always');
  t.deepEqual(plain.service['deploy']['restart_policy'], { condition: 'on-failure', max_attempts: 5 });
  t.true(plain.notes.some((n) => n.startsWith('restart: a swarm ignores restart:')));
});

test('a bridge network is reported: a stack cannot attach a service to it', async (t) => {
  const { warnings } = await harden('    networks: [inner]\n', '', 'networks:\n  inner:\n    driver: bridge\n');
  t.true(warnings.some((w) => w.startsWith('network: network inner has a local driver')));
  const overlay = await harden('    networks: [inner]\n', '', 'networks:\n  inner: {}\n');
  t.false(overlay.warnings.some((w) => w.startsWith('network:')));
});

test('volume names: one per service and path; restart values as swarm policies', (t) => {
  t.is(scratchName('web', '/tmp'), 'sd-tmpfs-web-tmp');
  t.is(scratchName('web', '/var/run/app/'), 'sd-tmpfs-web-var-run-app');
  t.deepEqual(restartPolicy('on-failure:5'), { condition: 'on-failure', max_attempts: 5 });
  t.deepEqual(restartPolicy('always'), { condition: 'any' });
  t.deepEqual(restartPolicy('no'), { condition: 'none' });
});

test('--check exits 1 on a swarm-hardened file for what a swarm does not enforce alone; JSON and SARIF carry it', async (t) => {
  const file = join(DIR, 'hardened.yaml');
  writeFileSync(file, 'services:\n  s:\n    image: sdocker-test/busybox:1\n');
  // Written as a user writes it: the file and its project copy of the seccomp profile.
  t.is((await runCli(['harden', '--target', 'swarm', '--write', file])).code, 0);
  const check = await runCli(['harden', '--target', 'swarm', '--check', file]);
  t.is(check.code, 1);
  t.regex(check.stdout, /hardened\.yaml:\d+:\d+: unenforced no-new-privileges \[s\]: /);
  t.notRegex(check.stdout, / change /);
  // The same file printed: exit 0, the findings on stderr.
  const print = await runCli(['harden', '--target', 'swarm', file]);
  t.is(print.code, 0);
  t.regex(print.stderr, /unenforced seccomp \[s\]/);
  const json = JSON.parse((await runCli(['harden', '--target', 'swarm', '--format', 'json', file])).stdout) as { level: string; rule: string }[];
  t.true(json.some((f) => f.level === 'unenforced' && f.rule === 'no-new-privileges'));
  const sarif = JSON.parse((await runCli(['harden', '--target', 'swarm', '--format', 'sarif', file])).stdout) as { runs: { results: { ruleId: string; level: string }[] }[] };
  t.true(sarif.runs[0]?.results.some((r) => r.ruleId === 'seccomp' && r.level === 'warning'));
  t.is((await runCli(['harden', '--target', 'kubernetes', file])).code, 2);
});
