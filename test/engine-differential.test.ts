// Differential property test judged by the engine (issue 8, point 7; issue 21): generated
// `run`/`create` command lines mix dangerous options, in every spelling docker accepts (Go's case
// folding, `.`-prefixed sources, a profile that changes between reads), with benign look-alikes.
// For each, sdocker either refuses (exit 125, nothing created), or the container `docker create`
// makes from sdocker's final argv shows no danger in `docker inspect` (test/helpers/oracle.ts,
// written apart from sdocker's own checks). sdocker decides in-process (main with the real engine
// for facts); docker runs its argv as `create` against sdocker's judging socket, so the engine's
// judge has its say, and a case only the judge refused is a disagreement of the static reading.
// SDOCKER_PROP_SEED=N repeats a run; SDOCKER_PROP_CASES=N changes its size.
import test from 'ava';
import { execFile } from 'node:child_process';
import { asCreate, generateCase, rawCreate, type Case } from './helpers/cases.js';
import type { Fixtures, Kind } from './helpers/dangers.js';
import { decide, dockerAsync, sdockerEnv, engineWorld, inspectAll, listContainers, listVolumes, makeFixtures, pool, removeFixtures, writeFlipFiles, type Decision } from './helpers/differential.js';
import { spawnSync } from 'node:child_process';
import { CLI } from './helpers/cli.js';
import { engineProblem } from './helpers/engine.js';
import { onSignal } from './helpers/on-signal.js';
import { engineDefaults, findDangers } from './helpers/oracle.js';
import { random, repeatLine, SEED } from './helpers/seed.js';
import { groupBypasses, show, type Bypass } from './helpers/verdicts.js';

const CASES = Number(process.env['SDOCKER_PROP_CASES'] || 2000);
const RAW_CASES = 600;
const WIDTH = 4;

let fx: Fixtures | undefined;
test.before(async () => {
  const problem = engineProblem();
  if (problem !== undefined) throw new Error(problem);
  fx = await makeFixtures();
});
const removeAll = (): void => {
  if (fx !== undefined) removeFixtures(fx);
  fx = undefined;
};
test.after.always(removeAll);
// Its hundreds of containers go also when ava's timeout or Ctrl-C ends the worker.
onSignal(removeAll);

function fixtures(): Fixtures {
  if (fx === undefined) throw new Error('fixtures were not made');
  return fx;
}

function cases(seed: number, count: number, first: number, dangers?: number): Case[] {
  const rnd = random(seed);
  return Array.from({ length: count }, (_, i) => generateCase(rnd, fixtures(), first + i, dangers));
}

interface Outcome {
  readonly c: Case;
  readonly decision: Decision | undefined;
  readonly crash?: string;
}

async function decideAll(all: readonly Case[]): Promise<Outcome[]> {
  return pool(all, WIDTH, async (c) => {
    try {
      return { c, decision: await decide(c.argv, fixtures()) };
    } catch (error) {
      return { c, decision: undefined, crash: error instanceof Error ? error.stack ?? error.message : String(error) };
    }
  });
}

// A refusal is exit 125 with sdocker's own words: before docker ran (the static reading), or after
// docker asked the judging socket to create it (the engine's judge); any other 125 is a failure to judge.
const refusedStatically = (o: Outcome): boolean => o.decision?.code === 125 && o.decision.runs.length === 0 && o.decision.stderr.startsWith('sdocker: refusing');
const refusedByJudge = (o: Outcome): boolean => o.decision?.code === 125 && o.decision.runs.length === 1 && /^sdocker: refusing /m.test(o.decision.stderr);
const isRefused = (o: Outcome): boolean => refusedStatically(o) || refusedByJudge(o);
const isAccepted = (o: Outcome): boolean => o.decision?.code === 0 && o.decision.runs.length === 1;
/** A profile that changed after sdocker read it: only the engine's copy shows it (the judge's by design). */
const onlyTheEngineSees = (o: Outcome): boolean => o.c.argv.some((w) => /flip-\d+\.json/.test(w)) && (o.decision?.stderr ?? '').split('\n').filter((line) => line.startsWith('sdocker: refusing')).every((line) => /seccomp-unconfined/.test(line));
/** docker's own error (a conflict of options it rejects): sdocker let it through, docker refused it. */
const dockerRejected = (o: Outcome): boolean => o.decision !== undefined && o.decision.runs.length === 1 && o.decision.code !== 0 && !refusedByJudge(o);

test.serial('sdocker refuses, or the container made from its argv shows no danger in docker inspect', async (t) => {
  t.timeout(540_000);
  const started = Date.now();
  const { cwd, prefix } = fixtures();
  t.log(`${repeatLine()}; ${CASES} cases`);
  const outcomes = await decideAll(cases(SEED, CASES, 0));
  const made = outcomes.filter(isAccepted);
  const refused = outcomes.filter(isRefused);
  const judged = outcomes.filter(refusedByJudge);
  const rejected = outcomes.filter(dockerRejected);
  const odd = outcomes.filter((o) => !isAccepted(o) && !isRefused(o) && !dockerRejected(o));
  const inspected = await inspectAll(made.map((o) => o.c.name));
  const world = engineWorld(fixtures(), inspected);
  const bypasses = made
    .map((o) => ({ c: o.c, found: findDangers(inspected.get(o.c.name) ?? missing(o.c), world, true), passedThrough: sameWords(o.decision?.runs[0], o.c.argv) }))
    .filter((x) => x.found.length > 0);
  const falseRefusals = refused.filter((o) => o.c.kinds.length === 0);
  t.log(`${((Date.now() - started) / 1000).toFixed(1)} s: refused ${refused.length} (${judged.length} by the engine's judge alone), created ${made.length}, docker rejected ${rejected.length}, other exit ${odd.length}; benign ${outcomes.filter((o) => o.c.kinds.length === 0).length}`);
  t.log(`single-danger cases by kind, refused/let through: ${tally(outcomes, new Set(bypasses.map((b) => b.c.name)))}`);
  for (const o of rejected.slice(0, 5)) t.log(`docker rejected: ${o.decision?.dockerStderr.split('\n')[0] ?? ''}\n      ${show(o.c)}`);

  // Nothing created for a refused case: no container by its name, none of its volumes.
  const existing = new Set(listContainers(prefix));
  const volumes = new Set(listVolumes(prefix));
  const leaked = refused.filter((o) => existing.has(o.c.name) || o.c.volumes.some((v) => volumes.has(v)));
  t.deepEqual(leaked.map((o) => show(o.c)), [], 'a refused case left something behind');
  t.true(made.every((o) => existing.has(o.c.name)), 'each case docker created is found by its label');
  t.true(made.length > 0 && refused.length > 0, 'both paths were taken');

  // One assertion, so a failure lists every kind of problem at once.
  t.deepEqual(
    {
      bypasses: groupBypasses(bypasses),
      benignRefused: falseRefusals.map((o) => `${o.decision?.stderr ?? ''}\n      ${show(o.c)}`),
      // The static reading let through what the engine's judge refused: the two disagree (issue 21).
      staticReadingMissed: judged.filter((o) => o.c.kinds.length > 0 && !onlyTheEngineSees(o)).map((o) => `${o.decision?.stderr.split('\n')[0] ?? ''}\n      ${show(o.c)}`),
      neitherRefusedNorRun: odd.map((o) => `exit ${o.decision?.code ?? 'crash'}, docker run ${o.decision?.runs.length ?? 0} times: ${o.crash ?? o.decision?.stderr ?? ''}\n      ${show(o.c)}`),
    },
    { bypasses: [], benignRefused: [], staticReadingMissed: [], neitherRefusedNorRun: [] },
    `seed ${SEED}`,
  );
});

/** For cases with one dangerous option: how many of each kind sdocker refused, and how many got through. */
function tally(outcomes: readonly Outcome[], through: ReadonlySet<string>): string {
  const counts = new Map<string, [number, number]>();
  for (const o of outcomes.filter((o) => o.c.dangers.length === 1)) {
    const kind = o.c.dangers[0]?.kinds.join('+') ?? '';
    const count = counts.get(kind) ?? [0, 0];
    if (isRefused(o)) count[0] += 1;
    if (through.has(o.c.name)) count[1] += 1;
    counts.set(kind, count);
  }
  return [...counts].map(([kind, [refused, passed]]) => `${kind} ${refused}/${passed}`).join(', ');
}

function sameWords(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((word, i) => word === b[i]);
}

function missing(c: Case): never {
  throw new Error(`created but not inspected: ${c.name}`);
}

const EVERY_KIND: readonly Kind[] = ['privileged', 'network', 'pid', 'ipc', 'uts', 'userns', 'cgroupns', 'cap', 'bind', 'volume', 'device', 'seccomp', 'apparmor', 'label', 'systempaths', 'new-privileges', 'cgroup-parent'];

/**
 * RAW_CASES single-danger cases, and more until each kind was drawn 5 times: the rarest kinds
 * (one security option of five, ~11 draws in 600) would otherwise be missing from about one
 * run in 10,000, and the check below must hold for every seed.
 */
function everyKindDrawn(seed: number): Case[] {
  const rnd = random(seed);
  const drawn = new Map<Kind, number>();
  const out: Case[] = [];
  const short = (): boolean => EVERY_KIND.some((k) => (drawn.get(k) ?? 0) < 5);
  while (out.length < RAW_CASES || (short() && out.length < 10 * RAW_CASES)) {
    const c = generateCase(rnd, fixtures(), 1_000_000 + out.length, 1);
    for (const kind of c.kinds) drawn.set(kind, (drawn.get(kind) ?? 0) + 1);
    out.push(c);
  }
  return out;
}

test.serial('the generator is not vacuous: docker run as written shows each danger it was meant to, and look-alikes none', async (t) => {
  t.timeout(540_000);
  t.log(repeatLine());
  const { cwd } = fixtures();
  const dangerous = everyKindDrawn(SEED ^ 0x5eed);
  const benign = cases(SEED ^ 0xbe9, 100, 2_000_000, 0);
  const all = [...dangerous, ...benign];
  // As written, a profile that changes between reads is read by docker alone: the allow-all one.
  for (const c of all) writeFlipFiles(c.argv, false);
  const ran = await pool(all, WIDTH, async (c) => ({ c, ran: await dockerAsync(rawCreate(c.argv), cwd) }));
  const ok = ran.filter((x) => x.ran.code === 0).map((x) => x.c);
  const inspected = await inspectAll(ok.map((c) => c.name));
  const world = engineWorld(fixtures(), inspected);
  const blind = engineDefaults(world);
  if (blind.length > 0) t.log(`every container on this engine has these in host mode, so inspect cannot judge them: ${blind.join(', ')}`);
  const shown = new Map<Kind, number>();
  const notShown: string[] = [];
  const benignShown: string[] = [];
  for (const c of ok) {
    const found = findDangers(inspected.get(c.name) ?? missing(c), world, false);
    const kinds = new Set(found.map((f) => f.kind));
    for (const kind of c.kinds.filter((k) => !blind.includes(k))) {
      if (kinds.has(kind)) shown.set(kind, (shown.get(kind) ?? 0) + 1);
      else notShown.push(`${kind} not shown: ${show(c, found)}`);
    }
    // Raw docker never sets no-new-privileges: that finding says nothing about a look-alike.
    const granted = found.filter((f) => !(f.kind === 'new-privileges' && f.detail === 'no-new-privileges is not on'));
    if (c.kinds.length === 0 && granted.length > 0) benignShown.push(show(c, granted));
  }
  t.log(`raw docker: ${ok.length} created, ${all.length - ok.length} rejected; shown: ${[...shown].map(([k, n]) => `${k} ${n}`).join(', ')}`);
  t.deepEqual(notShown, [], 'a generated danger docker accepted but inspect does not show: the generator or the judge is wrong');
  t.deepEqual(benignShown, [], 'a look-alike is dangerous after all');
  t.deepEqual(EVERY_KIND.filter((k) => !blind.includes(k) && (shown.get(k) ?? 0) === 0), [], 'every kind of danger was produced by docker at least once');
});

test.serial('through the built CLI, sdocker create itself agrees with the in-process decision', async (t) => {
  t.timeout(540_000);
  t.log(repeatLine());
  const { cwd } = fixtures();
  const sample = cases(SEED ^ 0xc11, 30, 3_000_000).map((c) => ({ ...c, argv: asCreate(c.argv) }));
  const inProcess = await decideAll(sample);
  // The in-process decision created its containers under the same names: gone before the CLI's turn.
  removeNamed(sample.map((c) => c.name));
  for (const c of sample) writeFlipFiles(c.argv, true);
  const cli = await pool(sample, 2, (c) => runSdocker(c.argv, cwd, sdockerEnv(fixtures())));
  const inspected = await inspectAll(sample.map((c) => c.name));
  const world = engineWorld(fixtures(), inspected);
  const disagree: string[] = [];
  const dangers: Bypass[] = [];
  sample.forEach((c, i) => {
    const { code, stderr } = cli[i] as { code: number; stderr: string };
    const expected = inProcess[i] as Outcome;
    // docker's own errors exit 125 too: a refusal is sdocker's words and no container.
    const refusedByCli = code === 125 && stderr.startsWith('sdocker: refusing') && !inspected.has(c.name);
    // A profile that changes between reads is strict for the CLI's docker too (nothing flips it here): only the static reading can be compared.
    if (c.argv.some((w) => /flip-\d+\.json/.test(w))) return;
    if (isRefused(expected) !== refusedByCli) disagree.push(`cli exit ${code} (${stderr.split('\n')[0]}), in-process exit ${expected.decision?.code}\n      ${show(c)}`);
    const container = inspected.get(c.name);
    const found = container === undefined ? [] : findDangers(container, world, true);
    if (found.length > 0) dangers.push({ c, found, passedThrough: sameWords(expected.decision?.runs[0], c.argv) });
  });
  t.log(`cli: ${cli.filter((r) => r.code === 125).length} refused, ${inspected.size} created`);
  t.deepEqual({ disagree, bypasses: groupBypasses(dangers) }, { disagree: [], bypasses: [] }, `through the CLI (seed ${SEED})`);
});

function runSdocker(argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  return new Promise((resolvePromise) => {
    execFile(CLI, [...argv], { cwd, env, encoding: 'utf8' }, (error, _stdout, stderr) => {
      resolvePromise({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stderr });
    });
  });
}

function removeNamed(names: readonly string[]): void {
  if (names.length > 0) spawnSync('docker', ['rm', '-f', '-v', ...names], { stdio: 'ignore' });
}
