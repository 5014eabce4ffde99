// The command that finds and proves every grant a container needs, as its diagnosis names it:
// `sdocker learn IMAGE` for a run; for a compose service, learn of that service in its own file.
// One place, so the form can change when learn for compose files settles (issue 20 plans
// `sdocker harden --learn --write FILE`).
import { shellQuote, shownPath } from '../common/quote.js';

/** The label sdocker compose puts on each container: the compose files as the user named them (absolute, comma-separated, as compose's own config_files label). */
export const COMPOSE_FILES_LABEL = 'io.sdocker.compose.files';

export interface ComposeService {
  readonly name: string;
  /** The user's compose files (absolute); empty when not known. */
  readonly files: readonly string[];
}

/** The service a container belongs to, read from compose's labels and sdocker's. */
export function composeService(labels: Readonly<Record<string, string>>): ComposeService | undefined {
  const name = labels['com.docker.compose.service'];
  if (name === undefined || name === '') return undefined;
  // sdocker compose hands compose a hardened copy in a private temp folder: its own label names the user's files.
  const own = labels[COMPOSE_FILES_LABEL];
  const compose = labels['com.docker.compose.project.config_files'] ?? '';
  const files = (own ?? (/sdocker-compose-[^/]*\/compose\.hardened\.yml/.test(compose) ? '' : compose)).split(',').filter((file) => file !== '');
  return { name, files };
}

/** The learn command for a run's image or a compose service; `cwd` shortens the files' paths. */
export function learnCommand(image: string, service: ComposeService | undefined, cwd: string = process.cwd()): string {
  if (service === undefined) return `sdocker learn ${shellQuote(image)}`;
  const files = service.files.length === 0 ? ['COMPOSE_FILE'] : service.files.map((file) => shownPath(file, cwd));
  return `sdocker learn ${files.map((file) => `-f ${file}`).join(' ')} ${shellQuote(service.name)}`;
}
