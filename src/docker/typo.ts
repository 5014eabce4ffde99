// A mistyped sdocker command (`sdocker lern`) answered with the nearest own command, as a
// mistyped option already is, instead of docker's bare "unknown command". Only a word that is no
// docker command and names no docker CLI plugin is judged, so no docker command is ever shadowed.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { EXIT_USAGE, SdockerError } from '../common/errors.js';
import { ownNearMiss } from './words.js';

// docker/cli's plugin folders on Linux (cli-plugins/manager: the user's config folder, then the system ones).
const SYSTEM_PLUGIN_DIRS = ['/usr/local/lib/docker/cli-plugins', '/usr/local/libexec/docker/cli-plugins', '/usr/lib/docker/cli-plugins', '/usr/libexec/docker/cli-plugins'];

/** Whether docker would run `word` as a CLI plugin (`docker-WORD` in a plugin folder). */
export function isDockerPlugin(word: string, env: NodeJS.ProcessEnv): boolean {
  const config = env['DOCKER_CONFIG'] || join(homedir(), '.docker');
  return [join(config, 'cli-plugins'), ...SYSTEM_PLUGIN_DIRS].some((dir) => existsSync(join(dir, `docker-${word}`)));
}

/**
 * Throws "sdocker: unknown command" with the nearest own command when `word` (the command after
 * docker's global flags) is a near miss of one and docker would not run it either (no docker
 * command, no plugin of that name); otherwise returns, and the argv goes to docker as before.
 */
export function refuseOwnTypo(word: string | undefined, env: NodeJS.ProcessEnv): void {
  if (word === undefined) return;
  const near = ownNearMiss(word);
  if (near === undefined || isDockerPlugin(word, env)) return;
  throw new SdockerError(`sdocker: unknown command "${word}" (neither docker's nor sdocker's); did you mean ${near}?`, EXIT_USAGE);
}
