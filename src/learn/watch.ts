// Watching a container start: when each TCP port first accepts a connection, whether it exits,
// and (for the reference run) when its log goes quiet. Shared by the reference run and the trials.
import { connect } from 'node:net';
import type { Containers } from '../engine/containers.js';

export interface WatchState {
  /** Milliseconds since the container was started. */
  readonly elapsedMs: number;
  /** Port -> milliseconds after start when it first accepted a connection. */
  readonly opened: ReadonlyMap<string, number>;
  /** Milliseconds since its log last grew (undefined: not watched). */
  readonly quietMs: number | undefined;
}

export interface Watched {
  readonly opened: ReadonlyMap<string, number>;
  /** Set when it exited (or vanished) while being watched. */
  readonly exited: { readonly code: number; readonly oom: boolean } | undefined;
  readonly ip: string | undefined;
  readonly elapsedMs: number;
}

export interface WatchOptions {
  readonly ports: readonly string[];
  /** Stop watching when this says so (or at the cap). */
  readonly done: (state: WatchState) => boolean;
  readonly capMs: number;
  /** Read the log's length every second to tell when it goes quiet (the reference run does). */
  readonly watchLog: boolean;
}

const POLL_MS = 250;

export async function watchStart(containers: Containers, name: string, startedAt: number, options: WatchOptions): Promise<Watched> {
  const opened = new Map<string, number>();
  let logLines = -1;
  let logChangedAt = startedAt;
  let polls = 0;
  for (;;) {
    const info = await containers.inspect(name);
    const elapsedMs = Date.now() - startedAt;
    if (info === undefined || !info.running) {
      return { opened, exited: { code: info?.exitCode ?? -1, oom: info?.oomKilled ?? false }, ip: info?.ips[0], elapsedMs };
    }
    const ip = info.ips[0];
    if (ip !== undefined) await checkPorts(ip, options.ports.filter((port) => !opened.has(port)), opened, startedAt);
    if (options.watchLog && polls % 4 === 0) {
      const lines = (await containers.logs(name, 2000)).length;
      if (lines !== logLines) logChangedAt = Date.now();
      logLines = lines;
    }
    polls += 1;
    const state = { elapsedMs: Date.now() - startedAt, opened, quietMs: options.watchLog ? Date.now() - logChangedAt : undefined };
    if (options.done(state) || state.elapsedMs >= options.capMs) return { opened, exited: undefined, ip, elapsedMs: state.elapsedMs };
    await sleep(POLL_MS);
  }
}

/** One connection attempt to each port at once; records the ones that accept. */
export async function checkPorts(ip: string, ports: readonly string[], opened: Map<string, number>, startedAt: number): Promise<void> {
  await Promise.all(ports.map(async (port) => {
    if (await acceptsOnce(ip, Number.parseInt(port, 10), 500)) opened.set(port, Date.now() - startedAt);
  }));
}

export function acceptsOnce(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(timeoutMs, () => socket.destroy());
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => undefined);
    socket.once('close', () => resolve(false));
  });
}

/**
 * Its log once it has stopped growing for a moment after the probes (a server may log what a
 * probe did a little later: RabbitMQ's "closing AMQP connection"), or at `maxMs`.
 */
export async function settledLog(containers: Containers, name: string, maxMs: number): Promise<string[]> {
  const deadline = Date.now() + maxMs;
  let lines = await containers.logs(name, 2000);
  for (;;) {
    await sleep(600);
    const next = await containers.logs(name, 2000);
    if (next.length === lines.length || Date.now() >= deadline) return next;
    lines = next;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
