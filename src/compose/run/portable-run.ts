// `sdocker compose` and a hardened file's relative seccomp path (portable.ts). docker-compose
// 1.29 opens the profile while it loads the files, `config` included, from its working
// directory (compose/config/types.py SecurityOpt.parse: open(path)); measured: `docker-compose
// -f proj/compose.yml config` run from proj's parent fails "Error reading seccomp profile", also
// with --project-directory proj. So v1's `config` runs from the project directory, its options
// that name a path from the working directory made absolute first; the model it gives is then
// given absolute seccomp paths (portable.ts absoluteSeccomp) for the run from a temp folder.
import { isAbsolute, resolve } from 'node:path';
import { parseComposeFlags } from './args.js';
import { GLOBALS, type Flavor } from './flags.js';

/** v1's global options whose value is a path read from the working directory (compose/cli/command.py, environment.py). */
const V1_PATH_OPTIONS = new Set(['env-file', 'project-directory', 'tlscacert', 'tlscert', 'tlskey']);

export interface ConfigCall {
  readonly globals: readonly string[];
  /** The working directory compose's `config` runs in; undefined: sdocker's own. */
  readonly cwd: string | undefined;
}

/** How to run compose's `config` so that a relative seccomp path is read from the project directory. */
export function configCall(flavor: Flavor, globals: readonly string[], cwd: string, projectDir: string): ConfigCall {
  // v2 reads it from the project directory already (pkg/compose/create.go, RelativePath).
  if (flavor !== 'v1' || resolve(cwd) === resolve(projectDir)) return { globals, cwd: undefined };
  const parsed = parseComposeFlags(globals, GLOBALS.v1, 'v1', 'docker-compose');
  const words = parsed.items.flatMap((item) => {
    const [opt] = item.opts;
    if (item.opts.length !== 1 || opt === undefined || !V1_PATH_OPTIONS.has(opt.spec.long) || isAbsolute(opt.value)) return [...item.words];
    return [`--${opt.spec.long}=${resolve(cwd, opt.value)}`];
  });
  return { globals: [...words, ...(parsed.dashdash ? ['--'] : []), ...parsed.rest], cwd: projectDir };
}
