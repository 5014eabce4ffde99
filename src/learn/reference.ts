// The reference run: the image as plain docker runs it (docker's defaults and the user's own
// flags, none of sdocker's hardening), watched until it is ready and exercised once. What it did
// there is what a hardened trial must do too, and where its grants come from: the ports it
// opened and when, what each port answered, the users its processes ran as, what it wrote, its log.
import { randomBytes } from 'node:crypto';
import type { Containers, ProcessRow } from '../engine/containers.js';
import { parsePasswd, type Account } from '../diagnose/symptoms.js';
import { exchange, type Exchange } from './exchange.js';
import { checkPorts, settledLog, sleep, watchStart } from './watch.js';
import { findWrites, type Writes } from './writes.js';

export const LEARN_LABEL = 'io.sdocker.learn';

/** A container to observe, as `docker run` would get it. */
export interface ContainerSpec {
  readonly image: string;
  readonly args: readonly string[];
  /** The user's own docker run words (no detach, name or restart: the run sets those). */
  readonly flags: readonly string[];
  /** TCP ports to watch (`80/tcp`): the exposed ones, or the user's --probe-port. */
  readonly ports: readonly string[];
  /** Ports the user named (--probe-port): the image must open them under plain docker too. */
  readonly required: readonly string[];
  readonly probeCmd: readonly string[];
  /** It must keep running at least this long to count as a server. */
  readonly settleMs: number;
  /** Give up waiting for it to be ready after this long. */
  readonly waitMs: number;
  /** Folders every trial has writable anyway (the policy's tmpfs): not evidence. */
  readonly writable: readonly string[];
}

export interface Reference {
  /** Why the image does not work under plain docker either (learn cannot judge against it). */
  readonly failure: string | undefined;
  /** A job: it exited by itself with this code. */
  readonly exitCode: number | undefined;
  readonly readyMs: number;
  /** Port -> milliseconds after start when it first accepted a connection. */
  readonly opened: ReadonlyMap<string, number>;
  /** Watched ports it never opened. */
  readonly closed: readonly string[];
  readonly exchanges: ReadonlyMap<string, Exchange>;
  readonly probeCmd: { readonly exitCode: number; readonly output: string } | undefined;
  readonly processes: readonly ProcessRow[];
  readonly accounts: readonly Account[];
  readonly writes: Writes;
  readonly log: readonly string[];
  readonly workdir: string;
  /** The image id it ran (what was proven). */
  readonly imageId: string;
}

/** How long a log must stay quiet (and no new port open) for a server that opened some ports to count as ready. */
const QUIET_MS = 4000;

/** Probe times for the reference: a banner comes at once; an answer may take a while. */
export const REFERENCE_TIMES = { bannerMs: 1500, answerMs: 3000 };

export async function observeReference(containers: Containers, spec: ContainerSpec, live: Set<string>): Promise<Reference> {
  const name = `sdocker-learn-ref-${randomBytes(4).toString('hex')}`;
  live.add(name);
  try {
    const startedAt = Date.now();
    const started = await containers.runDetached(['run', '-d', '--name', name, '--label', `${LEARN_LABEL}=reference`, ...spec.flags, '--', spec.image, ...spec.args]);
    if (started.id === undefined) return failed(`docker could not start it: ${started.error}`);
    const reference = await observeStarted(containers, name, spec, startedAt);
    if (reference.failure !== undefined) return reference;
    const missing = spec.required.filter((port) => !reference.opened.has(port));
    if (missing.length > 0) return failed(`under plain docker it never opened ${missing.join(', ')} (--probe-port) within ${(reference.readyMs / 1000).toFixed(1)} s`);
    return reference;
  } finally {
    await containers.remove(name);
    live.delete(name);
  }
}

/** A container already started at `startedAt` (a compose service's too), watched until ready and exercised as a reference. */
export async function observeStarted(containers: Containers, name: string, spec: ContainerSpec, startedAt: number): Promise<Reference> {
  let lastOpen = 0;
  const watched = await watchStart(containers, name, startedAt, {
    ports: spec.ports,
    capMs: spec.waitMs,
    watchLog: true,
    done: (s) => {
      lastOpen = Math.max(0, ...s.opened.values());
      if (s.elapsedMs < spec.settleMs) return false;
      if (s.opened.size === spec.ports.length && spec.ports.length > 0) return true;
      return (s.quietMs ?? 0) >= QUIET_MS && s.elapsedMs - lastOpen >= QUIET_MS;
    },
  });
  if (watched.exited !== undefined && watched.exited.code !== 0) {
    const log = await containers.logs(name);
    return failed(`under plain docker it exits with code ${watched.exited.code}${watched.exited.oom ? ' (out of memory)' : ''} too${log.length > 0 ? `: ${log.at(-1)?.trim() ?? ''}` : ''}`);
  }
  return exercise(containers, name, spec, startedAt, watched);
}

async function exercise(containers: Containers, name: string, spec: ContainerSpec, startedAt: number, watched: Awaited<ReturnType<typeof watchStart>>): Promise<Reference> {
  const job = watched.exited !== undefined;
  const opened = new Map(watched.opened);
  const first = job ? [] : await containers.processes(name);
  const exchanges = new Map<string, Exchange>();
  const ip = watched.ip;
  if (ip !== undefined && !job) {
    await exerciseAll(ip, [...opened.keys()], exchanges);
    // A slow starter may open a port after a quiet spell: the ports still closed get a while more.
    const late = new Map<string, number>();
    await watchClosed(containers, name, ip, spec.ports.filter((p) => !opened.has(p)), late, startedAt, spec.waitMs);
    await exerciseAll(ip, [...late.keys()], exchanges);
    for (const [port, ms] of late) opened.set(port, ms);
  }
  const probeCmd = spec.probeCmd.length > 0 && !job ? await containers.exec(name, spec.probeCmd) : undefined;
  const second = job ? [] : await containers.processes(name);
  const log = await settledLog(containers, name, 5000);
  const info = await containers.inspect(name);
  const [changes, passwd] = await Promise.all([containers.diff(name), containers.readFile(name, '/etc/passwd')]);
  const writes = await findWrites(containers, name, changes, [...(info?.mounts ?? []), ...spec.writable]);
  return {
    failure: undefined,
    exitCode: job ? watched.exited?.code : undefined,
    readyMs: watched.elapsedMs,
    opened,
    closed: spec.ports.filter((p) => !opened.has(p)),
    exchanges,
    probeCmd,
    processes: uniqueUsers([...first, ...second]),
    accounts: parsePasswd(passwd ?? ''),
    writes,
    log,
    workdir: info?.workdir ?? '/',
    imageId: info?.imageId ?? '',
  };
}

async function exerciseAll(ip: string, ports: readonly string[], into: Map<string, Exchange>): Promise<void> {
  await Promise.all(ports.map(async (port) => into.set(port, await exchange(ip, Number.parseInt(port, 10), REFERENCE_TIMES))));
}

/**
 * Ports still closed after the first probes are watched LATE_MS more (RabbitMQ opened 5672 4.6 s
 * after its log went quiet), and as long again each time the container is seen busy: on a loaded
 * machine a server boots on quietly (measured: RabbitMQ with --cpus 0.2 used 20% of a core for
 * 26 s, then 0.3%, and opened 5672 when it stopped; with 6 s alone, learn called 5672 not required
 * and dropped a grant the server needs). Never past --wait from the start.
 */
const LATE_MS = 6000;
const BUSY_PERCENT = 5;

async function watchClosed(containers: Containers, name: string, ip: string, ports: readonly string[], opened: Map<string, number>, startedAt: number, capMs: number): Promise<void> {
  let until = Date.now() + LATE_MS;
  let watching = true;
  const busy = (async () => {
    while (watching) {
      const percent = await containers.cpuPercent(name);
      if (percent === undefined) await sleep(500);
      else if (percent >= BUSY_PERCENT) until = Date.now() + LATE_MS;
    }
  })();
  try {
    while (ports.some((p) => !opened.has(p)) && Date.now() < Math.min(until, startedAt + capMs)) {
      await checkPorts(ip, ports.filter((p) => !opened.has(p)), opened, startedAt);
      await sleep(250);
    }
  } finally {
    watching = false;
    await busy;
  }
}

/** One process per distinct (euid, ruid), lowest pid first: the order the program switched users in. */
function uniqueUsers(rows: readonly ProcessRow[]): ProcessRow[] {
  const seen = new Set<string>();
  return [...rows].sort((a, b) => a.pid - b.pid).filter((row) => {
    const key = `${row.euid}:${row.ruid}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function failed(failure: string): Reference {
  return { failure, exitCode: undefined, readyMs: 0, opened: new Map(), closed: [], exchanges: new Map(), probeCmd: undefined, processes: [], accounts: [], writes: { folders: [], unfixable: [], paths: [] }, log: [], workdir: '/', imageId: '' };
}
