// What a refusal check found: the rule, the item, what the user wrote and how to do without it.
import type { RefuseId } from './rules.js';

export interface Violation {
  readonly rule: RefuseId;
  /** What it is about, when the rule can be lifted for one item: a capability, a path. */
  readonly detail?: string;
  /** What the user wrote, as a flag. */
  readonly what: string;
  /** How to do without it. */
  readonly fix: string;
}
