// What sdocker says of a container that did not stay up: why, from its own log, in the form the
// user wrote it (diagnose/), and how to turn the watch off.
import { diagnose, renderDiagnosis, type DiagnoseSource } from '../diagnose/explain.js';
import type { Watched } from './wait.js';

/** The diagnosis of one failed container, as text; `source` reads it (the CLI, or what was kept of a removed one). */
export async function reportFailure(watched: Watched, source: DiagnoseSource, ref: string): Promise<string> {
  const diagnosis = await diagnose(source, ref).catch(() => undefined);
  const why = watched.verdict.kind === 'failed' ? watched.verdict.why : '';
  if (diagnosis === undefined) return `sdocker: did not stay up: ${ref}: ${why}\n`;
  const text = renderDiagnosis(diagnosis, 'sdocker: did not stay up: ', why);
  if (diagnosis.findings.length > 0) return text;
  // Nothing the hardening refused: its own last words say more than the state.
  const last = (await source.logs(ref).catch(() => [])).slice(-3);
  return `${text}${last.map((line) => `    its log: ${line.trim()}\n`).join('')}`;
}

/** The closing line: how many did not stay up in how long, and how to turn the watch off. */
export function settleSummary(failed: number, total: number, windowMs: number, what: 'container' | 'service', off: string): string {
  const counted = total === 1 ? `the ${what}` : `${failed} of ${total} ${what}s`;
  return `sdocker: ${counted} did not stay up within ${windowMs / 1000} s of the start (exit 1); ${off} turns this watch off\n`;
}

/** One warning line for each container the engine never answered about to the end: unwatched, not failed. */
export function unreadWarnings(results: readonly Watched[]): string {
  return results.filter((r) => r.unread !== undefined).map((r) => `sdocker: warning: cannot watch ${r.raw?.Name.replace(/^\//, '') ?? r.id.slice(0, 12)} (${r.unread ?? ''})\n`).join('');
}
