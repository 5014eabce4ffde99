// What hardening a compose file produces: edits to make, and findings to report.
import type { Path } from '../yaml/index.js';
import type { Policy } from '../policy/schema.js';
import type { InjectId, RuleId } from '../policy/rules.js';

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
  /** The absolute seccomp profile path to reference ('' for none). */
  readonly seccompFile: string;
}

export function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function strings(value: unknown): string[] {
  return list(value).map(String);
}
