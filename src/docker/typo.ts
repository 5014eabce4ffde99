// A mistyped sdocker command (`sdocker lern`) answered with the nearest own command, as a
// mistyped option already is, instead of docker's bare "unknown command". Only a word that is no
// docker command and names no docker CLI plugin is judged, so no docker command is ever shadowed.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { EXIT_USAGE, SdockerError } from '../common/errors.js';
import { GLOBAL_FLAGS, indexFlags } from './flags.js';
import { parseFlags } from './parse.js';
import { ownNearMiss } from './words.js';

// docker/cli's plugin folders on Linux (cli-plugins/manager: the user's config folder, then the system ones).
const SYSTEM_PLUGIN_DIRS = ['/usr/local/lib/docker/cli-plugins', '/usr/local/libexec/docker/cli-plugins', '/usr/lib/docker/cli-plugins', '/usr/libexec/docker/cli-plugins'];

/** Whether docker would run `word` as a CLI plugin (`docker-WORD` in a plugin folder). */
export function isDockerPlugin(word: string, env: NodeJS.ProcessEnv): boolean {
  const config = env['DOCKER_CONFIG'] || join(homedir(), '.docker');
  return [join(config, 'cli-plugins'), ...SYSTEM_PLUGIN_DIRS].some((dir) => existsSync(join(dir, `docker-${word}`)));
}

const GLOBAL_TABLE = indexFlags(GLOBAL_FLAGS);

/**
 * Throws "sdocker: unknown command" with the nearest own command when the argv's command (after
 * docker's global flags) is a near miss of one and docker would not run it either (no docker
 * command, no plugin of that name); otherwise returns, and the argv goes to docker as before.
 */
export function refuseOwnTypo(argv: readonly string[], env: NodeJS.ProcessEnv): void {
  let first: string | undefined;
  try {
    first = parseFlags(argv, GLOBAL_TABLE, 'docker').rest[0];
  } catch {
    return;
  }
  if (first === undefined) return;
  const near = ownNearMiss(first);
  if (near === undefined || isDockerPlugin(first, env)) return;
  throw new SdockerError(`sdocker: unknown command "${first}" (neither docker's nor sdocker's); did you mean ${near}?`, EXIT_USAGE);
}
