// What the judge asks the engine about a container it made: its inspect, the containers its
// `container:X` modes join (along the chain), the local volumes it mounts, and every other
// container's mounts (who else can write where: swap.ts). One connection per question, over
// the same dial the judging socket forwards through.
import type { RawContainer } from '../audit/types.js';
import { exchangeOver, type Reply } from '../engine/http10.js';
import type { Dial } from './dial.js';
import type { Made } from './judge.js';
import type { OtherContainer } from './swap.js';

const TIMEOUT_MS = 60_000;
const JOINED_FIELDS = ['NetworkMode', 'PidMode', 'IpcMode'] as const;
const MAX_CHAIN = 10;

export class EngineAsk {
  constructor(private readonly dial: Dial) {}

  /** GET as JSON; undefined on 404. */
  async get<T>(path: string): Promise<T | undefined> {
    const reply = await this.call('GET', path);
    if (reply.status === 404) return undefined;
    return JSON.parse(reply.body) as T;
  }

  async call(method: string, path: string, body?: string): Promise<Reply> {
    const reply = await exchangeOver(this.dial, method, path, body, TIMEOUT_MS);
    if (reply.status >= 400 && reply.status !== 404 && reply.status !== 409) throw new Error(`the engine answered ${reply.status} to ${method} ${path}: ${messageOf(reply.body)}`);
    return reply;
  }
}

function messageOf(body: string): string {
  try {
    return (JSON.parse(body) as { message?: string }).message ?? body;
  } catch {
    return body;
  }
}

/** Everything judgeMade reads about container `ref`; undefined when it does not exist. */
export async function gatherMade(ask: EngineAsk, ref: string): Promise<Made | undefined> {
  const raw = await ask.get<RawContainer>(`/containers/${encodeURIComponent(ref)}/json`);
  if (raw === undefined) return undefined;
  const [joined, volumes, others] = await Promise.all([joinedOf(ask, raw), volumesOf(ask, raw), othersOf(ask)]);
  return { raw: { ...raw, Mounts: raw.Mounts ?? [] }, joined, volumes, others };
}

/** The containers named by `container:X` modes, and the ones those name, a few steps deep. */
async function joinedOf(ask: EngineAsk, raw: RawContainer): Promise<RawContainer[]> {
  const found = new Map<string, RawContainer>();
  let wave = [raw];
  for (let depth = 0; depth < MAX_CHAIN && wave.length > 0; depth += 1) {
    const refs = [...new Set(wave.flatMap((c) => JOINED_FIELDS.map((f) => String(c.HostConfig[f] ?? '')).filter((m) => m.startsWith('container:')).map((m) => m.slice('container:'.length))))].filter((r) => !found.has(r));
    const next = (await Promise.all(refs.map(async (r) => [r, await ask.get<RawContainer>(`/containers/${encodeURIComponent(r)}/json`)] as const))).filter((e): e is readonly [string, RawContainer] => e[1] !== undefined);
    for (const [ref, c] of next) found.set(ref, c);
    wave = next.map(([, c]) => c);
  }
  return [...found.values()];
}

async function volumesOf(ask: EngineAsk, raw: RawContainer): Promise<Map<string, Record<string, string>>> {
  const names = (raw.Mounts ?? []).filter((m) => m.Type === 'volume' && m.Name !== undefined && (m.Driver ?? 'local') === 'local').map((m) => m.Name as string);
  const answers = await Promise.all([...new Set(names)].map(async (name) => [name, await ask.get<{ Options?: Record<string, string> | null }>(`/volumes/${encodeURIComponent(name)}`)] as const));
  return new Map(answers.map(([name, v]) => [name, v?.Options ?? {}]));
}

async function othersOf(ask: EngineAsk): Promise<OtherContainer[]> {
  const list = (await ask.get<{ Id: string; Names?: string[]; Mounts?: { Type?: string; Source?: string; RW?: boolean }[] }[]>('/containers/json?all=1')) ?? [];
  return list.map((c) => ({
    id: c.Id,
    name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''),
    mounts: (c.Mounts ?? []).map((m) => ({ type: m.Type ?? '', source: m.Source ?? '', rw: m.RW !== false })),
  }));
}
