// Compare `sdocker audit`'s container warnings with docker-bench-security's §5 on the same
// containers. Run after a build, as root, with docker-bench-security unpacked in BENCH_DIR:
//   node dist/test/helpers/audit-vs-bench.js /tmp/docker-bench-security
// docker-bench ff26d67 numbers §5 one above the rule table's CIS v1.6.0 ids (its 5.1 is the
// swarm check, moved from 7.1): its 5.N+1 is compared with our 5.N. It audits only running
// containers (`docker ps`), so a created one has no column of its.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { containerChecks } from '../../src/audit/checks/containers.js';
import { AUDIT_CASES, snapshotOf, startCase } from './audit-containers.js';
import { removeContainers, uniqueName } from './engine.js';

interface BenchTest { id: string; result: string; items?: string[] | string }

const benchDir = process.argv[2] ?? '/tmp/docker-bench-security';
const run = uniqueName('sdacont');
const label = `sdacont=${run}`;
const names = AUDIT_CASES.map((c) => `${run}-${c.key}`);
try {
  AUDIT_CASES.forEach((c, i) => startCase(c, names[i] as string, label));
  const log = `/tmp/${run}.log`;
  spawnSync('sh', ['docker-bench-security.sh', '-b', '-c', 'container_runtime', '-t', label, '-l', log], { cwd: benchDir, stdio: 'ignore' });
  const bench = JSON.parse(readFileSync(`${log}.json`, 'utf8')) as { tests: { results: BenchTest[] }[] };
  const benchTests = bench.tests.flatMap((t) => t.results);
  const ours = containerChecks(snapshotOf(names));
  console.log('| container | both warn | only docker-bench | only sdocker |\n|---|---|---|---|');
  for (const [i, c] of AUDIT_CASES.entries()) {
    const name = names[i] as string;
    const theirs = new Set(benchTests.filter((t) => t.result === 'WARN' && itemsOf(t).some((item) => names2(item).includes(name))).map((t) => ourId(t.id)));
    const mine = new Set(ours.filter((f) => f.target.name === name && f.result === 'warn' && f.cis?.startsWith('5.')).map((f) => `${f.cis} ${f.check}`));
    const mineCis = new Set([...mine].map((m) => m.split(' ')[0]));
    const both = [...mine].filter((m) => theirs.has(m.split(' ')[0] as string));
    const onlyBench = [...theirs].filter((id) => !mineCis.has(id));
    const onlyOurs = [...mine].filter((m) => !theirs.has(m.split(' ')[0] as string));
    console.log(`| ${c.key} | ${sorted(both)} | ${sorted(onlyBench)} | ${sorted(onlyOurs)} |`);
  }
} finally {
  removeContainers(...names);
}

function itemsOf(t: BenchTest): string[] {
  return Array.isArray(t.items) ? t.items : typeof t.items === 'string' ? t.items.trim().split(/\s+/) : [];
}

/** docker-bench items are `name`, `name:detail` or (5.30) `id:name`. */
function names2(item: string): string[] {
  return item.split(':');
}

function ourId(benchId: string): string {
  const [major, minor = '0'] = benchId.split('.');
  return `${major}.${Number(minor) - 1}`;
}

function sorted(list: readonly string[]): string {
  return [...list].sort((a, b) => Number(a.split(/[. ]/)[1]) - Number(b.split(/[. ]/)[1])).join(', ') || '-';
}
