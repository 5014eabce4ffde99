// Containers as learn and explain need them: run a trial, read its state, logs, processes and
// files, remove it. Through the docker CLI with the user's global flags, so -H and contexts
// reach the same engine as the run would; none of this is on a hot path.
import { capture, captureHead, streamStdout } from '../common/exec.js';
import { readTar, type TarEntry } from './tar.js';
import { tarEntries, type TarHeader } from './tar-stream.js';

/** A path `docker diff` lists: A added, C changed, D deleted. */
export interface Change {
  readonly kind: 'A' | 'C' | 'D';
  readonly path: string;
}

/** A process of the container as `docker top` shows it: effective and real ids (a server that keeps root to switch back shows euid != ruid). */
export interface ProcessRow {
  readonly pid: number;
  readonly euid: number;
  readonly ruid: number;
  readonly egid: number;
  readonly args: string;
}

/** What `docker inspect` says of a container, as far as a diagnosis reads it. */
export interface ContainerInfo {
  readonly name: string;
  readonly image: string;
  /** The image's id (sha256:...). */
  readonly imageId: string;
  readonly running: boolean;
  readonly restarting: boolean;
  readonly exitCode: number;
  readonly oomKilled: boolean;
  readonly restartCount: number;
  readonly user: string;
  readonly readOnly: boolean;
  readonly capAdd: readonly string[];
  readonly ips: readonly string[];
  /** What it runs: Path and Args. */
  readonly command: readonly string[];
  /** Its labels (compose's name its service, project and files). */
  readonly labels: Readonly<Record<string, string>>;
  /** Its process ever started (StartedAt is not Go's zero time). */
  readonly started: boolean;
  /** Where volumes, binds and tmpfs mounts sit in it. */
  readonly mounts: readonly string[];
  /** Its named (and anonymous) volumes: name and where each is mounted. */
  readonly volumes: readonly { readonly name: string; readonly target: string }[];
  /** Where host folders are bound in it. */
  readonly binds: readonly string[];
  readonly workdir: string;
}

/** `docker inspect` of a container (the engine's /containers/ID/json), as far as sdocker reads it. */
export interface RawInspect {
  Name: string;
  Id?: string;
  Image?: string;
  Created?: string;
  Path?: string;
  Args?: string[] | null;
  RestartCount?: number;
  State: { Status?: string; Running: boolean; Restarting: boolean; ExitCode: number; OOMKilled: boolean; Error?: string; StartedAt?: string; FinishedAt?: string; Health?: { Status?: string } | null };
  Config: { User?: string; Image: string; Labels?: Record<string, string> | null; Tty?: boolean; WorkingDir?: string };
  HostConfig: { ReadonlyRootfs?: boolean; CapAdd?: string[] | null; AutoRemove?: boolean; Tmpfs?: Record<string, string> | null };
  Mounts?: { Type?: string; Name?: string; Destination?: string }[] | null;
  NetworkSettings?: { Networks?: Record<string, { IPAddress?: string }> | null };
}

/** The label of a stand-in: a container sdocker creates from an image, never starts, and removes at once. */
export const STANDIN_LABEL = 'io.sdocker.standin';

export class Containers {
  constructor(
    private readonly docker: string,
    private readonly globals: readonly string[],
  ) {}

  /** `docker ARGV` (a `run -d`): the new container's id, or docker's own error. */
  async runDetached(argv: readonly string[]): Promise<{ id: string | undefined; error: string }> {
    const result = await this.call(...argv);
    const id = result.stdout.trim().split('\n').at(-1) ?? '';
    return result.exitCode === 0 && /^[0-9a-f]{12,64}$/.test(id) ? { id, error: '' } : { id: undefined, error: lastLine(result.stderr) };
  }

  async inspect(ref: string): Promise<ContainerInfo | undefined> {
    const result = await this.call('container', 'inspect', ref);
    if (result.exitCode !== 0) return undefined;
    const raw = (JSON.parse(result.stdout) as RawInspect[])[0];
    return raw === undefined ? undefined : containerInfo(raw);
  }

  /** Its CPU use as `docker stats` samples it (percent of one core, over about a second); undefined when not running. */
  async cpuPercent(ref: string): Promise<number | undefined> {
    const result = await this.call('stats', '--no-stream', '--format', '{{.CPUPerc}}', ref);
    const value = Number.parseFloat(result.stdout.trim());
    return result.exitCode === 0 && Number.isFinite(value) ? value : undefined;
  }

  /** Its health check's state (`starting`, `healthy`, `unhealthy`) and last output; undefined without one. */
  async health(ref: string): Promise<{ status: string; output: string } | undefined> {
    const result = await this.call('container', 'inspect', '--format', '{{json .State.Health}}', ref);
    const health = result.exitCode === 0 ? (JSON.parse(result.stdout.trim() || 'null') as { Status?: string; Log?: { Output?: string }[] } | null) : null;
    return health === null ? undefined : { status: health.Status ?? '', output: (health.Log?.at(-1)?.Output ?? '').trim() };
  }

  /** The container's output lines, stdout and stderr, at most the last `tail`. */
  async logs(ref: string, tail = 400): Promise<string[]> {
    const result = await this.call('logs', '--tail', String(tail), ref);
    return [...result.stdout.split('\n'), ...result.stderr.split('\n')].filter((line) => line.trim() !== '');
  }

  /** The newest container made from `image`, if any. */
  async latest(image: string): Promise<string | undefined> {
    const result = await this.call('ps', '-a', '--latest', '--quiet', '--filter', `ancestor=${image}`);
    const id = result.stdout.trim();
    return result.exitCode === 0 && id !== '' ? id : undefined;
  }

  /**
   * Remove it and its anonymous volumes. On a loaded engine `rm -f` can fail while the kill is
   * still under way ("removal ... already in progress", a kill timeout): asked again until it
   * is gone, so a trial never leaves a container behind without saying so.
   */
  async remove(ref: string): Promise<void> {
    let error = '';
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const result = await this.call('rm', '-f', '-v', ref);
      if (result.exitCode === 0 || /no such container/i.test(result.stderr)) return;
      error = lastLine(result.stderr);
      await new Promise((done) => setTimeout(done, 250 * attempt));
    }
    throw new Error(`could not remove container ${ref} (${error}); remove it with: docker rm -f ${ref}`);
  }

  /** The first entries of the container's file or folder at `path` (undefined: it does not exist). */
  async files(ref: string, path: string, bytes = 64 * 1024): Promise<TarEntry[] | undefined> {
    const result = await captureHead(this.docker, [...this.globals, 'cp', `${ref}:${path}`, '-'], bytes);
    if (result.exitCode !== 0) return undefined;
    return readTar(result.stdout);
  }

  /** A small text file of the container's, e.g. /etc/passwd. */
  async readFile(ref: string, path: string): Promise<string | undefined> {
    const entry = (await this.files(ref, path, 1024 * 1024))?.[0];
    return entry?.type === 'file' ? entry.body?.toString('utf8') : undefined;
  }

  /** The uids its processes run as (docker top; the container must be running). */
  async processUids(ref: string): Promise<number[]> {
    // The engine needs a PID column in ps's output ("Couldn't find PID field in ps output").
    const result = await this.call('top', ref, '-eo', 'pid,uid');
    if (result.exitCode !== 0) return [];
    return result.stdout.split('\n').slice(1).map((line) => Number(line.trim().split(/\s+/)[1])).filter((uid) => Number.isInteger(uid));
  }

  /**
   * A stand-in for `image` (its files, and the `mounts` given as -v words): created, never
   * started (its entrypoint is never run), with no network, labelled with what it stands in for
   * (`of`: a container's name); undefined when docker refused.
   */
  async createStandIn(image: string, mounts: readonly string[] = [], of = 'true'): Promise<string | undefined> {
    const args = ['create', '--label', `${STANDIN_LABEL}=${of}`, '--network', 'none', '--entrypoint', '/sdocker-stand-in', ...mounts.flatMap((m) => ['-v', m]), image];
    return (await this.runDetached(args)).id;
  }

  /** Extract a tar into the container's folder `dir` (`docker cp -`; a created, never started container too). */
  async putArchive(ref: string, dir: string, tar: Uint8Array): Promise<string | undefined> {
    const result = await capture(this.docker, [...this.globals, 'cp', '-', `${ref}:${dir}`], tar);
    return result.exitCode === 0 ? undefined : lastLine(result.stderr);
  }

  /** When the engine created the volume (ms since the epoch), undefined when there is none. */
  async volumeCreated(name: string): Promise<number | undefined> {
    const result = await this.call('volume', 'inspect', '--format', '{{.CreatedAt}}', name);
    return result.exitCode === 0 ? Date.parse(result.stdout.trim()) : undefined;
  }

  /** What the container changed in its image's file system (volumes and tmpfs mounts are not listed). */
  async diff(ref: string): Promise<Change[]> {
    const result = await this.call('diff', ref);
    if (result.exitCode !== 0) return [];
    return result.stdout.split('\n').flatMap((line) => {
      const match = /^([ACD]) (\/.*)$/.exec(line.trim());
      return match === null ? [] : [{ kind: match[1] as Change['kind'], path: match[2] as string }];
    });
  }

  /** Its processes with their users (docker top runs the host's ps; the container must be running). */
  async processes(ref: string): Promise<ProcessRow[]> {
    const result = await this.call('top', ref, '-eo', 'pid,euid,ruid,egid,args');
    if (result.exitCode !== 0) return [];
    return result.stdout.split('\n').slice(1).flatMap((line) => {
      const [pid, euid, ruid, egid, ...args] = line.trim().split(/\s+/).map((word, i) => (i < 4 ? Number(word) : word));
      const ids = [pid, euid, ruid, egid];
      return ids.every((n) => Number.isInteger(n)) ? [{ pid: pid as number, euid: euid as number, ruid: ruid as number, egid: egid as number, args: args.join(' ') }] : [];
    });
  }

  /**
   * Every entry under a container's folder, each with the first bytes of a file's body (enough for
   * a magic number), streamed from `docker cp` so a large folder never sits in memory; at most
   * `limit` bytes are read (then `cut` is true).
   */
  async walk(ref: string, folder: string, limit: number): Promise<{ entries: { header: TarHeader; head: Buffer }[]; cut: boolean }> {
    const stream = streamStdout(this.docker, [...this.globals, 'cp', `${ref}:${folder}`, '-']);
    const entries: { header: TarHeader; head: Buffer }[] = [];
    let read = 0;
    try {
      for await (const entry of tarEntries(stream.stdout)) {
        let head: Buffer = Buffer.alloc(0);
        for await (const chunk of entry.body) {
          head = chunk.subarray(0, 4);
          break;
        }
        entries.push({ header: entry.header, head });
        read += entry.header.size + 512;
        if (read > limit) {
          stream.stop();
          await stream.done;
          return { entries, cut: true };
        }
      }
    } catch {
      // A stream cut short (the folder vanished, docker cp failed): what was read stands.
      stream.stop();
    }
    await stream.done;
    return { entries, cut: false };
  }

  /** Run a command in the container; its exit code. */
  async exec(ref: string, argv: readonly string[]): Promise<{ exitCode: number; output: string }> {
    const result = await this.call('exec', ref, ...argv);
    return { exitCode: result.exitCode, output: `${result.stdout}\n${result.stderr}`.trim() };
  }

  private call(...args: string[]) {
    return capture(this.docker, [...this.globals, ...args]);
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}

export function containerInfo(raw: RawInspect): ContainerInfo {
  const networks = raw.NetworkSettings?.Networks ?? {};
  return {
    name: raw.Name.replace(/^\//, ''),
    image: raw.Config.Image,
    imageId: raw.Image ?? '',
    running: raw.State.Running,
    restarting: raw.State.Restarting,
    exitCode: raw.State.ExitCode,
    oomKilled: raw.State.OOMKilled,
    restartCount: raw.RestartCount ?? 0,
    user: raw.Config.User ?? '',
    readOnly: raw.HostConfig.ReadonlyRootfs === true,
    capAdd: raw.HostConfig.CapAdd ?? [],
    ips: Object.values(networks).map((n) => n.IPAddress ?? '').filter((ip) => ip !== ''),
    command: [raw.Path ?? '', ...(raw.Args ?? [])].filter((word) => word !== ''),
    labels: raw.Config.Labels ?? {},
    started: !/^0001-01-01/.test(raw.State.StartedAt ?? '0001-01-01'),
    mounts: [...(raw.Mounts ?? []).map((m) => m.Destination ?? ''), ...Object.keys(raw.HostConfig.Tmpfs ?? {})].filter((path) => path !== ''),
    workdir: raw.Config.WorkingDir || '/',
    binds: (raw.Mounts ?? []).filter((m) => m.Type === 'bind').map((m) => m.Destination ?? '').filter((target) => target !== ''),
    volumes: (raw.Mounts ?? []).filter((m) => m.Type === 'volume' && m.Name !== undefined && m.Destination !== undefined).map((m) => ({ name: m.Name as string, target: m.Destination as string })),
  };
}
