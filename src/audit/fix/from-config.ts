// The container's Config minus the image's: docker merges the image's config into every
// container it creates (moby daemon/commit.go merge: Env, Labels, ExposedPorts, Volumes, User,
// WorkingDir, Cmd/Entrypoint, Healthcheck), so a value equal to the image's came from it.
import { shellQuote } from '../../common/quote.js';
import { entries, flag, hostConfig, list, networkMode, type Intent, type Origin } from './intent.js';

type HealthConfig = { readonly Test?: readonly string[] | null; readonly Interval?: number; readonly Timeout?: number; readonly StartPeriod?: number; readonly Retries?: number };

/** The run's image reference and command; the flags go to `out`. */
export function readConfig(origin: Origin, out: Intent): { image: string; args: string[] } {
  const { raw, image } = origin;
  const config = raw.Config;
  out.pieces.push(flag('name', raw.Name.replace(/^\//, '')));
  if (config['OpenStdin'] === true) out.pieces.push(flag('interactive'));
  if (config['Tty'] === true) out.pieces.push(flag('tty'));
  readHostname(origin, out);
  if (config.User !== (image?.User ?? '')) out.pieces.push(flag('user', config.User));
  if (config.WorkingDir !== (image?.WorkingDir ?? '')) out.pieces.push(flag('workdir', config.WorkingDir));
  const imageEnv = new Set(list(image?.Env));
  const env = list(config.Env).filter((e) => !imageEnv.has(e));
  for (const e of env) out.pieces.push(flag('env', e));
  // -e and --env-file end up in the same Config.Env (docker/cli opts.go reads the file client-side).
  if (env.length > 0) out.lost.push('env values are written out with --env: an --env-file they came from cannot be told apart');
  const imageLabels = image?.Labels ?? {};
  for (const [key, value] of entries(config.Labels)) {
    if (imageLabels[key] !== value && !key.startsWith('com.docker.compose.')) out.pieces.push(flag('label', `${key}=${value}`));
  }
  readExposed(origin, out);
  readOptional(origin, out);
  readHealthcheck(config.Healthcheck as HealthConfig | null | undefined, image?.Healthcheck as HealthConfig | null | undefined, out);
  return { image: config.Image, args: commandArgs(origin) };
}

/** Docker names a container's host after its id (the first 12 digits); host and `container:` networks take another's. */
function readHostname(origin: Origin, out: Intent): void {
  const { raw } = origin;
  const mode = networkMode(raw);
  const borrowed = mode === 'host' || mode.startsWith('container:') || hostConfig(raw).UTSMode === 'host';
  if (!borrowed && raw.Config.Hostname !== '' && raw.Config.Hostname !== raw.Id.slice(0, 12)) out.pieces.push(flag('hostname', raw.Config.Hostname));
  const domain = raw.Config['Domainname'];
  if (typeof domain === 'string' && domain !== '') out.pieces.push(flag('domainname', domain));
  const mac = raw.Config['MacAddress'];
  // Engine 20.10 fills Config.MacAddress only from --mac-address; the generated one is in NetworkSettings.
  if (typeof mac === 'string' && mac !== '') out.pieces.push(flag('mac-address', mac));
}

/** --expose beyond the image's EXPOSE and the ports -p published (docker adds those to ExposedPorts too). */
function readExposed(origin: Origin, out: Intent): void {
  const { raw, image } = origin;
  const known = new Set([...Object.keys(image?.ExposedPorts ?? {}), ...Object.keys(hostConfig(raw).PortBindings ?? {})]);
  for (const port of Object.keys(raw.Config.ExposedPorts ?? {})) {
    if (!known.has(port)) out.pieces.push(flag('expose', port.replace(/\/tcp$/, '')));
  }
}

function readOptional(origin: Origin, out: Intent): void {
  const { raw, image } = origin;
  const signal = raw.Config['StopSignal'];
  if (typeof signal === 'string' && signal !== '' && signal !== image?.['StopSignal']) out.pieces.push(flag('stop-signal', signal));
  const timeout = raw.Config['StopTimeout'];
  if (typeof timeout === 'number') out.pieces.push(flag('stop-timeout', String(timeout)));
}

/**
 * What runs: docker resets the image's CMD when --entrypoint is given (docker/cli
 * container/opts.go), and --entrypoint takes one word, so an entrypoint of several words is
 * its first word with the rest moved before the command: the process's argv is the same.
 */
function commandArgs(origin: Origin): string[] {
  const { raw, image } = origin;
  const entrypoint = list(raw.Config.Entrypoint);
  const cmd = list(raw.Config.Cmd);
  if (same(entrypoint, list(image?.Entrypoint))) return same(cmd, list(image?.Cmd)) ? [] : [...cmd];
  return [...entrypoint.slice(1), ...cmd];
}

/** The --entrypoint piece, when the container's differs from the image's. */
export function entrypointPiece(origin: Origin): string[] {
  const entrypoint = list(origin.raw.Config.Entrypoint);
  if (same(entrypoint, list(origin.image?.Entrypoint))) return [];
  return ['--entrypoint', entrypoint[0] ?? ''];
}

function same(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((word, i) => word === b[i]);
}

/** The daemon fills each field left at zero from the image's HEALTHCHECK: only the differences are the user's. */
function readHealthcheck(own: HealthConfig | null | undefined, image: HealthConfig | null | undefined, out: Intent): void {
  if (own === null || own === undefined) return;
  const test = list(own.Test);
  if (test[0] === 'NONE') {
    if (list(image?.Test)[0] !== 'NONE') out.pieces.push(flag('no-healthcheck'));
    return;
  }
  if (test.length > 0 && !same(test, list(image?.Test))) {
    // --health-cmd always makes CMD-SHELL (docker/cli opts.go); an exec form is quoted for the shell.
    out.pieces.push(flag('health-cmd', test[0] === 'CMD-SHELL' ? (test[1] ?? '') : test.slice(1).map(shellQuote).join(' ')));
  }
  const durations = [['health-interval', own.Interval, image?.Interval], ['health-timeout', own.Timeout, image?.Timeout], ['health-start-period', own.StartPeriod, image?.StartPeriod]] as const;
  for (const [long, value, base] of durations) {
    if (value !== undefined && value > 0 && value !== base) out.pieces.push(flag(long, duration(value)));
  }
  if (own.Retries !== undefined && own.Retries > 0 && own.Retries !== image?.Retries) out.pieces.push(flag('health-retries', String(own.Retries)));
}

/** Nanoseconds as a Go duration (time.ParseDuration reads all three). */
export function duration(ns: number): string {
  if (ns % 1e9 === 0) return `${ns / 1e9}s`;
  return ns % 1e6 === 0 ? `${ns / 1e6}ms` : `${ns}ns`;
}
