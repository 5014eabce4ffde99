// What hardening a compose file produces: edits to make, and findings to report.
import type { Path } from '../../yaml/index.js';
import type { Policy } from '../../policy/schema.js';
import type { InjectId, RuleId } from '../../policy/rules.js';

export type Edit =
  | { readonly kind: 'set'; readonly path: Path; readonly value: unknown }
  | { readonly kind: 'append'; readonly key: string; readonly value: unknown }
  | { readonly kind: 'replace'; readonly path: Path; readonly value: string };

export interface ServiceEdit {
  readonly rule: InjectId;
  readonly service: string;
  readonly edit: Edit;
  /** One line for --check: what changes. */
  readonly note: string;
}

/** `compose-file`: compose itself would refuse the file (a required variable unset, a broken `extends`). */
export type FindingRule = RuleId | 'compose-file';

export interface Finding {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly rule: FindingRule;
  /**
   * error: a refused setting (exit non-zero); warning: allowed or looser than the profile; change: an edit; note: allowed as written, said why;
   * unenforced: hardening the target (a swarm) does not apply (harden --check exits 1).
   */
  readonly level: 'error' | 'warning' | 'change' | 'note' | 'unenforced';
  readonly service: string;
  readonly message: string;
}

/** A service as compose builds it (merge keys and `extends` resolved, model.ts), with the policy for its image. */
export interface ServiceView {
  readonly name: string;
  readonly data: Readonly<Record<string, unknown>>;
  /** The service as this file writes it (merge keys resolved, `extends` not): what an edit by list index addresses. */
  readonly written?: Readonly<Record<string, unknown>>;
  readonly policy: Policy;
  /** The absolute path of the policy's seccomp profile ('' for none): what is judged. */
  readonly seccompFile: string;
  /** How the file names that profile when not by seccompFile itself: its copy in the project (portable.ts). */
  readonly seccompRef?: string;
  /** A scalar under the service as the file writes it (`cpus: 1.0` stays '1.0'), for messages that quote the file. */
  readonly source?: (path: Path) => string | undefined;
}

/** A value as the file wrote it, when that text is what was read (`1.0` for 1, `0100` for 100); else as read. */
export function asWritten(value: unknown, written: string | undefined): string {
  const read = String(value);
  if (written === undefined || written === read) return read;
  if (typeof value === 'number') return Number(written) === value ? written : read;
  if (typeof value === 'boolean') return written.toLowerCase() === read ? written : read;
  return read;
}

export function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function strings(value: unknown): string[] {
  return list(value).map(String);
}
