// The run room's hook: what sdocker watches of the container a `docker run` makes, and what it
// says afterwards. `run -d` of an image with no profile that sdocker has not yet seen running
// hardened waits the settle window (window.ts) and reports a container that did not stay up
// (exit 1); a foreground run that failed is explained, --rm or not.
import type { ContainerInvocation } from '../docker/invocation.js';
import { inspectorFor } from './inspector.js';
import { rememberRunning, seenRunning } from './seen.js';
import { resolve } from 'node:path';
import { cidFile } from './cidfile.js';
import { containerEvents, RunWatch } from './watch.js';
import { settleWindow } from './window.js';
import type { RunWatchPlan as Plan, RunWatchRequest } from './run-plan.js';

export type { RunWatchPlan, RunWatchRequest } from './run-plan.js';

export interface AfterRun {
  /** The planned docker argv with what the watch needs (docker's --cidfile) before the image. */
  readonly argv: (argv: readonly string[]) => readonly string[];
  /** Run docker (`run`: its exit code); then what to return, once the container was watched and explained. */
  readonly after: (run: () => Promise<number>) => Promise<number>;
}

/** Decide what to watch and start watching, before docker runs; docker's code goes to `after`. */
export async function watchRun(request: RunWatchRequest): Promise<AfterRun> {
  const { inv, view, deps } = request;
  const window = settleWindow(request.settleOption, deps.env);
  const detached = view.isOn('detach');
  const rm = view.isOn('rm');
  if (inv.sub !== 'run') return { argv: (argv) => argv, after: (run) => run() };
  const globals = inv.globals.flatMap((item) => item.words);
  const inspector = inspectorFor(request.engine, deps.docker, globals);
  const settles = inspector !== undefined && detached && window.ms > 0 && (window.forced || (!request.profiled && !(request.imageId !== undefined && seenRunning(request.imageId, deps.env))));
  const name = view.last('name') ?? request.generatedName;
  // A --rm container's output must be read while it runs (the engine removes it as it ends).
  const attach = rm && inspector?.socketPath !== undefined && (settles || !detached);
  const since = Date.now();
  let watch: RunWatch | undefined;
  if (inspector !== undefined && (settles || attach)) {
    const given = view.last('cidfile');
    watch = new RunWatch(inspector, { attach, tty: view.isOn('tty') }, cidFile(given === undefined ? undefined : resolve(deps.cwd, given)));
    watch.start(await containerEvents(inspector, deps.docker, globals, since / 1000));
  }
  const plan: Plan = { request, window, inspector, globals, name, since, watch };
  const words = watch?.cidWords ?? [];
  return {
    argv: (argv) => beforeImage(argv, inv, words),
    after: async (run) => {
      try {
        const code = await run();
        if (settles && code === 0) return await settleDetached(plan);
        if (!detached && failedByItself(code)) await explainForeground(plan, code, rm);
        return code;
      } finally {
        watch?.stop();
      }
    },
  };
}

/** `words` before the image (and before a `--` that precedes it): the container's command is never touched. */
function beforeImage(argv: readonly string[], inv: ContainerInvocation, words: readonly string[]): readonly string[] {
  if (words.length === 0) return argv;
  const at = argv.length - inv.args.length - 1 - (inv.flags.dashdash ? 1 : 0);
  return [...argv.slice(0, at), ...words, ...argv.slice(at)];
}

/** The container's own failure (not docker's 125-127, not a signal). */
function failedByItself(code: number): boolean {
  return code > 0 && code < 125;
}

async function settleDetached(plan: Plan): Promise<number> {
  const { settleRun } = await import('./run-settle.js');
  return settleRun(plan, rememberRunning);
}

async function explainForeground(plan: Plan, code: number, rm: boolean): Promise<void> {
  const { explainRun } = await import('./run-explain.js');
  await explainRun(plan, code, rm);
}

