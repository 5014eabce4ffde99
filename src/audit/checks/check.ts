// What a check is: a pure function of the snapshot and of what the user selected (index.ts runs them).
import type { ContainerSnapshot, Finding, ImageSnapshot, Snapshot } from '../types.js';

/** What the audit looks at this time: every target, or the ones named on the command line. */
export interface Selected {
  /** The engine's own checks (§2, and §1/§3 where they apply): no target, or --engine. */
  readonly engine: boolean;
  readonly containers: readonly ContainerSnapshot[];
  /** Images named, or (no target) every image a container uses. A container's image is in the snapshot either way. */
  readonly images: readonly ImageSnapshot[];
}

export type Check = (s: Snapshot, targets: Selected) => Finding[];
