// The command that finds and proves every grant a container needs, as its diagnosis names it:
// `sdocker learn IMAGE` for a run; for a compose service, learn of its own file, which writes
// the grants into the file as compose keys (`sdocker harden --learn --write FILE...`, issue 20),
// so the file works wherever it is run. One place, so the form can change in one place.
import { isAbsolute, resolve } from 'node:path';
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
  // docker-compose 1.29 writes a file it found by itself as a bare name ('compose.yaml'): it is the working folder's.
  const folder = labels['com.docker.compose.project.working_dir'] ?? '';
  return { name, files: files.map((file) => (isAbsolute(file) || folder === '' ? file : resolve(folder, file))) };
}

/** The learn command for a run's image or a compose service; `cwd` shortens the files' paths. */
export function learnCommand(image: string, service: ComposeService | undefined, cwd: string = process.cwd()): string {
  if (service === undefined) return `sdocker learn ${shellQuote(image)}`;
  const files = service.files.length === 0 ? ['FILE'] : service.files.map((file) => shownPath(file, cwd));
  return `sdocker harden --learn --write ${files.join(' ')}`;
}
