// The compose room's hook: `sdocker compose up` (detached or not) watches the containers it
// starts through the settle window and reports each one that exits or restarts, in compose's
// words (its service, compose keys for the fix, the file's learn command), then exits 1 as
// compose v2's `up --wait` does for a service that does not come up. Every container made from
// the model carries the user's compose files in a label (diagnose/learn-command.ts), so that
// `sdocker explain` names them later too: compose's own label names sdocker's private copy.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Deps } from '../planner/deps.js';
import { reasonOf } from '../common/errors.js';
import { Containers } from '../engine/containers.js';
import type { Engine } from '../engine/engine.js';
import { COMPOSE_FILES_LABEL } from '../diagnose/learn-command.js';
import { createStep, ownComposeVolumes, startStep, stillNew, type ServiceVolumes } from '../volumes/compose.js';
import { inspectorFor, type Inspector } from './inspector.js';
import { reportFailure, settleSummary, unreadWarnings } from './report.js';
import { settle, type Watched } from './wait.js';
import { settleWindow } from './window.js';

export interface ComposeWatchRequest {
  readonly deps: Deps;
  readonly engine: Engine;
  /** docker's global words that reach the same engine (for the CLI, when it is remote). */
  readonly globals: readonly string[];
  readonly project: string;
  /** The user's compose files, absolute. */
  readonly files: readonly string[];
  /** The hardened model (its services get the label). */
  readonly model: string;
  /** The hardened model's file, in sdocker's private folder. */
  readonly hardened: string;
  readonly sub: string;
  readonly subArgs: readonly string[];
  /** --sd-settle as written. */
  readonly settleOption: string | undefined;
  /** Services whose injected user gets their new volumes (compose/run/new-volumes.ts). */
  readonly volumes: readonly ServiceVolumes[];
}

/** Run compose on the model: the hardened file, `extraFiles` after it, then `subWords` (the subcommand and its words). */
export type ComposeStart = (extraFiles: readonly string[], subWords: readonly string[]) => Promise<number>;

/** Subcommands that make containers from the model: they carry the files label. */
const MAKES = new Set(['up', 'create', 'run', 'scale']);

/** Run compose and watch what `up` starts; new volumes of an injected user are given to it first (volumes/compose.ts). */
export async function composeWatched(request: ComposeWatchRequest, compose: ComposeStart): Promise<number> {
  const extra = MAKES.has(request.sub) ? [await writeLabels(request)] : [];
  let words = [request.sub, ...request.subArgs];
  const inspector = inspectorFor(request.engine, request.deps.docker, request.globals);
  if (helpAsked(request.subArgs) || inspector === undefined) return compose(extra, words);
  const owning = request.sub === 'up' || request.sub === 'create' ? await stillNew(request.volumes, request.engine) : [];
  if (owning.length > 0) {
    const code = await createThenOwn(request, inspector, (sub) => compose(extra, sub), owning);
    if (code !== 0 || request.sub === 'create' || request.subArgs.includes('--no-start')) return code;
    words = ['up', ...startStep(request.subArgs)];
  }
  const start = (): Promise<number> => compose(extra, words);
  const window = settleWindow(request.settleOption, request.deps.env);
  if (request.sub !== 'up' || window.ms === 0) return start();
  const since = Date.now();
  if (detached(request.subArgs)) {
    const code = await start();
    return code === 0 ? watchProject(request, inspector, window.ms, since, { live: false }).catch(cannotWatch(request.deps)) : code;
  }
  let ended = false;
  let interrupted = false;
  const stopOnSignal = (): void => void (interrupted = true);
  // Ctrl-C reaches compose too: it stops the containers, which then have not failed.
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    // compose ended by itself: what it started is looked at once more (a service that exited as compose ended failed all the same).
    const watching = watchProject(request, inspector, window.ms, since, { live: true, stop: () => interrupted, ending: () => ended }).catch(cannotWatch(request.deps));
    const code = await start().finally(() => (ended = true));
    // compose failed itself (its own error said): nothing of sdocker's to wait for.
    if (code !== 0) interrupted = true;
    const failed = await watching;
    return code !== 0 ? code : failed;
  } finally {
    process.off('SIGINT', stopOnSignal);
    process.off('SIGTERM', stopOnSignal);
  }
}

/** `up --no-start` (or the user's `create`), then each new volume's root given to its service's run user. */
async function createThenOwn(request: ComposeWatchRequest, inspector: Inspector, compose: (subWords: readonly string[]) => Promise<number>, owning: readonly ServiceVolumes[]): Promise<number> {
  const since = Date.now();
  const code = await compose(request.sub === 'create' ? [request.sub, ...request.subArgs] : ['up', ...createStep(request.subArgs)]);
  if (code !== 0) return code;
  const containers = new Containers(request.deps.docker, request.globals);
  const list = (service: string): Promise<string[]> => inspector.list([`com.docker.compose.project=${request.project}`, `com.docker.compose.service=${service}`, 'com.docker.compose.oneoff=False']);
  for (const warning of await ownComposeVolumes(containers, list, owning, since)) request.deps.stderr(`${warning}\n`);
  return 0;
}

/** A compose file that adds the label naming the user's files to every service of the model. */
async function writeLabels(request: ComposeWatchRequest): Promise<string> {
  const { parseYamlData, renderYaml } = await import('../yaml/index.js');
  const model = (parseYamlData(request.model, 'compose config') ?? {}) as { version?: unknown; services?: Record<string, unknown> };
  const labels = { [COMPOSE_FILES_LABEL]: request.files.join(',') };
  const services = Object.fromEntries(Object.keys(model.services ?? {}).map((name) => [name, { labels }]));
  // docker-compose 1.29 refuses files of different versions: the label file takes the model's.
  const file = join(dirname(request.hardened), 'sdocker.labels.yml');
  writeFileSync(file, renderYaml({ ...(model.version === undefined ? {} : { version: model.version }), services }));
  return file;
}

/**
 * The project's containers through the window; 1 when one did not stay up. `live` (compose in
 * the foreground, still printing its logs): each failure is said as soon as it is read.
 */
async function watchProject(request: ComposeWatchRequest, inspector: Inspector, windowMs: number, since: number, { live, stop, ending }: { live: boolean; stop?: () => boolean; ending?: () => boolean }): Promise<number> {
  const { deps } = request;
  const containers = new Containers(deps.docker, request.globals);
  const reports: { name: string; text: Promise<string> }[] = [];
  const labels = [`com.docker.compose.project=${request.project}`, 'com.docker.compose.oneoff=False'];
  // Detached, compose has made and started everything: the list is asked once (none: nothing to watch).
  const made = live ? undefined : await inspector.list(labels);
  if (made?.length === 0) return 0;
  const results = await settle({
    inspector,
    refs: () => made === undefined ? inspector.list(labels) : Promise.resolve(made),
    windowMs,
    since,
    ...(stop === undefined ? {} : { stop }),
    ...(ending === undefined ? {} : { ending }),
    onFailed: async (watched: Watched) => {
      const text = reportFailure(watched, containers, watched.id);
      // Read while the others are still watched; said in name order once all are judged.
      if (live) deps.stderr(await text);
      else reports.push({ name: watched.raw?.Name ?? watched.id, text });
    },
  });
  deps.stderr(unreadWarnings(results));
  const failed = results.filter((r) => r.verdict.kind === 'failed');
  if (failed.length === 0) return 0;
  reports.sort((a, b) => a.name.localeCompare(b.name));
  for (const report of reports) deps.stderr(await report.text);
  deps.stderr(settleSummary(failed.length, results.length, windowMs, 'service', 'sdocker compose --sd-settle 0 (or SDOCKER_SETTLE=0)'));
  return 1;
}

/** compose did its part; an engine sdocker cannot ask afterwards only costs the watch, said in one line. */
function cannotWatch(deps: Deps): (error: unknown) => number {
  return (error) => {
    deps.stderr(`sdocker: warning: cannot watch what compose started (${reasonOf(error)})\n`);
    return 0;
  };
}

/** `up -d` / `--detach` before the services (v1 and v2; `-d` may share a cluster with `-V`). */
function detached(words: readonly string[]): boolean {
  for (const word of words) {
    if (word === '--') break;
    if (word === '-d' || word === '--detach' || /^--detach=(true|1)$/i.test(word) || /^-[dV]*d[dV]*$/.test(word)) return true;
  }
  return false;
}

function helpAsked(words: readonly string[]): boolean {
  return words.some((word) => word === '-h' || word === '--help');
}
