// `sdocker compose` through the judging socket: compose (v1 or v2) is given sdocker's private
// socket as its engine, so every container it makes (up, create, run, scale, recreations) is
// read back and judged before compose hears it exists, and every start of a container the
// session did not judge is judged first. Each container is judged under its service's allow
// list (the `com.docker.compose.service` label compose puts on it). docker-compose 1.29 has no
// key for a cgroup namespace (its schema rejects `cgroup`), so each creation passed on asks for
// a private one where the engine gives it (API >= 1.41) and the body does not choose.
import type { RawContainer } from '../audit/types.js';
import type { Item } from '../docker/parse.js';
import type { Deps } from '../planner/deps.js';
import type { Engine } from '../engine/engine.js';
import { EXIT_REFUSED } from '../common/errors.js';
import { hostFacts } from '../planner/facts.js';
import type { Policy } from '../policy/schema.js';
import { EngineAsk } from './gather.js';
import { ContainerJudge } from './hooks.js';
import type { Setting } from './judge.js';
import type { Held } from './proxy.js';
import { serveJudgingSocket } from './proxy.js';
import { dialFor, settingOf } from './run.js';

export interface ComposeJudging {
  readonly deps: Deps;
  readonly engine: Engine;
  /** The globals that chose `engine` (docker's, then compose's own endpoint options). */
  readonly globals: readonly Item[];
  readonly policy: Policy;
  /** Each service's allow list (hardenCompose's `allows`). */
  readonly allows: ReadonlyMap<string, readonly string[]>;
}

/** `launch(host)` runs compose against the judging socket at `host`; its exit code, or 125 after a refusal. */
export async function composeJudged(judging: ComposeJudging, launch: (host: string) => Promise<number>): Promise<number> {
  const { deps, engine } = judging;
  const dial = dialFor({ engine, globals: judging.globals, deps });
  const setting = async (): Promise<Setting> => settingOf({ policy: judging.policy, host: hostFacts(engine), info: await engine.info() });
  const allowFor = (raw: RawContainer): readonly string[] => judging.allows.get(raw.Config.Labels?.['com.docker.compose.service'] ?? '') ?? judging.policy.allow;
  const judge = new ContainerJudge(new EngineAsk(dial), setting, deps.stderr, { allowFor, create: withPrivateCgroupns });
  const socket = await serveJudgingSocket(dial, judge);
  try {
    const code = await launch(socket.host);
    return judge.refusals.length > 0 ? EXIT_REFUSED : code;
  } finally {
    await socket.close();
  }
}

/**
 * The creation's body with HostConfig.CgroupnsMode `private` when it names none and the request
 * speaks API 1.41 or later (older ones get the host's on cgroup v1 whatever they send: moby
 * router postContainersCreate). Left as it is when it cannot be rewritten exactly (a number
 * JSON.parse would round): the judge then sees the host's namespace and refuses.
 */
export function withPrivateCgroupns(body: Buffer, held: Held, setting: Setting): Buffer {
  if (!setting.cgroupnsPrivate) return body;
  const version = /^\/v(\d+)\.(\d+)\//.exec(held.head.target);
  if (version !== null && (Number(version[1]) < 1 || (Number(version[1]) === 1 && Number(version[2]) < 41))) return body;
  const text = body.toString('utf8');
  if (/\d{16,}/.test(text.replace(/"(?:\\.|[^"\\])*"/g, '""'))) return body;
  let data: { HostConfig?: Record<string, unknown> | null } | null;
  try {
    data = JSON.parse(text) as typeof data;
  } catch {
    return body;
  }
  const host = data?.HostConfig;
  if (data === null || typeof host !== 'object' || host === null || Object.keys(host).some((key) => key.toLowerCase() === 'cgroupnsmode' && host[key] !== '' && host[key] !== null)) return body;
  const rest = Object.fromEntries(Object.entries(host).filter(([key]) => key.toLowerCase() !== 'cgroupnsmode'));
  return Buffer.from(JSON.stringify({ ...data, HostConfig: { ...rest, CgroupnsMode: 'private' } }));
}
