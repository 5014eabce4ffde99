// Resource limits, restart policy and log rotation. A user's own value always wins; a value
// looser than the profile's is kept and warned about, never silently replaced.
import { parseBytes, parseCpus, parseUlimitPair } from '../../docker/units.js';
import { add, say, type Inject } from './types.js';

const memory: Inject = (view, ctx, out) => {
  const limit = ctx.policy.limits.memory;
  const userMemory = view.last('memory');
  const userSwap = view.last('memory-swap');
  if (userMemory === undefined && userSwap === undefined) {
    if (limit === '') return;
    add(out, 'memory', '--memory', limit);
    add(out, 'memory', '--memory-swap', limit);
    return;
  }
  if (userMemory !== undefined && isLooser(parseBytes(userMemory), parseBytes(limit))) {
    say(out, 'memory', 'warning', `--memory ${userMemory} is above the profile's ${limit}`);
  }
  if (userMemory !== undefined && userSwap === undefined) {
    add(out, 'memory', '--memory-swap', userMemory);
  } else if (userSwap !== undefined && userMemory === undefined) {
    // docker needs --memory with --memory-swap; the smaller of the two keeps the user's bound.
    const swap = parseBytes(userSwap);
    const fits = swap === undefined || swap < 0 || (parseBytes(limit) ?? Infinity) <= swap;
    add(out, 'memory', '--memory', fits && limit !== '' ? limit : userSwap);
  } else if (userSwap !== userMemory) {
    say(out, 'memory', 'warning', `--memory-swap ${userSwap} lets the container swap beyond --memory ${userMemory}`);
  }
};

const cpus: Inject = (view, ctx, out) => {
  const limit = ctx.policy.limits.cpus;
  const given = view.last('cpus');
  if (given !== undefined) {
    if (isLooser(parseCpus(given), parseCpus(limit))) say(out, 'cpus', 'warning', `--cpus ${given} is above the profile's ${limit}`);
    return;
  }
  // docker refuses --cpus together with --cpu-quota or --cpu-period: the user's own CFS settings stand.
  if (limit === '' || view.has('cpu-quota') || view.has('cpu-period')) return;
  add(out, 'cpus', '--cpus', limit);
};

const pids: Inject = (view, ctx, out) => {
  const limit = ctx.policy.limits.pids;
  const given = view.last('pids-limit');
  if (given !== undefined) {
    if (Number(given) <= 0) say(out, 'pids-limit', 'warning', `--pids-limit ${given} leaves the number of processes unlimited`);
    else if (limit > 0 && Number(given) > limit) say(out, 'pids-limit', 'warning', `--pids-limit ${given} is above the profile's ${limit}`);
    return;
  }
  if (limit > 0) add(out, 'pids-limit', '--pids-limit', String(limit));
};

const nofile: Inject = (view, ctx, out) => {
  const limit = ctx.policy.limits.nofile;
  const given = view.values('ulimit').find((value) => value.trim().startsWith('nofile='));
  if (given !== undefined) {
    const hard = parseUlimitPair(given.split('=')[1] ?? '')?.hard;
    if (isLooser(hard, parseUlimitPair(limit)?.hard)) say(out, 'ulimit-nofile', 'warning', `--ulimit ${given} is above the profile's nofile=${limit}`);
    return;
  }
  if (limit !== '') add(out, 'ulimit-nofile', '--ulimit', `nofile=${limit}`);
};

const restart: Inject = (view, ctx, out) => {
  const policy = ctx.policy.restart;
  // docker refuses --restart with --rm; `run` without -d is a foreground command, not a service.
  if (policy === '' || view.has('restart') || view.isOn('rm')) return;
  if (ctx.sub === 'run' && !view.isOn('detach')) return;
  add(out, 'restart', '--restart', policy);
};

/** Drivers whose max-size/max-file options exist (docs.docker.com: json-file and local logging drivers). */
const ROTATING_DRIVERS = new Set(['json-file', 'local']);

const logs: Inject = (view, ctx, out) => {
  const driver = view.last('log-driver') ?? ctx.facts.loggingDriver ?? 'json-file';
  if (!ROTATING_DRIVERS.has(driver)) return;
  const given = new Set(view.values('log-opt').map((opt) => opt.split('=')[0]));
  const { maxSize, maxFile } = ctx.policy.logging;
  if (maxSize !== '' && !given.has('max-size')) add(out, 'log-limits', '--log-opt', `max-size=${maxSize}`);
  if (maxFile > 0 && !given.has('max-file')) add(out, 'log-limits', '--log-opt', `max-file=${maxFile}`);
};

/** A user value above the profile's, where both are known and the profile sets one. */
export function isLooser(given: number | undefined, limit: number | undefined): boolean {
  if (limit === undefined || limit <= 0) return false;
  return given === undefined || given <= 0 || given > limit;
}

export const LIMIT_INJECTIONS: readonly Inject[] = [memory, cpus, pids, nofile, restart, logs];
