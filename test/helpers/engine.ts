// Engine tests run against a real dockerd (started by scripts/engine-up). With no engine they
// fail with the reason: an engine test never skips silently.
import { execFileSync, spawnSync } from 'node:child_process';
import { appArmorState } from '../../src/policy/apparmor.js';
import { hasAppArmor } from '../../src/engine/engine.js';
import { onSignal } from './on-signal.js';
import { LABEL, LABEL_ARGS, uniqueName } from './run-id.js';

export { LABEL, LABEL_ARGS, uniqueName };

export const IMAGE = 'sdocker-test/busybox:1';
export const USER_IMAGE = 'sdocker-test/busybox-user:1';

let reason: string | undefined | null = null;

/** Why the engine cannot be used, or undefined when it answers and the test images exist. */
export function engineProblem(): string | undefined {
  if (reason !== null) return reason;
  const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: 60_000 });
  if (info.status !== 0) return (reason = `no Docker engine answers (${(info.stderr || info.error?.message || '').trim().split('\n')[0]}); run 'bash scripts/engine-up' as root`);
  const images = spawnSync('docker', ['image', 'inspect', IMAGE, USER_IMAGE], { encoding: 'utf8' });
  if (images.status !== 0) return (reason = "the test images are missing; run 'bash scripts/test-images'");
  return (reason = undefined);
}

export function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function dockerStatus(...args: string[]): number {
  return spawnSync('docker', args, { stdio: 'ignore' }).status ?? -1;
}

export function removeContainers(...names: string[]): void {
  // -v: the anonymous volumes of images that declare VOLUME (redis, postgres) go too.
  if (names.length > 0) spawnSync('docker', ['rm', '-f', '-v', ...names], { stdio: 'ignore' });
}

/**
 * What sdocker run does about AppArmor on this engine, detected rather than assumed: the engine
 * reports it in docker info SecurityOptions (as facts.ts reads it), and sdocker's profile is
 * used only where it is also loaded in this host's kernel.
 */
export function engineAppArmor(): { present: boolean; loaded: boolean } {
  const present = hasAppArmor(JSON.parse(docker('info', '--format', '{{json .SecurityOptions}}')) as string[] | null);
  return { present, loaded: present && appArmorState('sdocker-default').kind === 'loaded' };
}

export function containerExists(name: string): boolean {
  return docker('ps', '-a', '--filter', `name=^/${name}$`, '--format', '{{.Names}}') === name;
}

// Docker's inspect output, as far as these tests read it.
export interface Inspect {
  Config: { User: string; Image: string };
  HostConfig: {
    CapDrop: string[] | null;
    CapAdd: string[] | null;
    ReadonlyRootfs: boolean;
    Tmpfs: Record<string, string> | null;
    SecurityOpt: string[] | null;
    Memory: number;
    MemorySwap: number;
    NanoCpus: number;
    PidsLimit: number | null;
    Ulimits: { Name: string; Soft: number; Hard: number }[] | null;
    RestartPolicy: { Name: string; MaximumRetryCount: number };
    LogConfig: { Type: string; Config: Record<string, string> };
    PortBindings: Record<string, { HostIp: string; HostPort: string }[]> | null;
    NetworkMode: string;
    Privileged: boolean;
  };
  NetworkSettings: { Networks: Record<string, { IPAddress: string }>; Ports: Record<string, { HostIp: string; HostPort: string }[] | null> };
}

/** The default profile's limits, restart policy and log rotation, as docker inspect shows them. */
export function assertDefaultLimits(t: import('ava').ExecutionContext, host: Inspect['HostConfig']): void {
  t.is(host.Memory, 512 * 1024 * 1024);
  t.is(host.MemorySwap, 512 * 1024 * 1024, 'no swap');
  t.is(host.NanoCpus, 1e9);
  t.is(host.PidsLimit, 256);
  t.deepEqual(host.Ulimits, [{ Name: 'nofile', Soft: 1024, Hard: 4096 }]);
  t.deepEqual(host.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 5 });
  t.deepEqual(host.LogConfig.Config, { 'max-file': '3', 'max-size': '10m' });
}

export function inspect(name: string): Inspect {
  return JSON.parse(docker('inspect', name))[0] as Inspect;
}

/** A shell line that sends an HTTP GET with busybox nc and prints the body's last line. */
export function httpRequest(ip: string, port = 8080): string {
  return `printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${ip} ${port} | tail -1`;
}

/** What `engineSuite` gives a test file. */
export interface EngineSuite {
  /** A name unique to this run (see run-id.ts); a container of that name is removed after the file. */
  readonly named: (own?: string) => string;
  /** Removal of anything else the file made (volumes, networks, images), after its containers. */
  readonly cleanup: (remove: () => void) => void;
  /** `--label io.sdocker.test=RUN`: for every container, network, volume or image made with docker. */
  readonly label: readonly string[];
}

/**
 * An engine test file: its `before` fails with the reason when there is no engine (never a
 * skip), and every container `named` hands out is removed after the file, also when a test
 * failed, then what `cleanup` registered (volumes, networks: after the containers using them).
 * ava's own timeout ends the worker with SIGTERM and Ctrl-C sends SIGINT: no hook runs then, so
 * the same removal runs on those signals too (on-signal.ts). What a killed worker could not
 * remove, `npm test`'s wrapper (test/run.ts) removes by the run's label and id.
 */
export function engineSuite(test: import('ava').TestFn, prefix = 'sdtest'): EngineSuite {
  const created: string[] = [];
  const others: (() => void)[] = [];
  const removeAll = (): void => {
    removeContainers(...created.splice(0));
    // Last registered, first removed: what was made later may use what was made before it
    // (a compose project's containers use a volume made for it).
    for (const remove of others.splice(0).reverse()) remove();
  };
  test.before(() => {
    const problem = engineProblem();
    if (problem !== undefined) throw new Error(problem);
  });
  onSignal(removeAll);
  test.after.always(removeAll);
  return {
    named: (own = prefix) => {
      const name = uniqueName(own);
      created.push(name);
      return name;
    },
    cleanup: (remove) => {
      others.push(remove);
    },
    label: LABEL_ARGS,
  };
}
