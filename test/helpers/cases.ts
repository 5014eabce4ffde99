// One generated `docker run|create` command line: global flags, `container run|create` or
// `run|create`, dangerous options and look-alikes shuffled among fillers, `--` at times, the
// image and a command that itself looks dangerous (it belongs to the container, not docker).
import { CaseContext, DANGERS, type Fixtures, type Kind, type Piece } from './dangers.js';
import { IMAGE } from './engine.js';
import { filler, lookalike } from './lookalikes.js';
import { pick, shuffle, type Rnd } from './spellings.js';

export interface Case {
  readonly index: number;
  /** The container's name: every case carries one, and the run's label. */
  readonly name: string;
  readonly argv: readonly string[];
  /** What docker inspect should show if docker ran it as written; empty for a benign case. */
  readonly kinds: readonly Kind[];
  /** How each dangerous option was spelled, and what it should grant. */
  readonly dangers: readonly { readonly kinds: readonly Kind[]; readonly tag: string }[];
  /** The global flags, as written. */
  readonly globals: readonly string[];
  /** `--help=false`, `--version=false`: docker still runs the command. */
  readonly falseHelp: readonly string[];
  /** Volumes `docker create` would make for it. */
  readonly volumes: readonly string[];
}

export const RUN_LABEL = 'sdocker.test.differential';

const SOCKET = 'unix:///var/run/docker.sock';
// -H and --context together are refused by docker ("either specify --host or --context"): one endpoint flag at most.
const ENDPOINTS: readonly string[][] = [['-H', SOCKET], [`--host=${SOCKET}`], [`-H${SOCKET}`], ['--context', 'default'], ['-c', 'default'], ['--context=default']];
const QUIET_GLOBALS: readonly string[][] = [['-D'], ['-l', 'warn'], ['--log-level=error'], ['--debug=false']];
// --help/--version set to false: docker runs the command (pflag reads the value).
const FALSE_HELP: readonly string[][] = [['--help=false'], ['--version=false'], ['-v=false']];

function globals(rnd: Rnd): string[] {
  const groups: string[][] = [];
  if (rnd() < 0.15) groups.push(pick(rnd, ENDPOINTS));
  if (rnd() < 0.1) groups.push(pick(rnd, QUIET_GLOBALS));
  if (rnd() < 0.04) groups.push(pick(rnd, FALSE_HELP));
  return shuffle(rnd, groups).flat();
}

const COMMANDS: readonly string[][] = [[], ['true'], ['sleep', '1'], ['ls', '--privileged', '-v', '/:/h', '--net=host', '--cap-add', 'SYS_ADMIN']];

/** `dangers`: how many dangerous options; by default none for ~30% of cases, one for most, else two or three. */
export function generateCase(rnd: Rnd, fx: Fixtures, index: number, dangerCount?: number): Case {
  const ctx = new CaseContext(rnd, fx, index);
  const name = `${fx.prefix}-c${index}`;
  const r = rnd();
  const dangers = dangerCount ?? (r < 0.3 ? 0 : r < 0.85 ? 1 : 2 + Math.floor(rnd() * 2));
  const pieces: Piece[] = [];
  const slots = new Set<string>();
  const add = (piece: Piece): void => {
    if (piece.slot !== undefined && slots.has(piece.slot)) return;
    if (piece.slot !== undefined) slots.add(piece.slot);
    pieces.push(piece);
  };
  for (let i = 0; i < dangers; i += 1) add(pick(rnd, DANGERS)(ctx));
  for (let i = Math.floor(rnd() * 3); i > 0; i -= 1) add(lookalike(ctx));
  for (let i = Math.floor(rnd() * 3); i > 0; i -= 1) add(filler(ctx));
  if (rnd() < 0.04) add({ words: ['--help=false'], kinds: [], tag: '--help=false' });
  add({ words: rnd() < 0.5 ? ['--name', name] : [`--name=${name}`], kinds: [], tag: 'name' });
  add({ words: ['--label', `${RUN_LABEL}=${fx.prefix}`], kinds: [], tag: 'label' });
  const flags = shuffle(rnd, pieces);
  const path = pick(rnd, [['run'], ['create'], ['container', 'run'], ['container', 'create']]);
  const global = globals(rnd);
  const argv = [...global, ...path, ...flags.flatMap((p) => p.words), ...(rnd() < 0.2 ? ['--'] : []), IMAGE, ...pick(rnd, COMMANDS)];
  const tidy = (tag: string): string => tag.replaceAll(fx.cwd, '$TMP').replaceAll(fx.prefix, 'P');
  return {
    index,
    name,
    argv,
    kinds: [...new Set(flags.flatMap((p) => p.kinds))],
    dangers: flags.filter((p) => p.kinds.length > 0).map((p) => ({ kinds: p.kinds, tag: tidy(p.tag) })),
    globals: global,
    falseHelp: [...global, ...flags.filter((p) => p.tag === '--help=false').flatMap((p) => p.words)].filter((w) => /^(--help|--version|-v)=false$/.test(w)),
    volumes: flags.flatMap((p) => p.volumes ?? []),
  };
}

/** The same command as `create` (run's container is created the same way; nothing is started). */
export function asCreate(argv: readonly string[]): string[] {
  const at = argv.findIndex((word) => word === 'run' || word === 'create');
  if (at === -1) throw new Error(`no run or create in ${JSON.stringify(argv)}`);
  return [...argv.slice(0, at), 'create', ...argv.slice(at + 1)];
}

/** The raw command with `--restart no` (docker's own default, said aloud for containers made outside sdocker). */
export function rawCreate(argv: readonly string[]): string[] {
  const created = asCreate(argv);
  const at = created.indexOf('create');
  return [...created.slice(0, at + 1), '--restart', 'no', ...created.slice(at + 1)];
}
