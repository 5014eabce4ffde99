// Comparing a trial's log with the reference's: the lines the hardened run printed that the image
// under plain docker did not. Numbers, hex ids and addresses change from run to run, so lines are
// compared with them blanked out. A new line fails a trial when it reports an error; a new warning,
// or a refused operation no grant can change (a limit the policy sets: redis "can't set maximum
// open files ... Operation not permitted"), is kept as a difference to report, not a failure.
import { findSymptoms, type Symptom, type SymptomContext } from '../diagnose/symptoms.js';

/** A line with what varies between runs blanked: hex ids, numbers. */
export function normalizeLine(line: string): string {
  return line
    .replace(/\b[0-9a-f]{8,}\b/gi, '#')
    .replace(/\d+/g, '#')
    .replace(/\s+/g, ' ')
    .trim();
}

const ERROR_WORDS = /\b(?:error|errors|fatal|failed|failure|cannot|can't|couldn't|could not|unable|denied|refused|emerg|emergency|alert|crit|critical|panic|abort(?:ed|ing)?|segmentation fault|core dumped|traceback)\b/i;
const WARNING_LEVEL = /\[(?:warn|warning|notice|note|info)\]|\b(?:warn|warning)\b|"level":"(?:warn|info|debug)"|\blevel=(?:warn|info|debug)\b/i;
const ERROR_LEVEL = /\[(?:err|error|emerg|alert|crit|fatal)\]|^\s*(?:fatal|error|panic)\b|"level":"(?:error|fatal|panic)"|\blevel=(?:error|fatal|panic)\b/i;
/** A program that says it goes on another way ("create_uring failed: falling back to libaio"). */
const FALLS_BACK = /\bfall(?:ing|s)? back\b|\bfallback to\b/i;

export interface LogDifference {
  /** New lines that report an error: the trial failed. */
  readonly errors: readonly string[];
  /** New warnings and refused operations no grant changes: reported, not failed. */
  readonly notes: readonly string[];
}

export function compareLogs(reference: readonly string[], trial: readonly string[], context: SymptomContext = {}): LogDifference {
  const known = new Set(reference.map(normalizeLine));
  const fresh = trial.filter((line) => !known.has(normalizeLine(line)));
  const symptoms = new Map(findSymptoms(fresh, context).map((s) => [s.line, s]));
  const warnings = continuedWarnings(trial);
  const errors: string[] = [];
  const notes: string[] = [];
  for (const raw of fresh) {
    const line = raw.replace(/\s+$/, '');
    const symptom = symptoms.get(line);
    const warning = WARNING_LEVEL.test(line) || warnings.has(raw) || FALLS_BACK.test(line);
    if (symptom !== undefined ? blocks(symptom, warning) : ERROR_WORDS.test(line) && !warning) errors.push(line);
    else if (symptom !== undefined || ERROR_WORDS.test(line)) notes.push(line);
  }
  return { errors: unique(errors), notes: unique(notes) };
}

/** Lines with no level of their own right after a warning: its continuation (MariaDB's io_uring warning, then "create_uring failed: ..."). */
function continuedWarnings(lines: readonly string[]): Set<string> {
  const out = new Set<string>();
  let inWarning = false;
  for (const line of lines) {
    const own = WARNING_LEVEL.test(line) ? 'warning' : ERROR_LEVEL.test(line) ? 'error' : undefined;
    if (own === undefined && inWarning) out.add(line);
    else inWarning = own === 'warning';
  }
  return out;
}

/** A refused write or open, or a refused operation learn can name; an EPERM it cannot relate to one, or a warning-level EPERM without a path, is a note. */
function blocks(symptom: Symptom, warning: boolean): boolean {
  if (symptom.kind === 'not-permitted' && symptom.operation === 'other') return false;
  return !(warning && symptom.path === undefined && symptom.kind === 'not-permitted');
}

function unique(lines: readonly string[]): string[] {
  const seen = new Set<string>();
  return lines.filter((line) => {
    const key = normalizeLine(line);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
