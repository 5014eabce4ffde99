// One trial: start the image under the policy plus some grants, watch it settle, prove it
// works (still running or exited 0 as a job, every probed port accepting TCP, --probe-cmd
// exiting 0, no EROFS/EACCES/EPERM line), read what the diagnosis needs, remove it.
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import { parseInvocation, type ContainerInvocation } from '../docker/invocation.js';
import type { Containers } from '../engine/containers.js';
import { readSymptomFiles, type SymptomFiles } from '../diagnose/files.js';
import { findSymptoms, type Symptom } from '../diagnose/symptoms.js';
import { SdockerError, EXIT_REFUSED } from '../errors.js';
import { planContainer } from '../plan.js';
import { refusalMessage } from '../policy/refusals.js';
import type { RuleContext } from '../policy/context.js';
import { grantedPolicy, type Grants } from './grants.js';
import type { LearnOptions } from './options.js';

export const LEARN_LABEL = 'io.sdocker.learn';

export interface TrialSetup {
  readonly containers: Containers;
  readonly options: LearnOptions;
  /** The run context without items (each trial parses its own). */
  readonly base: RuleContext;
  /** TCP ports that must accept a connection, e.g. 80/tcp. */
  readonly ports: readonly string[];
  /** Containers alive right now, removed on Ctrl-C. */
  readonly live: Set<string>;
}

export interface TrialResult {
  readonly passed: boolean;
  /** Which criterion failed. */
  readonly failure: string | undefined;
  readonly symptoms: readonly Symptom[];
  readonly uids: readonly number[];
  /** The first entries of each path the symptoms name, and of its folder (undefined: missing). */
  readonly files: SymptomFiles;
}

export async function runTrial(setup: TrialSetup, grants: Grants): Promise<TrialResult> {
  const { containers, options } = setup;
  const name = `sdocker-learn-${randomBytes(4).toString('hex')}`;
  const inv = trialInvocation(options, name);
  const plan = planContainer(inv, { ...setup.base, items: inv.flags.items, policy: grantedPolicy(setup.base.policy, grants) });
  // A refusal that rests on the run's user (a dangerous capability the policy grants as root).
  if (plan.refused.length > 0) throw new SdockerError(plan.refused.map(refusalMessage).join('\n'), EXIT_REFUSED);
  setup.live.add(name);
  try {
    const started = await containers.runDetached(plan.argv);
    if (started.id === undefined) return { passed: false, failure: `docker could not start it: ${started.error}`, symptoms: [], uids: [], files: new Map() };
    const watched = await watch(setup, name);
    const symptoms = findSymptoms(await containers.logs(name));
    const files = await readSymptomFiles(containers, name, symptoms);
    const fatal = symptoms.find(blocks);
    const failure = watched.failure ?? (fatal === undefined ? undefined : `its log says: ${fatal.line.trim()}`);
    return { passed: failure === undefined, failure, symptoms, uids: watched.uids, files };
  } finally {
    await containers.remove(name);
    setup.live.delete(name);
  }
}

/** A refused write or open, or a refused privileged operation learn can name; an EPERM it cannot
 *  relate to an operation (redis: "can't set maximum open files") in a container that otherwise
 *  passes is the limit the policy set, not a grant to learn. */
function blocks(symptom: Symptom): boolean {
  return symptom.kind !== 'not-permitted' || symptom.operation !== 'other';
}

function trialInvocation(options: LearnOptions, name: string): ContainerInvocation {
  const words = ['run', '-d', '--name', name, '--restart', 'no', '--label', `${LEARN_LABEL}=true`, ...options.items.flatMap((item) => item.words), '--', options.image, ...options.args];
  const inv = parseInvocation(words);
  if (inv.kind !== 'container') throw new Error(`not a container invocation: ${words.join(' ')}`);
  return inv;
}

/** Wait for the settle time (or an exit), then probe the ports and the command. */
async function watch(setup: TrialSetup, name: string): Promise<{ failure: string | undefined; uids: number[] }> {
  const { containers, options } = setup;
  const settleEnd = Date.now() + options.settleMs;
  for (;;) {
    const info = await containers.inspect(name);
    if (info === undefined) return { failure: 'the container vanished', uids: [] };
    if (!info.running) {
      if (info.exitCode === 0 && setup.ports.length === 0 && options.probeCmd.length === 0) return { failure: undefined, uids: [] };
      return { failure: `it exited with code ${info.exitCode}${info.oomKilled ? ' (out of memory)' : ''}`, uids: [] };
    }
    if (Date.now() >= settleEnd) {
      const uids = await containers.processUids(name);
      return { failure: await probe(setup, name, info.ips), uids };
    }
    await sleep(200);
  }
}

async function probe(setup: TrialSetup, name: string, ips: readonly string[]): Promise<string | undefined> {
  const ip = ips[0];
  for (const port of setup.ports) {
    if (ip === undefined) return `it has no IP address to probe port ${port} on (give it a network)`;
    if (!(await acceptsTcp(ip, Number.parseInt(port, 10), Date.now() + Math.max(setup.options.settleMs, 5000)))) return `port ${port} did not accept a TCP connection`;
  }
  if (setup.options.probeCmd.length > 0) {
    const result = await setup.containers.exec(name, setup.options.probeCmd);
    if (result.exitCode !== 0) return `--probe-cmd exited with code ${result.exitCode}: ${result.output.split('\n').at(-1) ?? ''}`;
  }
  const info = await setup.containers.inspect(name);
  return info?.running === true ? undefined : `it exited with code ${info?.exitCode ?? '?'} while being probed`;
}

/** Polls until a TCP connection is accepted or the deadline passes. */
export async function acceptsTcp(host: string, port: number, deadline: number): Promise<boolean> {
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port });
      socket.setTimeout(1000, () => socket.destroy());
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('close', () => resolve(false));
      socket.once('error', () => undefined);
    });
    if (ok) return true;
    if (Date.now() >= deadline) return false;
    await sleep(200);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
