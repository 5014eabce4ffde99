// compose's own flag grammar, for the three ways compose is installed. Transcribed from:
// - v1 (docker-compose 1.29, Python): the docopt option lists of `docker-compose --help`,
//   `run --help`, `exec --help` (compose/cli/main.py). docopt reads long options by any
//   unambiguous prefix (`--vol /:/h` is `--volume`), see docopt.py parse_long.
// - v2 as a docker CLI plugin (`docker compose`), pflag: docker/compose cmd/compose/compose.go
//   (addProjectFlags and the root flags), run.go, exec.go.
// - v2 standalone (`docker-compose` 2.x): v2's grammar, plus the docker global flags that
//   cmd/compatibility/convert.go moves before `compose` (-H, --context, --tls*, -D, --log-level).
// A short-only option (v1's `run -e`, `-T`) has long ''; it is never matched by a long word.
import type { FlagRow, FlagSpec, FlagTable } from '../../docker/flags.js';

export type Flavor = 'plugin' | 'standalone' | 'v1';

const V1_GLOBALS: readonly FlagRow[] = [
  ['file', 'f', 'list'],
  ['project-name', 'p', 'value'],
  ['profile', '', 'list'],
  ['context', 'c', 'value'],
  ['verbose', '', 'bool'],
  ['log-level', '', 'value'],
  ['ansi', '', 'value'],
  ['no-ansi', '', 'bool'],
  ['version', 'v', 'bool'],
  ['host', 'H', 'value'],
  ['tls', '', 'bool'],
  ['tlscacert', '', 'value'],
  ['tlscert', '', 'value'],
  ['tlskey', '', 'value'],
  ['tlsverify', '', 'bool'],
  ['skip-hostname-check', '', 'bool'],
  ['project-directory', '', 'value'],
  ['compatibility', '', 'bool'],
  ['env-file', '', 'value'],
  ['help', 'h', 'bool'],
];

const V2_GLOBALS: readonly FlagRow[] = [
  ['profile', '', 'list'],
  ['project-name', 'p', 'value'],
  ['file', 'f', 'list'],
  ['insecure-registry', '', 'list'],
  ['env-file', '', 'list'],
  ['project-directory', '', 'value'],
  ['workdir', '', 'value'],
  ['compatibility', '', 'bool'],
  ['progress', '', 'value'],
  ['all-resources', '', 'bool'],
  ['ansi', '', 'value'],
  ['parallel', '', 'value'],
  ['version', 'v', 'bool'],
  ['dry-run', '', 'bool'],
  ['no-ansi', '', 'bool'],
  ['verbose', '', 'bool'],
  ['help', 'h', 'bool'],
];

/** What a standalone v2 moves before `compose` (cmd/compatibility/convert.go). */
const STANDALONE_EXTRA: readonly FlagRow[] = [
  ['debug', 'D', 'bool'],
  ['tls', '', 'bool'],
  ['tlsverify', '', 'bool'],
  ['tlscacert', '', 'value'],
  ['tlscert', '', 'value'],
  ['tlskey', '', 'value'],
  ['host', 'H', 'value'],
  ['context', '', 'value'],
  ['log-level', '', 'value'],
];

const V1_RUN: readonly FlagRow[] = [
  ['detach', 'd', 'bool'],
  ['name', '', 'value'],
  ['entrypoint', '', 'value'],
  ['', 'e', 'list'],
  ['label', 'l', 'list'],
  ['user', 'u', 'value'],
  ['no-deps', '', 'bool'],
  ['rm', '', 'bool'],
  ['publish', 'p', 'list'],
  ['service-ports', '', 'bool'],
  ['use-aliases', '', 'bool'],
  ['volume', 'v', 'list'],
  ['', 'T', 'bool'],
  ['workdir', 'w', 'value'],
  ['help', 'h', 'bool'],
];

const V2_RUN: readonly FlagRow[] = [
  ['detach', 'd', 'bool'],
  ['env', 'e', 'list'],
  ['env-from-file', '', 'list'],
  ['label', 'l', 'list'],
  ['labels', '', 'list'],
  ['rm', '', 'bool'],
  ['no-tty', 'T', 'bool'],
  ['no-TTY', '', 'bool'],
  ['name', '', 'value'],
  ['user', 'u', 'value'],
  ['workdir', 'w', 'value'],
  ['entrypoint', '', 'value'],
  ['cap-add', '', 'list'],
  ['cap-drop', '', 'list'],
  ['no-deps', '', 'bool'],
  ['volume', 'v', 'list'],
  // run.go normalizeRunFlags: --volumes is --volume, --labels is --label.
  ['volumes', '', 'list'],
  ['publish', 'p', 'list'],
  ['use-aliases', '', 'bool'],
  ['service-ports', 'P', 'bool'],
  ['pull', '', 'value'],
  ['quiet', 'q', 'bool'],
  ['quiet-build', '', 'bool'],
  ['quiet-pull', '', 'bool'],
  ['build', '', 'bool'],
  ['remove-orphans', '', 'bool'],
  ['interactive', 'i', 'bool'],
  ['tty', 't', 'bool'],
  ['dry-run', '', 'bool'],
  ['help', 'h', 'bool'],
];

const V1_EXEC: readonly FlagRow[] = [
  ['detach', 'd', 'bool'],
  ['privileged', '', 'bool'],
  ['user', 'u', 'value'],
  ['', 'T', 'bool'],
  ['index', '', 'value'],
  ['env', 'e', 'list'],
  ['workdir', 'w', 'value'],
  ['help', 'h', 'bool'],
];

const V2_EXEC: readonly FlagRow[] = [
  ['detach', 'd', 'bool'],
  ['env', 'e', 'list'],
  ['index', '', 'value'],
  ['privileged', '', 'bool'],
  ['user', 'u', 'value'],
  ['no-tty', 'T', 'bool'],
  ['no-TTY', '', 'bool'],
  ['workdir', 'w', 'value'],
  ['interactive', 'i', 'bool'],
  ['tty', 't', 'bool'],
  ['dry-run', '', 'bool'],
  ['help', 'h', 'bool'],
];

/** The docker run/exec flag each compose one-off flag is, where a rule may read it. */
export const DOCKER_EQUIVALENT: Readonly<Record<string, string>> = {
  'cap-add': 'cap-add',
  'cap-drop': 'cap-drop',
  volume: 'volume',
  volumes: 'volume',
  user: 'user',
  publish: 'publish',
  privileged: 'privileged',
};

function table(rows: readonly FlagRow[]): FlagTable {
  const byLong = new Map<string, FlagSpec>();
  const byShort = new Map<string, FlagSpec>();
  for (const [long, short, kind] of rows) {
    const spec: FlagSpec = { long, short, kind };
    if (long !== '') byLong.set(long, spec);
    if (short !== '') byShort.set(short, spec);
  }
  return { byLong, byShort };
}

export const GLOBALS: Readonly<Record<Flavor, FlagTable>> = {
  v1: table(V1_GLOBALS),
  plugin: table(V2_GLOBALS),
  standalone: table([...V2_GLOBALS, ...STANDALONE_EXTRA]),
};

/**
 * v2's run flags v1 lacks (--cap-add, --cap-drop, ...): v1 rejects them itself, but read with
 * their arity the refusal names the danger (`run --cap-add SYS_ADMIN`), not just the flag.
 * v1's prefixes are still resolved among v1's own options, as docopt does.
 */
const V2_ONLY_RUN = V2_RUN.filter(([long, short]) => !V1_RUN.some(([l, s]) => (long !== '' && l === long) || (short !== '' && s === short)));

export const RUN: Readonly<Record<Flavor, FlagTable>> = { v1: table([...V1_RUN, ...V2_ONLY_RUN]), plugin: table(V2_RUN), standalone: table(V2_RUN) };
export const V1_RUN_PREFIXES: FlagTable = table(V1_RUN);
export const EXEC: Readonly<Record<Flavor, FlagTable>> = { v1: table(V1_EXEC), plugin: table(V2_EXEC), standalone: table(V2_EXEC) };
