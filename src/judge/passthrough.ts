// `sdocker build` (and `image build`, `builder build`, `buildx build`) and `sdocker service
// create|update`: docker's own commands, run against the judging socket (proxy.ts) so what the
// client sends is judged by the rules that apply to it before the engine acts on it (spec.ts):
// a legacy build's query before its context is streamed on, a service's whole spec before the
// engine stores it. A refusal is said in sdocker's words, docker prints the engine error that
// follows, and sdocker exits 125. BuildKit builds (buildx) talk gRPC on a hijacked connection
// that is passed on unread: their dangerous words (`--network host`, `--allow
// network.host|security.insecure`) are refused from the command line first.
import type { Deps } from '../planner/deps.js';
import type { Item } from '../docker/parse.js';
import { chooseEngine } from '../engine/choose.js';
import { EXIT_REFUSED } from '../common/errors.js';
import { hostFacts } from '../planner/facts.js';
import { loadPolicy } from '../policy/load.js';
import { isAllowed, refusalMessage, type Violation } from '../policy/refusals.js';
import { EngineAsk } from './gather.js';
import { REFUSED_REPLY } from './hooks.js';
import type { Answer, Held, Hooks } from './proxy.js';
import { serveJudgingSocket } from './proxy.js';
import { dialFor, judgedArgv, settingOf } from './run.js';
import { judgeBuildQuery, judgeServiceSpec } from './spec.js';

export async function runJudgedOnTheWay(args: readonly string[], deps: Deps, globals: readonly Item[]): Promise<number> {
  const engine = chooseEngine(globals, deps.env, deps.docker, deps.cwd);
  const { policy, warnings } = await loadPolicy({ profile: deps.env['SDOCKER_PROFILE'] || 'default', env: deps.env, cwd: deps.cwd, cliAllow: [] });
  if (warnings.length > 0) deps.stderr(`${warnings.join('\n')}\n`);
  const say = (found: readonly Violation[]): boolean => {
    const refused = found.filter((v) => !isAllowed(v, policy.allow));
    // build and service take no --sd-allow: a refusal is lifted in the user's config (allow: [RULE]).
    if (refused.length > 0) deps.stderr(`${refused.map((v) => refusalMessage(v).replace(/, or --sd-allow (\S+)$/, ', or allow: [$1] in your sdocker config ($XDG_CONFIG_HOME/sdocker/config.yml)')).join('\n')}\n`);
    return refused.length > 0;
  };
  if (say(buildxWords(args))) return EXIT_REFUSED;
  const dial = dialFor({ engine, globals, deps });
  const ask = new EngineAsk(dial);
  let refusals = 0;
  const hooks: Hooks = {
    holds: (method, route) => method === 'POST' && (route === '/services/create' || /^\/services\/[^/]+\/update$/.test(route)),
    handle: async (held: Held): Promise<Answer> => {
      const setting = settingOf({ policy, host: hostFacts(engine), info: await engine.info() });
      const spec = JSON.parse(held.body.toString('utf8') || '{}') as Parameters<typeof judgeServiceSpec>[0];
      const found = judgeServiceSpec(spec, setting, await hostNetworks(ask, spec));
      if (!say(found)) return held.forward();
      refusals += 1;
      return { refuse: REFUSED_REPLY.replace('container', 'service') };
    },
    judgeHead: async (method, route, query) => {
      if (method !== 'POST' || route !== '/build' || !say(judgeBuildQuery(query, deps.cwd))) return undefined;
      refusals += 1;
      return REFUSED_REPLY.replace('container', 'build');
    },
  };
  const socket = await serveJudgingSocket(dial, hooks);
  try {
    const { words, env } = judgedArgv(args, globals, socket.host, deps.env);
    const code = await deps.run(deps.docker, words, { env });
    return refusals > 0 ? EXIT_REFUSED : code;
  } finally {
    await socket.close();
  }
}

/**
 * The networks the spec names that are the engine's `host` network: the docker client sends an
 * id (on a swarm the host network's swarm id, another than its local one), so each is asked.
 */
async function hostNetworks(ask: EngineAsk, spec: Parameters<typeof judgeServiceSpec>[0]): Promise<Set<string>> {
  const targets = [...(spec.TaskTemplate?.Networks ?? []), ...(spec.Networks ?? [])].map((n) => n.Target ?? '').filter((t) => t !== '');
  const answers = await Promise.all(targets.map(async (target) => [target, await ask.get<{ Name?: string; Driver?: string }>(`/networks/${encodeURIComponent(target)}`)] as const));
  return new Set(['host', ...answers.filter(([, n]) => n?.Name === 'host' || n?.Driver === 'host').map(([target]) => target)]);
}

/**
 * A BuildKit build's words for the host's network and for privileged RUN steps, found on the
 * command line (buildx sends them over gRPC, unread by the proxy): `--network host`,
 * `--network=host`, `--allow network.host`, `--allow security.insecure` (and comma lists).
 * A word that is another flag's value reads as one too: that only ever refuses more.
 */
export function buildxWords(args: readonly string[]): Violation[] {
  if (!(args[0] === 'buildx' || args[0] === 'build' || args[1] === 'build')) return [];
  const found: Violation[] = [];
  args.forEach((word, i) => {
    const [flag, inline] = word.includes('=') ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] : [word, undefined];
    const value = inline ?? args[i + 1] ?? '';
    if (flag === '--network' && value === 'host') found.push({ rule: 'host-network', what: 'build --network host (the RUN steps get the host\'s network)', fix: 'drop --network host' });
    if (flag === '--allow' && value.split(',').includes('network.host')) found.push({ rule: 'host-network', what: `build --allow ${value}`, fix: 'drop network.host' });
    if (flag === '--allow' && value.split(',').includes('security.insecure')) found.push({ rule: 'privileged', what: `build --allow ${value} (RUN --security=insecure runs privileged)`, fix: 'drop security.insecure' });
  });
  return found;
}
