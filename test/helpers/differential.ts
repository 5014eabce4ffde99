// The engine side of the differential test: fixtures the generated cases refer to, sdocker's
// decision taken in-process (main with a recording runner, the real engine for facts), and
// `docker create`/`inspect` run several at a time.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Deps } from '../../src/planner/deps.js';
import { chooseEngine } from '../../src/engine/choose.js';
import { main } from '../../src/cli/main.js';
import { loadPolicy } from '../../src/policy/load.js';
import { asCreate, RUN_LABEL } from './cases.js';
import type { Fixtures } from './dangers.js';
import { IMAGE, LABEL_ARGS, uniqueName } from './engine.js';
import type { Inspected, VolumeInspected, World } from './oracle.js';

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export async function makeFixtures(): Promise<Fixtures> {
  const prefix = uniqueName('sdprop');
  // Not below /tmp: another test's container may bind /tmp writable, and the judge then rightly
  // refuses every source below it (swappable-source).
  const base = mkdtempSync(join('/var/tmp', 'sdprop-'));
  const cwd = join(base, 'work');
  const userDir = join(cwd, 'data');
  mkdirSync(userDir, { recursive: true });
  const link = (name: string, target: string): string => {
    symlinkSync(target, join(cwd, name));
    return join(cwd, name);
  };
  const links = { etc: link('innocent', '/etc'), sock: link('api', '/var/run/docker.sock'), root: link('everything', '/'), loop: link('disk', '/dev/loop0'), user: link('mine', userDir) };
  link('.etc', '/etc');
  mkdirSync(join(cwd, '.userdata'));
  const label = ['--label', `${RUN_LABEL}=${prefix}`, ...LABEL_ARGS];
  const create = (name: string, ...args: string[]): string => (docker('create', '--restart', 'no', ...label, '--name', `${prefix}-${name}`, ...args, IMAGE, 'true'), `${prefix}-${name}`);
  const volumes = { etc: `${prefix}-etcvol`, plain: `${prefix}-plainvol` };
  docker('volume', 'create', ...label, '--driver', 'local', '-o', 'type=none', '-o', 'device=/etc', '-o', 'o=bind', volumes.etc);
  docker('volume', 'create', ...label, volumes.plain);
  const hostnet = `hostnet-${prefix.slice('sdprop-'.length)}`;
  docker('network', 'create', ...label, hostnet);
  const blockDevices = readdirSync('/sys/block').filter((d) => /^(loop[0-7]|vd|sd|xvd|nvme)/.test(d)).map((d) => `/dev/${d}`);
  const { policy } = await loadPolicy({ profile: 'default', env: {}, cwd: '/', cliAllow: [] });
  return {
    prefix,
    cwd,
    userDir,
    links,
    relEtc: relative(cwd, '/etc'),
    // `.x/..` cancels out (filepath.Abs cleans lexically): what follows climbs from cwd.
    dotSources: ['.etc', '.etc/', `.x/../${relative(cwd, '/etc')}`, `.x/../${relative(cwd, '/')}`],
    dotUserDir: '.userdata',
    donors: { etc: create('donor-etc', '-v', '/etc:/hostetc:ro'), sock: create('donor-sock', '-v', '/var/run/docker.sock:/s'), vol: create('donor-vol', '-v', `${volumes.etc}:/etcvol`), plain: create('donor-plain', '-v', `${volumes.plain}:/data`) },
    hostns: create('hostns', '--network', 'host', '--pid', 'host', '--ipc', 'host'),
    plainns: create('plainns', '--ipc', 'shareable'),
    baseline: create('baseline'),
    volumes,
    hostnet,
    blockDevices,
    dangerousCaps: policy.capabilities.dangerous,
  };
}

/** Everything the run made: containers by label, volumes and the network by prefix, the folder. */
export function removeFixtures(fx: Fixtures): void {
  const ids = spawnSync('docker', ['ps', '-aq', '--filter', `label=${RUN_LABEL}=${fx.prefix}`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  if (ids.length > 0) spawnSync('docker', ['rm', '-f', '-v', ...ids], { stdio: 'ignore' });
  const volumes = listVolumes(fx.prefix);
  if (volumes.length > 0) spawnSync('docker', ['volume', 'rm', '-f', ...volumes], { stdio: 'ignore' });
  spawnSync('docker', ['network', 'rm', fx.hostnet], { stdio: 'ignore' });
  rmSync(join(fx.cwd, '..'), { recursive: true, force: true });
}

export function listVolumes(prefix: string): string[] {
  return docker('volume', 'ls', '-q', '--filter', `name=${prefix}`).split('\n').filter((v) => v.startsWith(prefix));
}

export function listContainers(prefix: string): string[] {
  return docker('ps', '-a', '--filter', `label=${RUN_LABEL}=${prefix}`, '--format', '{{.Names}}').split('\n').filter(Boolean);
}

export interface Ran {
  readonly code: number;
  readonly stderr: string;
}

export function dockerAsync(args: readonly string[], cwd: string): Promise<Ran> {
  return new Promise((resolvePromise) => {
    execFile('docker', [...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 24 }, (error, _stdout, stderr) => {
      resolvePromise({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stderr: stderr.trim() });
    });
  });
}

/** Run `work` over `items`, `width` at a time, results in order. */
export async function pool<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
  return results;
}

/** docker inspect of many containers at once; the ones that do not exist are left out. */
export async function inspectAll(names: readonly string[]): Promise<Map<string, Inspected>> {
  const found = new Map<string, Inspected>();
  const chunks = Array.from({ length: Math.ceil(names.length / 100) }, (_, i) => names.slice(i * 100, i * 100 + 100));
  await pool(chunks, 2, (chunk) => new Promise<void>((done) => {
    execFile('docker', ['inspect', ...chunk], { encoding: 'utf8', maxBuffer: 1 << 28 }, (_error, stdout) => {
      for (const c of (JSON.parse(stdout || '[]') as Inspected[])) found.set(c.Name.replace(/^\//, ''), c);
      done();
    });
  }));
  return found;
}

/** The engine as the judge sees it: containers and volumes asked for once each. */
export function engineWorld(fx: Fixtures, known: Map<string, Inspected>): World {
  const volumes = new Map<string, VolumeInspected | undefined>();
  const byId = new Map([...known.values()].map((c) => [c.Id, c]));
  const ask = <T>(args: string[]): T | undefined => {
    const result = spawnSync('docker', args, { encoding: 'utf8' });
    return result.status === 0 ? (JSON.parse(result.stdout) as T[])[0] : undefined;
  };
  const baseline = ask<Inspected>(['inspect', '--type', 'container', fx.baseline]);
  if (baseline === undefined) throw new Error(`the baseline container ${fx.baseline} is missing`);
  return {
    dangerousCaps: fx.dangerousCaps,
    baseline,
    container: (ref) => {
      const hit = known.get(ref) ?? byId.get(ref) ?? ask<Inspected>(['inspect', '--type', 'container', ref]);
      if (hit !== undefined) byId.set(ref, hit);
      return hit;
    },
    volume: (name) => {
      if (!volumes.has(name)) volumes.set(name, ask<VolumeInspected>(['volume', 'inspect', name]));
      return volumes.get(name);
    },
  };
}

/** The environment sdocker runs in: no user config of the machine's (HOME is the test's folder). */
export function sdockerEnv(fx: Fixtures): NodeJS.ProcessEnv {
  return { ...process.env, HOME: join(fx.cwd, '..'), XDG_CONFIG_HOME: join(fx.cwd, '..', '.config') };
}

export interface Decision {
  readonly code: number;
  /** sdocker's own words (its refusals, the judge's included). */
  readonly stderr: string;
  /** What sdocker ran docker with, in order (a pull would come first). */
  readonly runs: readonly (readonly string[])[];
  /** What docker said when it ran (its own errors). */
  readonly dockerStderr: string;
}

const STRICT = JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['exit_group'], action: 'SCMP_ACT_ALLOW' }] });
const ALLOW_ALL = JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW' });

/** The profile files a case names that change between reads (dangers.ts flipFile): `strict` as sdocker reads them, allow-all as docker does. */
export function writeFlipFiles(argv: readonly string[], strict: boolean): void {
  for (const word of argv) {
    const file = /seccomp=(\/\S*\/flip-\d+\.json)$/.exec(word)?.[1];
    if (file !== undefined) writeFileSync(file, strict ? STRICT : ALLOW_ALL);
  }
}

/**
 * sdocker's decision on an argv: main() as cli.ts calls it, the real engine for facts, and
 * docker run for real as `create` (nothing starts) against sdocker's judging socket, so the
 * engine's judge has its say; a profile that changes between reads changes just before docker.
 */
export async function decide(argv: readonly string[], fx: Fixtures): Promise<Decision> {
  const runs: string[][] = [];
  let stderr = '';
  let dockerStderr = '';
  const env = sdockerEnv(fx);
  writeFlipFiles(argv, true);
  const deps: Deps = {
    env,
    cwd: fx.cwd,
    stdout: () => undefined,
    stderr: (text) => (stderr += text),
    docker: 'docker',
    run: async (_file, args) => {
      // A run whose new volume sdocker gives to its user is docker's create, then start (src/volumes/): nothing starts here.
      if (args.find((word) => word === 'run' || word === 'create' || word === 'start') === 'start') return 0;
      runs.push([...args]);
      writeFlipFiles(args, false);
      const ran = await dockerAsync(asCreate(args), fx.cwd);
      dockerStderr = ran.stderr;
      return ran.code;
    },
    onInterrupt: () => () => undefined,
    engineFor: async (inv) => chooseEngine(inv.globals, env, 'docker'),
  };
  const code = await main(argv, deps);
  return { code, stderr: stderr.trim(), runs, dockerStderr };
}
