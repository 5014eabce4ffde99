// `sdocker compose up|create` with a new named volume under the user sdocker injected (plan.ts
// says why it would stay root's): compose creates the containers first (`up --no-start`, which
// docker-compose 1.29 and v2 both have), sdocker gives each such volume's root to the run user
// (own.ts), then the user's own `up` starts them without recreating them (`--no-recreate`:
// recreating would make docker copy the image folder's owner onto the still empty volume again).
import type { Containers } from '../engine/containers.js';
import type { Engine } from '../engine/engine.js';
import { ownNewVolumes } from './own.js';
import type { NewVolume } from './plan.js';

export interface ServiceVolumes {
  readonly service: string;
  readonly user: string;
  readonly volumes: readonly NewVolume[];
}

/** The candidates (compose/run/new-volumes.ts) whose volumes do not exist yet on the engine. */
export async function stillNew(candidates: readonly ServiceVolumes[], engine: Engine): Promise<ServiceVolumes[]> {
  const found: ServiceVolumes[] = [];
  for (const candidate of candidates) {
    const fresh: NewVolume[] = [];
    for (const volume of candidate.volumes) if ((await engine.inspectVolume(volume.name)) === undefined) fresh.push(volume);
    if (fresh.length > 0) found.push({ ...candidate, volumes: fresh });
  }
  return found;
}

/** After `up --no-start`: own the new volumes in each container compose created for those services. */
export async function ownComposeVolumes(containers: Pick<Containers, 'inspect' | 'files' | 'readFile' | 'putArchive' | 'volumeCreated' | 'createStandIn' | 'remove'>, list: (service: string) => Promise<readonly string[]>, found: readonly ServiceVolumes[], since: number): Promise<string[]> {
  const warnings: string[] = [];
  for (const { service, user, volumes } of found) {
    for (const id of await list(service)) warnings.push(...(await ownNewVolumes(containers, id, volumes, user, since)));
  }
  return warnings;
}

/** Words of the user's `up` for the first step: created, not started (-d and the attach options are start's). */
export function createStep(subArgs: readonly string[]): string[] {
  return ['--no-start', ...subArgs.flatMap((word) => dropFlags(word, ['-d', '--detach', '--abort-on-container-exit', '--attach-dependencies', '--no-start'], 'd')).filter((word, i, all) => !isValueOf(all, i, '--exit-code-from'))];
}

/** Words of the user's `up` for the second step: start what the first made, recreate nothing. */
export function startStep(subArgs: readonly string[]): string[] {
  return [...subArgs.flatMap((word) => dropFlags(word, ['--force-recreate', '--always-recreate-deps', '--renew-anon-volumes', '-V', '--build', '--no-start'], 'V')), '--no-recreate'];
}

/** `word` without the flags in `longs` (also `--flag=value`), and a short `letter` taken out of a cluster (`-dV`). */
function dropFlags(word: string, longs: readonly string[], letter: string): string[] {
  if (longs.includes(word) || longs.some((flag) => flag.startsWith('--') && word.startsWith(`${flag}=`))) return [];
  if (/^-[a-zA-Z]{2,}$/.test(word) && word.includes(letter)) {
    const rest = word.slice(1).replaceAll(letter, '');
    return rest === '' ? [] : [`-${rest}`];
  }
  return [word];
}

/** `--exit-code-from SERVICE`: the flag and its value both go. */
function isValueOf(words: readonly string[], index: number, flag: string): boolean {
  const word = words[index] ?? '';
  return word === flag || word.startsWith(`${flag}=`) || (index > 0 && words[index - 1] === flag);
}
