// The audit's checks: each a pure function of the snapshot and of what the user selected,
// returning one Finding per target it judges (passes included: the JSON report lists them).
// Adding a module: import its checks here and append them to CHECKS; nothing else changes.
import type { ContainerSnapshot, Finding, ImageSnapshot, Snapshot } from '../types.js';
import { containerChecks } from './containers.js';
import { engineChecks } from './engine.js';
import { imageChecks } from './images.js';
import { runningAsRoot } from './user.js';
import type { Check, Selected } from './check.js';

export type { Check, Selected } from './check.js';


/** The engine's §1-§3 checks, when the engine is selected. */
const engine: Check = (s, targets) => (targets.engine ? engineChecks(s) : []);

/** The §5 checks (the rule table's, and docker-bench's others) for the selected containers. */
const containers: Check = (s, targets) => {
  const names = new Set(targets.containers.map((c) => c.raw.Name.replace(/^\//, '')));
  return containerChecks(s).filter((f) => names.has(f.target.name));
};

/** The §4 checks of the selected images (config and history). */
const images: Check = (s, targets) => {
  const refs = new Set(targets.images.map((i) => i.ref));
  return imageChecks(s).filter((f) => f.target.kind !== 'image' || refs.has(f.target.name));
};

export const CHECKS: readonly Check[] = [engine, containers, images, runningAsRoot];

export function runChecks(snapshot: Snapshot, targets: Selected, checks: readonly Check[] = CHECKS): Finding[] {
  return checks.flatMap((check) => check(snapshot, targets));
}
