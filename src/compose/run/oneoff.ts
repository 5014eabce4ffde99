// `compose run` and `compose exec` flags, judged by the run room's refusal checks before
// anything runs: each flag is read as the docker run (or exec) option compose turns it into
// (`run --cap-add`, `-v`, `-u`, `-p`; `exec --privileged`), as compose/refuse.ts does for a
// service's keys. Ports a one-off publishes are bound to the policy's address, as `run` does.
import { CONTAINER_FLAGS, EXEC_FLAGS, indexFlags } from '../../docker/flags.js';
import type { Item, Opt, ParsedFlags } from '../../docker/parse.js';
import { parsePort, renderPort } from '../../docker/values.js';
import { UNKNOWN_FACTS, type HostFacts } from '../../policy/context.js';
import { bindAddress } from '../../policy/defaults.js';
import { findViolations, isAllowed, refusalMessage, type Violation } from '../../policy/refusals.js';
import type { Policy } from '../../policy/schema.js';
import { DOCKER_EQUIVALENT } from './flags.js';

export type OneOff = 'run' | 'exec';

const DOCKER_RUN = indexFlags(CONTAINER_FLAGS, 'run');
const DOCKER_EXEC = indexFlags(EXEC_FLAGS);

/** The docker options a one-off's flags amount to, where a rule may read them. */
export function dockerItems(parsed: ParsedFlags, sub: OneOff): Item[] {
  const table = sub === 'run' ? DOCKER_RUN : DOCKER_EXEC;
  return parsed.items.map((item) => ({
    words: item.words,
    opts: item.opts.flatMap((opt) => {
      const long = DOCKER_EQUIVALENT[opt.spec.long];
      const spec = long === undefined ? undefined : table.byLong.get(long);
      return spec === undefined ? [] : [{ spec, value: opt.value }];
    }),
  }));
}

export interface Verdict {
  readonly refused: readonly string[];
  readonly allowed: readonly string[];
}

/**
 * Refusals of a one-off's flags. A relative bind source is judged from each folder compose may
 * resolve it from (the working directory and the project directory).
 */
export function judgeOneOff(sub: OneOff, parsed: ParsedFlags, policy: Policy, host: HostFacts, cwds: readonly string[]): Verdict {
  const items = dockerItems(parsed, sub);
  const found = new Map<string, Violation>();
  for (const cwd of new Set(cwds)) {
    for (const violation of findViolations({ sub, items, policy, facts: UNKNOWN_FACTS, host, cwd, seccompFile: '' })) found.set(refusalMessage(violation), violation);
  }
  const all = [...found.values()];
  // sdocker's own --sd-allow goes before compose's words (own-options.ts).
  const say = (v: Violation): string => refusalMessage(v).replace(/--sd-allow (\S+)$/, 'sdocker compose --sd-allow $1 ...');
  return {
    refused: all.filter((v) => !isAllowed(v, policy.allow)).map((v) => say(v).replace(/^sdocker: refusing (exec )?/, `sdocker: refusing compose ${sub} `)),
    allowed: all.filter((v) => isAllowed(v, policy.allow)).map((v) => `sdocker: allowed: compose ${sub} ${v.what.replace(/^exec /, '')}`),
  };
}

/** The run's option words with each published port that names no host address bound to the policy's. */
export function bindOneOffPorts(parsed: ParsedFlags, policy: Policy): string[] {
  if (policy.ports.bindAddress === '') return parsed.items.flatMap((item) => item.words);
  return parsed.items.flatMap((item) => {
    const rebound = item.opts.map((opt) => (opt.spec.long === 'publish' ? bindPort(opt.value, policy) : opt.value));
    if (item.opts.every((opt, i) => rebound[i] === opt.value)) return item.words;
    return item.opts.flatMap((opt, i) => renderOpt(opt, rebound[i] ?? opt.value));
  });
}

function bindPort(value: string, policy: Policy): string {
  const spec = parsePort(value);
  return spec.ip !== undefined && spec.ip !== '' ? value : renderPort({ ...spec, ip: bindAddress(policy) });
}

/** One option on its own, short where it has one (v1's `-e` and `-T` have no long form). */
function renderOpt(opt: Opt, value: string): string[] {
  const name = opt.spec.short !== '' ? `-${opt.spec.short}` : `--${opt.spec.long}`;
  if (opt.spec.kind !== 'bool') return [name, value];
  return [opt.value === 'true' ? name : `--${opt.spec.long}=${opt.value}`];
}
