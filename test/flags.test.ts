// The flag table against the docker client on PATH: a docker upgrade that adds, removes or
// changes a flag fails here instead of being mis-parsed.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { CONTAINER_FLAGS, EXEC_FLAGS, GLOBAL_FLAGS, indexFlags, type FlagRow } from '../src/docker/flags.js';

interface HelpFlag {
  long: string;
  short: string;
  takesValue: boolean;
}

/** Flags of `docker SUB --help`: `  -p, --publish list   ...` (a type word means it takes a value). */
function helpFlags(args: string[]): HelpFlag[] {
  const help = execFileSync(process.env['SDOCKER_DOCKER'] || 'docker', [...args, '--help'], { encoding: 'utf8' });
  const section = args.length === 0 ? help.slice(help.indexOf('Global Options:')) : help;
  return [...section.matchAll(/^\s+(?:-(\w), )?--([\w-]+)(?: ([a-z][\w-]*))?\s/gm)].map((m) => ({
    long: m[2] as string,
    short: m[1] ?? '',
    takesValue: m[3] !== undefined,
  }));
}

/** Flags docker's help shows only for some daemons (docker/cli SetAnnotation "version" / "ostype"), plus --help itself. */
const GATED = new Set([
  'annotation', // API 1.43
  'health-start-interval', // API 1.44
  'cpu-count', // the four: Windows daemons only
  'cpu-percent',
  'io-maxbandwidth',
  'io-maxiops',
  'help',
]);

function check(t: import('ava').ExecutionContext, args: string[], rows: readonly FlagRow[], sub?: 'run' | 'create'): void {
  const table = indexFlags(rows, sub);
  const flags = helpFlags(args);
  t.true(flags.length > 5, `read the flags of docker ${args.join(' ')} --help`);
  for (const flag of flags) {
    const spec = table.byLong.get(flag.long);
    t.truthy(spec, `--${flag.long} of docker ${args.join(' ')} is missing from the flag table`);
    if (spec === undefined) continue;
    t.is(spec.short, flag.short, `--${flag.long}: shorthand`);
    t.is(spec.kind !== 'bool', flag.takesValue, `--${flag.long}: takes a value`);
  }
  const shown = new Set(flags.map((f) => f.long));
  const hidden = rows.filter((row) => row[3] === 'hidden').map((row) => row[0]);
  const extra = [...table.byLong.keys()].filter((long) => !shown.has(long) && !hidden.includes(long) && !GATED.has(long));
  t.deepEqual(extra, [], `flags in the table that docker ${args.join(' ')} does not have`);
}

test('docker run --help matches the table', (t) => check(t, ['run'], CONTAINER_FLAGS, 'run'));
test('docker create --help matches the table', (t) => check(t, ['create'], CONTAINER_FLAGS, 'create'));
test('docker exec --help matches the table', (t) => check(t, ['exec'], EXEC_FLAGS));
test('docker --help global options match the table', (t) => check(t, [], GLOBAL_FLAGS));

test('the hidden aliases docker accepts are in the table', (t) => {
  const table = indexFlags(CONTAINER_FLAGS, 'run');
  for (const long of ['net', 'net-alias', 'dns-opt']) t.truthy(table.byLong.get(long), long);
});

test('repeatable flags are the list, map, mount, network, ulimit and gpu types', (t) => {
  const help = execFileSync(process.env['SDOCKER_DOCKER'] || 'docker', ['run', '--help'], { encoding: 'utf8' });
  const table = indexFlags(CONTAINER_FLAGS, 'run');
  for (const m of help.matchAll(/^\s+(?:-\w, )?--([\w-]+) (list|map|mount|network|ulimit|gpu-request)\s/gm)) {
    t.is(table.byLong.get(m[1] as string)?.kind, 'list', `--${m[1]} is repeatable`);
  }
});
