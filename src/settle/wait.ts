// The settle window: look at the containers a command started until each has come up or
// failed, or the window has passed. Polled through the engine (a look every 200 ms on a local
// socket); nothing sleeps longer than the next look.
import { reasonOf } from '../common/errors.js';
import type { RawInspect } from '../engine/containers.js';
import type { Inspector } from './inspector.js';
import { judge, look, type Look, type Verdict } from './state.js';

export interface Watched {
  readonly id: string;
  /** The engine's last answer about it. */
  readonly raw: RawInspect | undefined;
  /** It was gone when last asked (removed by --rm). */
  readonly gone: boolean;
  readonly verdict: Verdict;
  /** Still open at the end because the engine did not answer about it: why. */
  readonly unread?: string;
}

export interface SettleRequest {
  readonly inspector: Inspector;
  /** The containers to watch, asked at each look (compose starts them one after another). */
  readonly refs: () => Promise<readonly string[]>;
  readonly windowMs: number;
  /** When the command that starts them began (ms since the epoch). */
  readonly since: number;
  /** What became of a container that is gone before it was judged (a --rm container that ended). */
  readonly gone?: (ref: string) => Verdict;
  /** True once the wait should end at once (Ctrl-C: compose stops the containers, which then have not failed). */
  readonly stop?: () => boolean;
  /** True once the wait should end soon (compose in the foreground ended): what is open is looked at for ENDING_MS more. */
  readonly ending?: () => boolean;
  /** Told of each failure as soon as it is seen (compose in the foreground says it at once). */
  readonly onFailed?: (watched: Watched) => Promise<void>;
}

/** A container not yet started when first seen (compose waiting on a dependency) gets this long past the window. */
const GRACE_MS = 5000;
/**
 * How long the containers are still looked at once compose in the foreground has ended: compose
 * ends as their output ends, and then they have all stopped, so the wait ends as soon as the
 * engine has recorded each one's end (all judged). A fixed 3 s was too short at load 44 (a full
 * test run: the exited service was not yet listed, and compose up said nothing, exit 0); this is
 * only the bound.
 */
const ENDING_MS = 30_000;

export async function settle(request: SettleRequest): Promise<Watched[]> {
  const { inspector, windowMs, since } = request;
  const firsts = new Map<string, Look>();
  const decided = new Map<string, Watched>();
  const last = new Map<string, RawInspect>();
  // Every container listed so far (each gets the window once, read or not), and why the engine
  // could not be asked about one at the last look.
  const met = new Set<string>();
  const unread = new Map<string, string>();
  // Each container gets the window from when it is first seen: compose may build or pull for
  // minutes before it creates the next one. With none seen yet, only `stop` ends the wait.
  let deadline = Number.POSITIVE_INFINITY;
  // compose ends as the container's output ends, before the engine has recorded its exit.
  let endBy = Number.POSITIVE_INFINITY;
  const wake = (): boolean => request.stop?.() === true || (request.ending?.() === true && !Number.isFinite(endBy));
  for (;;) {
    if (request.ending?.() === true && !Number.isFinite(endBy)) endBy = Date.now() + ENDING_MS;
    const refs = await request.refs();
    const fresh = refs.filter((ref) => !met.has(ref));
    for (const ref of fresh) met.add(ref);
    if (fresh.length > 0) deadline = Math.max(Number.isFinite(deadline) ? deadline : 0, Date.now() + windowMs + GRACE_MS);
    await Promise.all(refs.filter((ref) => !decided.has(ref)).map(async (ref) => {
      const read = await inspector.inspect(ref).then((raw) => ({ raw }), (error: unknown) => ({ error }));
      // An engine that did not answer (a busy socket) says nothing of the container: asked again at the next look.
      if ('error' in read) return void unread.set(ref, reasonOf(read.error));
      unread.delete(ref);
      const { raw } = read;
      // Listed, then "no such container": the engine lists a container it is still creating (20.10's
      // setHostConfig writes it to the view the list reads before Register adds it to the store
      // inspect reads). Measured beside three CPU hogs: compose's container judged gone, so "exited 0",
      // and `up` said nothing, exit 0. Only one read before, or one the caller knows ended (a --rm run), is gone.
      if (raw === undefined && !last.has(ref) && request.gone === undefined) return;
      const verdict = raw === undefined ? (request.gone?.(ref) ?? { kind: 'settled', why: 'exited 0' } as const) : judgeOne(ref, raw, firsts, windowMs, since);
      if (raw !== undefined) last.set(ref, raw);
      if (verdict.kind === 'waiting') return;
      const watched = { id: ref, raw: last.get(ref), gone: raw === undefined, verdict };
      decided.set(ref, watched);
      if (verdict.kind === 'failed') await request.onFailed?.(watched);
    }));
    const open = refs.filter((ref) => !decided.has(ref));
    const now = Date.now();
    if ((open.length === 0 && refs.length > 0) || now >= deadline || now >= endBy || request.stop?.() === true) {
      return [...decided.values(), ...open.map((id): Watched => {
        const why = unread.get(id);
        return { id, raw: last.get(id), gone: false, verdict: { kind: 'waiting' }, ...(why === undefined ? {} : { unread: why }) };
      })];
    }
    await pause(Math.min(inspector.pollMs, Math.max(0, nextDecision(open, last, windowMs, now) - now)), wake);
  }
}

function judgeOne(ref: string, raw: RawInspect, firsts: Map<string, Look>, windowMs: number, since: number): Verdict {
  const now = look(raw);
  const first = firsts.get(ref) ?? now;
  firsts.set(ref, first);
  return judge(now, first, Date.now(), windowMs, since);
}

/** The earliest moment an open container could be judged settled (its start plus the window). */
function nextDecision(open: readonly string[], last: ReadonlyMap<string, RawInspect>, windowMs: number, now: number): number {
  const starts = open.map((ref) => Date.parse(last.get(ref)?.State.StartedAt ?? '')).filter((t) => Number.isFinite(t) && t > 0);
  return starts.length === 0 ? now + 1 : Math.min(...starts) + windowMs;
}

/** Wait `ms`, or less when `stop` turns true (checked every 50 ms). */
async function pause(ms: number, stop: (() => boolean) | undefined): Promise<void> {
  const end = Date.now() + Math.max(ms, 10);
  while (Date.now() < end && stop?.() !== true) await new Promise((done) => setTimeout(done, Math.min(50, end - Date.now())));
}
