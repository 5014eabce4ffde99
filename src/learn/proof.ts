// What learn says about the reference run and what a passing trial proves, on screen and in the
// profile: what was proven, and what was not (ports plain docker never opened, writes after
// start, log lines that differed without being errors).
import { shape } from './exchange.js';
import { describeSent } from './judge.js';
import type { Reference } from './reference.js';

export function describeReference(reference: Reference): string[] {
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  const lines: string[] = [];
  if (reference.exitCode !== undefined) lines.push(`a job: it exited with code ${reference.exitCode} after ${seconds(reference.readyMs)}`);
  else lines.push(`ready after ${seconds(reference.readyMs)}${reference.opened.size === 0 ? '' : `: ${[...reference.opened].map(([port, ms]) => `${port} open at ${seconds(ms)}`).join(', ')}`}`);
  if (reference.closed.length > 0) lines.push(`never opened ${reference.closed.join(', ')}: not required`);
  const users = [...new Set(reference.processes.map((p) => userName(reference, p.euid)))];
  if (users.length > 0) lines.push(`its processes ran as ${users.join(', ')}`);
  const folders = reference.writes.folders.map((f) => `${f.path} (${megabytes(f.bytes)}${f.executables.length > 0 ? ', code it runs' : ''})`);
  lines.push(folders.length === 0 ? 'it wrote nothing outside its volumes' : `it wrote in ${folders.join(', ')}`);
  lines.push(...reference.writes.unfixable);
  return lines;
}

function userName(reference: Reference, uid: number): string {
  const name = reference.accounts.find((a) => a.uid === uid)?.name;
  return name === undefined ? `uid ${uid}` : `${name} (${uid})`;
}

function megabytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** What a passing trial shows, one line each. */
export function proven(reference: Reference, settleMs: number, probeCmd: readonly string[]): string[] {
  const lines = [reference.exitCode === undefined ? `it keeps running (at least ${settleMs / 1000} s, and through the probes)` : `it exits with code ${reference.exitCode}, as under plain docker`];
  for (const [port, ms] of reference.opened) {
    const exchange = reference.exchanges.get(port);
    const answer = exchange === undefined ? '' : exchange.reply !== '' ? `, answers ${describeSent(exchange)} with ${shape(exchange.reply, exchange.sent === 'dns')}` : exchange.banner !== '' ? `, greets with ${shape(exchange.banner)}` : ', accepts a connection';
    lines.push(`${port} opens (plain docker: ${(ms / 1000).toFixed(1)} s)${answer}, as under plain docker`);
  }
  if (probeCmd.length > 0 && reference.probeCmd?.exitCode === 0) lines.push(`'${probeCmd.join(' ')}' exits 0`);
  lines.push('its log has no error line that its log under plain docker did not have');
  return lines;
}

/** What the proof does not cover. */
export function notProven(reference: Reference, notes: readonly string[]): string[] {
  const lines: string[] = [];
  if (reference.closed.length > 0) lines.push(`${reference.closed.join(', ')}: exposed, but never opened under plain docker either`);
  for (const [port, exchange] of reference.exchanges) {
    if (exchange.reply === '' && exchange.banner === '') lines.push(`${port}: it did not answer ${describeSent(exchange)} under plain docker either, so only the connection is proven`);
  }
  lines.push('what it does after start beyond one probe per port (writes it makes later, such as saves or uploads, need a volume)');
  for (const note of notes.slice(0, 5)) lines.push(`a line plain docker's log did not have (not an error): ${note.trim()}`);
  return lines;
}
