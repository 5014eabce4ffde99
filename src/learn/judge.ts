// Judging a hardened trial against the reference run: it must do what the image did under plain
// docker. The same ports open (within the reference's time plus a margin), each answers the same
// probe in the same way, the user's --probe-cmd passes where it passed, no error line the
// reference did not print, and it keeps running (or, for a job, exits with the same code).
import { findSymptoms, type SymptomContext } from '../diagnose/symptoms.js';
import { shape, type Exchange, type ExchangeTimes } from './exchange.js';
import { compareLogs } from './loglines.js';
import type { Reference } from './reference.js';

/** What a trial did, as observed. */
export interface Observed {
  readonly exited: { readonly code: number; readonly oom: boolean } | undefined;
  readonly opened: ReadonlyMap<string, number>;
  readonly exchanges: ReadonlyMap<string, Exchange>;
  readonly probeCmd: { readonly exitCode: number; readonly output: string } | undefined;
  readonly log: readonly string[];
  /** Still running after the probes (undefined: a job, not asked). */
  readonly runningAfter: boolean | undefined;
}

export interface Verdict {
  readonly failure: string | undefined;
  /** New error lines (the failure, or what steps read). */
  readonly errors: readonly string[];
  /** New lines that are not failures: reported in the profile. */
  readonly notes: readonly string[];
  /** It failed only on new error lines that name nothing learn can grant (noise, unless a repeat prints them again). */
  readonly logOnly: boolean;
}

/** How long a trial may take to open a port the reference opened after `ms`. */
export function portDeadline(ms: number): number {
  return Math.round(ms * 1.5) + 5000;
}

/** Probe times for a trial: as long as the reference needed, with a margin. */
export function trialTimes(reference: Exchange | undefined): ExchangeTimes {
  return {
    bannerMs: reference?.bannerMs === undefined ? 300 : reference.bannerMs * 3 + 1000,
    answerMs: reference?.answerMs === undefined ? 500 : reference.answerMs * 3 + 1500,
  };
}

export function judge(reference: Reference, trial: Observed, context: SymptomContext = {}): Verdict {
  const logs = compareLogs(reference.log, trial.log, context);
  const other = stateFailure(reference, trial) ?? portFailure(reference, trial) ?? probeFailure(reference, trial);
  const failure = other ?? logFailure(logs.errors) ?? afterFailure(trial);
  const logOnly = other === undefined && failure !== undefined && logs.errors.length > 0 && findSymptoms(logs.errors, context).length === 0 && trial.runningAfter !== false;
  return { failure, errors: logs.errors, notes: logs.notes, logOnly };
}

function stateFailure(reference: Reference, trial: Observed): string | undefined {
  if (reference.exitCode !== undefined) {
    if (trial.exited === undefined) return `it kept running; under plain docker it exited with code ${reference.exitCode}`;
    return trial.exited.code === reference.exitCode ? undefined : `it exited with code ${trial.exited.code}; under plain docker ${reference.exitCode}`;
  }
  if (trial.exited === undefined) return undefined;
  return `it exited with code ${trial.exited.code}${trial.exited.oom ? ' (out of memory)' : ''}`;
}

function portFailure(reference: Reference, trial: Observed): string | undefined {
  for (const [port, ms] of reference.opened) {
    if (!trial.opened.has(port)) return `port ${port} did not open within ${seconds(portDeadline(ms))} (under plain docker: ${seconds(ms)})`;
  }
  return undefined;
}

function probeFailure(reference: Reference, trial: Observed): string | undefined {
  for (const [port, seen] of reference.exchanges) {
    const got = trial.exchanges.get(port);
    if (got === undefined) continue;
    const banner = [shape(seen.banner), shape(got.banner)];
    if (banner[0] !== 'nothing' && banner[0] !== banner[1]) return `port ${port} greeted with ${banner[1]}; under plain docker with ${banner[0]}`;
    const dns = seen.sent === 'dns';
    const reply = [shape(seen.reply, dns), shape(got.reply, dns)];
    if (reply[0] !== 'nothing' && reply[0] !== reply[1]) return `port ${port} answered ${describeSent(seen)} with ${reply[1]}; under plain docker with ${reply[0]}`;
  }
  if (reference.probeCmd?.exitCode === 0 && trial.probeCmd !== undefined && trial.probeCmd.exitCode !== 0) {
    return `--probe-cmd exited with code ${trial.probeCmd.exitCode}: ${trial.probeCmd.output.split('\n').at(-1) ?? ''}`;
  }
  return undefined;
}

export function describeSent(exchange: Exchange): string {
  return exchange.sent === 'banner' ? 'its own greeting sent back' : exchange.sent === 'dns' ? 'a DNS query' : 'an HTTP HEAD request';
}

function logFailure(errors: readonly string[]): string | undefined {
  return errors.length === 0 ? undefined : `its log says: ${errors[0]?.trim() ?? ''}`;
}

function afterFailure(trial: Observed): string | undefined {
  return trial.runningAfter === false ? 'it exited while being probed' : undefined;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
