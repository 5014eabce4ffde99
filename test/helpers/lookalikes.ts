// Options that look like the dangerous ones but grant nothing (sdocker must run them, hardened),
// and harmless fillers, in the same spellings as test/helpers/dangers.ts.
import { bindWords, CaseContext, WRITABLE_ONLY, type Piece } from './dangers.js';
import { anyCase, csv, falseFlag, pick, valueFlag } from './spellings.js';

/** Paths that start like a system folder and are not one (and do not exist: -v would make them at start). */
const NEAR_MISSES = ['/etcetera', '/etc.d', '/usrlocal', '/rooted', '/procfs', '/devices', '/var/lib/dockerish', '/run-data', '/bootstrap', '/sysx'];

function userBind(ctx: CaseContext): Piece {
  const { rnd, fx } = ctx;
  const r = rnd();
  // -v only for the near misses: --mount refuses a source that does not exist.
  if (r < 0.3) {
    const source = pick(rnd, NEAR_MISSES);
    const words = valueFlag(rnd, ['volume'], 'v', `${source}:${ctx.dst()}${pick(rnd, ['', ':ro'])}`);
    return { words, kinds: [], tag: `near miss ${source}` };
  }
  // Below a system folder, read-only: allowed (docs/run.md "Host folders").
  if (r < 0.5) {
    const source = pick(rnd, WRITABLE_ONLY.filter((p) => p !== '/usr/local'));
    return { ...bindWords(ctx, source, true), kinds: [], tag: `read-only ${source}` };
  }
  const source = pick(rnd, [fx.userDir, fx.links.user, `${fx.userDir}/`, './data', './data/../data', fx.dotUserDir, `${fx.dotUserDir}/../data`]);
  const { words, tag } = bindWords(ctx, source, rnd() < 0.3);
  return { words, kinds: [], tag: `user folder: ${tag}` };
}

function namedVolume(ctx: CaseContext): Piece {
  const { rnd, fx } = ctx;
  const dst = ctx.dst();
  const r = rnd();
  if (r < 0.4) return { words: valueFlag(rnd, ['volume'], 'v', `${fx.volumes.plain}:${dst}`), kinds: [], tag: 'plain named volume -v' };
  if (r < 0.6) return { words: ['--mount', csv(rnd, [`source=${fx.volumes.plain}`, `${anyCase(rnd, 'target')}=${dst}`])], kinds: [], tag: 'plain named volume --mount' };
  const name = ctx.volume();
  // A local volume with driver options that are not a host path: a tmpfs.
  const fields = r < 0.8 ? [`type=${anyCase(rnd, 'volume')}`, `src=${name}`, `dst=${dst}`] : ['type=volume', `src=${name}`, `dst=${dst}`, 'volume-opt=type=tmpfs', 'volume-opt=device=tmpfs', '"volume-opt=o=size=1m,uid=1000"'];
  return { words: ['--mount', csv(rnd, fields)], kinds: [], tag: fields.length > 3 ? 'new tmpfs volume' : 'new named volume', volumes: [name] };
}

const LOOKALIKES: readonly ((ctx: CaseContext) => Piece)[] = [
  // The same slot as --privileged: a later false would undo an earlier true (the last value wins).
  (ctx) => ({ words: falseFlag(ctx.rnd, 'privileged'), kinds: [], tag: '--privileged=false', slot: 'privileged' }),
  userBind,
  userBind,
  namedVolume,
  (ctx) => {
    const value = `${ctx.rnd() < 0.4 ? anyCase(ctx.rnd, 'cap_') : ''}${anyCase(ctx.rnd, pick(ctx.rnd, ['CHOWN', 'KILL', 'NET_BIND_SERVICE', 'SETUID', 'SETGID', 'FOWNER']))}`;
    return { words: valueFlag(ctx.rnd, ['cap-add'], '', value), kinds: [], tag: '--cap-add harmless' };
  },
  (ctx) => ({ words: valueFlag(ctx.rnd, ['cap-drop'], '', pick(ctx.rnd, ['ALL', 'all', 'sys_admin', 'CAP_NET_RAW'])), kinds: [], tag: '--cap-drop' }),
  (ctx) => {
    const { rnd, fx } = ctx;
    const value = pick(rnd, [fx.hostnet, fx.hostnet, `name=${fx.hostnet}`, 'none', `container:${fx.plainns}`]);
    return { words: valueFlag(rnd, ['network', 'net'], '', value), kinds: [], tag: `--network ${value.replace(fx.prefix, 'P')}`, slot: 'network' };
  },
  (ctx) => {
    const { rnd, fx } = ctx;
    const [flag, value] = pick(rnd, [['pid', `container:${fx.plainns}`], ['ipc', 'private'], ['ipc', 'none'], ['ipc', `container:${fx.plainns}`], ['cgroupns', 'private']] as const);
    return { words: valueFlag(rnd, [flag], '', value), kinds: [], tag: `--${flag} ${value.replace(fx.prefix, 'P')}`, slot: flag };
  },
  (ctx) => {
    const value = pick(ctx.rnd, ['label=level:s0', 'label:level:s0', 'label=type:container_t', 'no-new-privileges', 'no-new-privileges=true', 'no-new-privileges:1', 'no-new-privileges=TRUE']);
    return { words: valueFlag(ctx.rnd, ['security-opt'], '', value), kinds: [], tag: `--security-opt ${value}` };
  },
  (ctx) => ({ words: valueFlag(ctx.rnd, ['volumes-from'], '', `${ctx.fx.donors.plain}${pick(ctx.rnd, ['', ':ro'])}`), kinds: [], tag: '--volumes-from plain donor' }),
  (ctx) => ({ words: valueFlag(ctx.rnd, ['tmpfs'], '', ctx.dst()), kinds: [], tag: '--tmpfs' }),
  (ctx) => ({ words: ['--mount', `${anyCase(ctx.rnd, 'type')}=${anyCase(ctx.rnd, 'tmpfs')},dst=${ctx.dst()}`], kinds: [], tag: '--mount type=tmpfs' }),
];

export function lookalike(ctx: CaseContext): Piece {
  return pick(ctx.rnd, LOOKALIKES)(ctx);
}

/** Options with nothing to do with security, in their own spellings. */
export function filler(ctx: CaseContext): Piece {
  const { rnd } = ctx;
  const words = pick(rnd, [
    () => valueFlag(rnd, ['env'], 'e', `A${Math.floor(rnd() * 9)}=b`),
    () => valueFlag(rnd, ['workdir'], 'w', '/tmp'),
    () => [pick(rnd, ['-i', '-t', '-it', '-ti', '--interactive', '--tty=true'])],
    () => valueFlag(rnd, ['memory'], 'm', '64m'),
    () => valueFlag(rnd, ['pids-limit'], '', '64'),
    () => valueFlag(rnd, ['stop-timeout'], '', '3'),
    () => valueFlag(rnd, ['log-opt'], '', 'max-size=1m'),
    () => valueFlag(rnd, ['label'], 'l', 'purpose=differential'),
    () => valueFlag(rnd, ['user'], 'u', pick(rnd, ['1000', '1000:1000', 'nobody'])),
    () => [pick(rnd, ['--read-only', '--init', '--read-only=true'])],
    () => valueFlag(rnd, ['pull'], '', 'never'),
    () => valueFlag(rnd, ['cpus'], '', '0.5'),
  ])();
  return { words, kinds: [], tag: 'filler' };
}
