// Dangerous options for `docker run|create`, each in a spelling docker accepts, with the danger
// docker inspect should then show. The engine fixtures they refer to (donor containers, a
// volume that binds /etc, symlinks) are made by test/helpers/differential.ts.
import { anyCase, csv, goCase, pick, respell, trueFlag, valueFlag, type Rnd } from './spellings.js';

/** What docker inspect can show that hands the host to a container (test/helpers/oracle.ts). */
export type Kind =
  | 'privileged' | 'network' | 'pid' | 'ipc' | 'uts' | 'userns' | 'cgroupns' | 'cap' | 'bind' | 'volume'
  | 'device' | 'seccomp' | 'apparmor' | 'label' | 'systempaths' | 'new-privileges' | 'cgroup-parent';

export interface Fixtures {
  readonly prefix: string;
  /** The working directory of every case (relative paths resolve from it). */
  readonly cwd: string;
  readonly userDir: string;
  /** Symlinks in cwd: to /etc, the engine socket, /, /dev/loop0, and to userDir. */
  readonly links: { readonly etc: string; readonly sock: string; readonly root: string; readonly loop: string; readonly user: string };
  /** /etc written relative to cwd (`../../../etc`). */
  readonly relEtc: string;
  /** Sources the docker CLI makes absolute because they start with `.`: `.etc` (a symlink in cwd to /etc), `.x/../../../etc`. */
  readonly dotSources: readonly string[];
  /** A folder of the user's own whose name starts with `.`, relative to cwd. */
  readonly dotUserDir: string;
  /** Containers to inherit from: one binds /etc, one the socket, one mounts the volume that binds /etc, one a plain volume. */
  readonly donors: { readonly etc: string; readonly sock: string; readonly vol: string; readonly plain: string };
  /** A container in the host's network, PID and IPC namespaces, and one in its own (shareable IPC). */
  readonly hostns: string;
  readonly plainns: string;
  /** A container created with no options at all: the engine's defaults. */
  readonly baseline: string;
  /** A local volume whose driver binds /etc, and a plain one. */
  readonly volumes: { readonly etc: string; readonly plain: string };
  /** A user network whose name starts with "host". */
  readonly hostnet: string;
  readonly blockDevices: readonly string[];
  readonly dangerousCaps: readonly string[];
}

/** Words for one option, what they should grant, and how they were spelled. */
export interface Piece {
  readonly words: string[];
  readonly kinds: Kind[];
  readonly tag: string;
  /** At most one piece per slot (docker refuses two --network, --pid container: plus host, ...). */
  readonly slot?: string;
  /** Volumes `docker create` makes for it (removed after the file). */
  readonly volumes?: string[];
}

/** Per case: the seeded chance, the fixtures, and unique mount targets and volume names. */
export class CaseContext {
  private counter = 0;
  constructor(readonly rnd: Rnd, readonly fx: Fixtures, readonly index: number) {}
  dst(): string {
    return `/m${(this.counter += 1)}`;
  }
  volume(): string {
    return `${this.fx.prefix}-v${this.index}-${(this.counter += 1)}`;
  }
}

const FOLDERS = ['/', '/etc', '/usr', '/bin', '/sbin', '/lib', '/boot', '/root', '/proc', '/sys', '/dev', '/run', '/var', '/var/lib', '/var/lib/docker', '/var/lib/docker/volumes', '/var/run', '/etc/ssh', '/etc/ssl', '/var/log'];
const FILES = ['/var/run/docker.sock', '/run/docker.sock', '/etc/shadow'];
/** Below a system folder: dangerous only when writable. */
export const WRITABLE_ONLY = ['/etc/ssl/certs', '/usr/share/zoneinfo', '/usr/local'];

/** A host path bound into the container: `-v`, `--volume=`, `-v=`, `-itv`, or `--mount` with keys in any case. */
export function bindWords(ctx: CaseContext, source: string, readOnly: boolean): { words: string[]; tag: string } {
  const { rnd } = ctx;
  const dst = ctx.dst();
  if (rnd() < 0.5) {
    const value = `${source}:${dst}${readOnly ? pick(rnd, [':ro', ':ro,z', ':z,ro']) : pick(rnd, ['', '', ':rw', ':z'])}`;
    if (rnd() < 0.2) {
      const cluster = pick(rnd, ['-itv', '-tv', '-iv']);
      return rnd() < 0.5 ? { words: [cluster, value], tag: `${cluster} SRC` } : { words: [`${cluster}${value}`], tag: `${cluster}SRC` };
    }
    const words = valueFlag(rnd, ['volume'], 'v', value);
    return { words, tag: formOf(words, value) };
  }
  const fields = [`${goCase(rnd, 'type')}=${goCase(rnd, 'bind')}`, `${goCase(rnd, pick(rnd, ['src', 'source']))}=${source}`, `${goCase(rnd, pick(rnd, ['dst', 'target', 'destination']))}=${dst}`];
  if (readOnly) fields.push(pick(rnd, ['readonly', 'ro', 'readonly=true', 'ro=1', 'READONLY', 'readonly=TRUE', 'Ro=T']));
  const value = csv(rnd, fields);
  return { words: rnd() < 0.5 ? ['--mount', value] : [`--mount=${value}`], tag: `--mount ${value.replace(source, 'SRC').replace(dst, 'DST')}` };
}

/** How a value flag was written, with its value left out: `--volume=V`, `-v V`, `-vV`. */
export function formOf(words: readonly string[], value: string): string {
  const first = words[0] ?? '';
  return words.length === 2 ? `${first} V` : `${first.slice(0, first.length - value.length)}V`;
}

function sensitiveSource(ctx: CaseContext): { source: string; readOnly: boolean } {
  const { rnd, fx } = ctx;
  const r = rnd();
  if (r < 0.5) return { source: respell(rnd, pick(rnd, FOLDERS)), readOnly: rnd() < 0.4 };
  if (r < 0.65) return { source: respell(rnd, pick(rnd, FILES), true), readOnly: rnd() < 0.4 };
  if (r < 0.75) return { source: respell(rnd, pick(rnd, WRITABLE_ONLY)), readOnly: false };
  if (r < 0.85) return { source: pick(rnd, [fx.links.etc, fx.links.sock, fx.links.root, `${fx.links.etc}/`]), readOnly: rnd() < 0.4 };
  if (r < 0.9) return { source: fx.relEtc, readOnly: rnd() < 0.4 };
  return { source: pick(rnd, fx.dotSources), readOnly: rnd() < 0.4 };
}

function bind(ctx: CaseContext): Piece {
  const { source, readOnly } = sensitiveSource(ctx);
  const { words, tag } = bindWords(ctx, source, readOnly);
  return { words, kinds: ['bind'], tag: `bind ${source}${readOnly ? ' ro' : ''}: ${tag}` };
}

/** A named volume whose local driver binds a host folder: the prepared one, or made inline with volume-opt. */
function volume(ctx: CaseContext): Piece {
  const { rnd, fx } = ctx;
  const dst = ctx.dst();
  if (rnd() < 0.4) {
    const words = rnd() < 0.5 ? valueFlag(rnd, ['volume'], 'v', `${fx.volumes.etc}:${dst}`) : ['--mount', csv(rnd, [`${anyCase(rnd, 'source')}=${fx.volumes.etc}`, `target=${dst}`, ...(rnd() < 0.5 ? [`type=${anyCase(rnd, 'volume')}`] : [])])];
    return { words, kinds: ['volume'], tag: `volume binding /etc: ${words[0] ?? ''}` };
  }
  const name = ctx.volume();
  const device = pick(rnd, ['/etc', '/', '/var/lib/docker', '/root', fx.links.etc, respell(rnd, '/etc')]);
  const opt = (): string => anyCase(rnd, 'volume-opt');
  const o = pick(rnd, ['o=bind', 'o=rbind', 'o=bind,ro', 'o=ro,bind']);
  // A field holding a comma must be quoted (encoding/csv).
  const oField = o.includes(',') ? `"${opt()}=${o}"` : `${opt()}=${o}`;
  const fields = ['type=volume', `src=${name}`, `dst=${dst}`, `${opt()}=type=none`, `${opt()}=device=${device}`, oField];
  if (rnd() < 0.3) fields.push('volume-driver=local');
  const quoted = csv(rnd, fields);
  return { words: ['--mount', quoted], kinds: ['volume'], tag: `inline volume-opt device=${device} ${o}`, volumes: [name] };
}

function capability(ctx: CaseContext): Piece {
  const { rnd, fx } = ctx;
  const cap = pick(rnd, fx.dangerousCaps);
  const spelled = `${cap !== 'ALL' && rnd() < 0.4 ? anyCase(rnd, 'cap_') : ''}${anyCase(rnd, cap)}`;
  // docker 28 does not split a comma list (the daemon then rejects it): a spelling to try anyway.
  const value = rnd() < 0.15 ? `${pick(rnd, ['CHOWN', 'kill'])},${spelled}` : spelled;
  return { words: valueFlag(rnd, ['cap-add'], '', value), kinds: ['cap'], tag: `--cap-add ${value}` };
}

function namespace(ctx: CaseContext): Piece {
  const { rnd, fx } = ctx;
  const flag = pick(rnd, ['network', 'network', 'pid', 'ipc', 'uts', 'userns', 'cgroupns'] as const);
  // The advanced --network syntax folds the whole field with Go's strings.ToLower, the container's name too.
  const folded = `${goCase(rnd, 'name')}=${goCase(rnd, 'container')}:${rnd() < 0.5 ? fx.hostns.toUpperCase() : fx.hostns}`;
  const host = flag === 'network' ? pick(rnd, ['host', 'name=host', '"name=host"', `container:${fx.hostns}`, folded, `${goCase(rnd, 'name')}=${goCase(rnd, 'host')}`]) : pick(rnd, ['host', 'host', ...(flag === 'pid' || flag === 'ipc' ? [`container:${fx.hostns}`] : [])]);
  const longs = flag === 'network' ? ['network', 'net'] : [flag];
  const words = valueFlag(rnd, longs, '', host);
  return { words, kinds: [flag], tag: `--${flag} ${host.replace(fx.hostns, 'HOSTNS')}`, slot: flag };
}

const SECURITY: readonly [Kind, readonly string[]][] = [
  ['seccomp', ['seccomp=unconfined', 'seccomp:unconfined']],
  ['apparmor', ['apparmor=unconfined', 'apparmor:unconfined']],
  ['label', ['label=disable', 'label:disable']],
  ['new-privileges', ['no-new-privileges=false', 'no-new-privileges:false', 'no-new-privileges=0', 'no-new-privileges:0', 'no-new-privileges=f', 'no-new-privileges=False']],
  ['systempaths', ['systempaths=unconfined']],
];

function securityOpt(ctx: CaseContext): Piece {
  const [kind, values] = pick(ctx.rnd, SECURITY);
  const value = pick(ctx.rnd, values);
  return { words: valueFlag(ctx.rnd, ['security-opt'], '', value), kinds: [kind], tag: `--security-opt ${value}` };
}

/** A seccomp profile file that allows everything by the time docker reads it, after sdocker read a strict one (differential.ts flips it). */
export function flipFile(cwd: string, index: number): string {
  return `${cwd}/flip-${index}.json`;
}

function changingProfile(ctx: CaseContext): Piece {
  const value = `seccomp=${flipFile(ctx.fx.cwd, ctx.index)}`;
  return { words: valueFlag(ctx.rnd, ['security-opt'], '', value), kinds: ['seccomp'], tag: '--security-opt seccomp=FILE (changes after sdocker reads it)', slot: 'flip' };
}

function device(ctx: CaseContext): Piece {
  const { rnd, fx } = ctx;
  const path = rnd() < 0.2 ? fx.links.loop : pick(rnd, fx.blockDevices);
  const value = pick(rnd, [path, `${path}:/dev/xvda`, `${path}:/dev/xvdb:r`, `${path}:rwm`]);
  return { words: valueFlag(rnd, ['device'], '', value), kinds: ['device'], tag: `--device ${value}` };
}

function inherited(ctx: CaseContext): Piece {
  const { rnd, fx } = ctx;
  const donor = pick(rnd, [fx.donors.etc, fx.donors.sock, fx.donors.vol]);
  const value = `${donor}${pick(rnd, ['', ':ro', ':rw'])}`;
  const kinds: Kind[] = donor === fx.donors.vol ? ['volume'] : ['bind'];
  return { words: valueFlag(rnd, ['volumes-from'], '', value), kinds, tag: `--volumes-from ${value.replace(fx.prefix, 'P')}` };
}

export const DANGERS: readonly ((ctx: CaseContext) => Piece)[] = [
  (ctx) => {
    const words = trueFlag(ctx.rnd, 'privileged');
    return { words, kinds: ['privileged'], tag: words.join(' '), slot: 'privileged' };
  },
  bind,
  bind,
  volume,
  capability,
  namespace,
  namespace,
  securityOpt,
  changingProfile,
  device,
  inherited,
  (ctx) => ({ words: valueFlag(ctx.rnd, ['cgroup-parent'], '', pick(ctx.rnd, ['sdprop', 'sdprop.slice'])), kinds: ['cgroup-parent'], tag: '--cgroup-parent' }),
];
