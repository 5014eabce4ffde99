// `docker run` in the steps docker itself takes (create, then start; cli/command/container/
// run.go), so that a new volume's root can be given to the run user in between (own.ts). Used
// only when a run makes such a volume; every other run stays one `docker run`. What the user
// sees is docker run's: -d prints the container's id, a foreground run is attached (stdin with
// -i) and ends with the container's exit code; --rm stays the engine's (AutoRemove), so a
// killed sdocker leaves nothing behind that docker run would not have. `docker create` alone
// (sdocker create) gets its volumes owned right after it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseInvocation, type ContainerInvocation } from '../docker/invocation.js';
import type { Item } from '../docker/parse.js';
import type { Deps } from '../planner/deps.js';
import { Containers } from '../engine/containers.js';
import { EXIT_REFUSED } from '../common/errors.js';
import { renderOpt } from '../policy/inject/network.js';
import { ownNewVolumes } from './own.js';
import type { VolumesToOwn } from './plan.js';
import type { JudgedDocker } from '../judge/run.js';

/** Flags `docker create` does not take: how the run attaches is start's business. */
const RUN_ONLY: ReadonlySet<string> = new Set(['detach', 'detach-keys', 'sig-proxy']);

/**
 * Run `argv` (a planned `run` or `create`, without the `docker` word) with its new volumes owned
 * before it starts; docker's create and start reach the engine through the judging socket (`on`).
 */
export async function runOwningVolumes(argv: readonly string[], toOwn: VolumesToOwn, deps: Deps, on: JudgedDocker): Promise<number> {
  const inv = parseInvocation(argv);
  const judged = (rest: readonly string[], options: { onStderr?: (chunk: Buffer) => void; quiet?: boolean } = {}): Promise<number> => {
    const { words, env } = on(rest);
    return deps.run(deps.docker, words, { ...options, env });
  };
  if (inv.kind !== 'container') return judged(argv.slice('globals' in inv ? inv.globals.reduce((n, item) => n + item.words.length, 0) : 0));
  const globals = inv.globals.flatMap((item) => item.words);
  const containers = new Containers(deps.docker, globals);
  const since = Date.now();
  // The id from docker's own --cidfile (the user's, the settle watch's, or one of ours): create's stdout is docker create's, shown for `create` only.
  const cid = cidFileOf(inv, deps.cwd);
  const createdCode = await judged(createArgv(inv, cid.words), { quiet: inv.sub === 'run' });
  const id = cid.read();
  cid.done();
  // docker run says 125 for what fails before the container runs (docker create says 1).
  if (createdCode !== 0 || id === undefined) return createdCode === 0 ? EXIT_REFUSED : inv.sub === 'run' ? EXIT_REFUSED : createdCode;
  const items = inv.flags.items;
  const isOn = (long: string): boolean => items.some((item) => item.opts.some((opt) => opt.spec.long === long && opt.value !== 'false'));
  // Ctrl-C before the start: the stand-in goes, and a --rm container, which the engine removes only after it ran.
  const made: string[] = isOn('rm') && inv.sub === 'run' ? [id] : [];
  const stopListening = deps.onInterrupt(async () => {
    for (const ref of made) await containers.remove(ref).catch(() => undefined);
  });
  try {
    for (const warning of await ownNewVolumes(containers, id, toOwn.volumes, toOwn.user, since, (standIn) => made.push(standIn))) deps.stderr(`${warning}\n`);
  } finally {
    stopListening();
  }
  if (inv.sub === 'create') return 0;
  const keys = items.flatMap((item) => item.opts).filter((opt) => opt.spec.long === 'detach-keys').at(-1)?.value;
  let said = '';
  const keep = (chunk: Buffer): void => void (said = `${said}${chunk.toString('utf8')}`.slice(-2048));
  const code = isOn('detach') ? await startDetached(deps, judged, id, keep) : await judged(['start', '--attach', ...(isOn('interactive') ? ['--interactive'] : []), ...(keys === undefined ? [] : ['--detach-keys', keys]), id], { onStderr: keep });
  return code === 0 ? 0 : startFailure(containers, id, code, isOn('rm'), said);
}

/** -d: docker run prints the id once; `docker start` would echo it again. */
async function startDetached(deps: Deps, judged: (rest: readonly string[], options: { onStderr?: (chunk: Buffer) => void; quiet?: boolean }) => Promise<number>, id: string, keep: (chunk: Buffer) => void): Promise<number> {
  const code = await judged(['start', id], { quiet: true, onStderr: keep });
  if (code === 0) deps.stdout(`${id}\n`);
  return code;
}

/** Where docker writes the new container's id: the --cidfile the argv has, else one in a private folder. */
function cidFileOf(inv: ContainerInvocation, cwd: string): { words: string[]; read: () => string | undefined; done: () => void } {
  const given = inv.flags.items.flatMap((item) => item.opts).filter((opt) => opt.spec.long === 'cidfile').at(-1)?.value;
  const own = given === undefined ? mkdtempSync(join(tmpdir(), 'sdocker-cid-')) : undefined;
  const path = own === undefined ? resolve(cwd, given as string) : join(own, 'cid');
  const read = (): string | undefined => {
    try {
      const text = readFileSync(path, 'utf8').trim();
      return /^[0-9a-f]{64}$/.test(text) ? text : undefined;
    } catch {
      return undefined;
    }
  };
  return { words: own === undefined ? [] : ['--cidfile', path], read, done: () => own !== undefined && rmSync(own, { recursive: true, force: true }) };
}

/**
 * A container that ran keeps its own exit code. One that never ran (the engine removes a --rm one
 * itself) gets docker run's: 127 or 126 by the daemon's words, else 125 (docker/cli
 * cli/command/container/run.go runStartContainerErr); a --rm one still there is removed, as docker run does.
 */
async function startFailure(containers: Containers, id: string, code: number, rm: boolean, said: string): Promise<number> {
  const info = await containers.inspect(id);
  if (info?.started === true) return code;
  // The engine's refusal, as the docker CLI prints it, ends what start said.
  const refusal = /Error response from daemon: ([^\n]*)\s*$/.exec(said)?.[1];
  // Gone and no refusal: it ran, and the engine removed it (--rm) after it ended with `code`.
  if (info === undefined && refusal === undefined) return code;
  if (info !== undefined && rm) await containers.remove(id).catch(() => undefined);
  if (/executable file not found|no such file or directory/i.test(refusal ?? '')) return 127;
  return /permission denied|is a directory/i.test(refusal ?? '') ? 126 : EXIT_REFUSED;
}

function createArgv(inv: ContainerInvocation, extra: readonly string[]): string[] {
  const words = inv.flags.items.flatMap(createWords);
  return ['create', ...words, ...extra, ...(inv.flags.dashdash ? ['--'] : []), inv.image, ...inv.args];
}

/** An item's words for create: as written, or without the run-only flags of a cluster (`-itd` -> `--interactive --tty`). */
function createWords(item: Item): string[] {
  if (!item.opts.some((opt) => RUN_ONLY.has(opt.spec.long))) return [...item.words];
  return item.opts.filter((opt) => !RUN_ONLY.has(opt.spec.long)).flatMap(renderOpt);
}
