// Where the audit reads the engine from: its API over the unix socket of this host (a few
// milliseconds a request), or the docker CLI for every other endpoint (-H tcp://, ssh://, TLS,
// contexts), which answers the same objects. snapshot.ts asks; nothing here judges.
import type { SocketEngine } from '../engine/api.js';
import type { RawContainer, RawHistory, RawImage } from './types.js';

/** The processes of a running container, one row per process keyed by ps's column titles. */
export type ProcessRows = readonly Readonly<Record<string, string>>[];

/** ps columns asked of /containers/ID/top: the engine needs PID (moby daemon/top_unix.go). */
export const PS_ARGS = ['-eo', 'user,uid,pid,comm'] as const;

export interface AuditSource {
  readonly endpoint: string;
  /** The engine's host is this host: its files (daemon.json, the socket) are the ones read. */
  readonly local: boolean;
  info(): Promise<Record<string, unknown>>;
  version(): Promise<Record<string, unknown>>;
  /** The default bridge's enable_icc option (undefined: not set, or no bridge network). */
  bridgeIcc(): Promise<string | undefined>;
  /** Every container, running or not: full ids. */
  containerIds(): Promise<string[]>;
  /** Their inspect objects; one removed meanwhile is left out. `done` counts progress. */
  containers(ids: readonly string[], done: () => void): Promise<RawContainer[]>;
  /** undefined when it is not running (any more). */
  top(id: string): Promise<ProcessRows | undefined>;
  image(ref: string): Promise<RawImage | undefined>;
  history(ref: string): Promise<RawHistory[]>;
}

export const ICC_OPTION = 'com.docker.network.bridge.enable_icc';

/** At most `limit` at once: dockerd serves requests in parallel, but hundreds of sockets at once only queue. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export const CONCURRENCY = 16;

export function socketSource(engine: SocketEngine): AuditSource {
  const get = <T>(path: string): Promise<T | undefined> => engine.getJson<T>(path);
  const must = async <T>(path: string): Promise<T> => (await get<T>(path)) ?? ({} as T);
  return {
    endpoint: engine.endpoint,
    local: true,
    info: () => must('/info'),
    version: () => must('/version'),
    bridgeIcc: async () => (await get<{ Options?: Record<string, string> | null }>('/networks/bridge'))?.Options?.[ICC_OPTION],
    containerIds: async () => ((await get<{ Id: string }[]>('/containers/json?all=1')) ?? []).map((c) => c.Id),
    containers: async (ids, done) => {
      const all = await mapLimit(ids, CONCURRENCY, async (id) => {
        const raw = await get<RawContainer>(`/containers/${encodeURIComponent(id)}/json`);
        done();
        return raw;
      });
      return all.filter((raw): raw is RawContainer => raw !== undefined);
    },
    top: async (id) => {
      try {
        const body = await get<{ Titles: string[]; Processes: string[][] | null }>(`/containers/${encodeURIComponent(id)}/top?ps_args=${encodeURIComponent(PS_ARGS.join(' '))}`);
        return body === undefined ? undefined : rows(body.Titles, body.Processes ?? []);
      } catch {
        // 409/500 "is not running": it stopped between the list and now.
        return undefined;
      }
    },
    image: (ref) => get<RawImage>(`/images/${encodeURIComponent(ref)}/json`),
    history: async (ref) => (await get<RawHistory[]>(`/images/${encodeURIComponent(ref)}/history`)) ?? [],
  };
}

export function rows(titles: readonly string[], processes: readonly (readonly string[])[]): ProcessRows {
  return processes.map((cells) => Object.fromEntries(titles.map((title, i) => [title, cells[i] ?? ''])));
}
