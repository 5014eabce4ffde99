// What a run's watch is given (the request from the run room) and what it decided (the plan the
// settle window and the foreground explanation read): types of their own, so that run.ts and the
// two files it calls do not import each other.
import type { ContainerInvocation } from '../docker/invocation.js';
import type { Deps } from '../planner/deps.js';
import type { Engine } from '../engine/engine.js';
import type { OptionView } from '../policy/context.js';
import type { Inspector } from './inspector.js';
import type { RunWatch } from './watch.js';
import type { SettleWindow } from './window.js';

export interface RunWatchRequest {
  readonly inv: ContainerInvocation;
  readonly view: OptionView;
  readonly deps: Deps;
  readonly engine: Engine;
  /** The image's id (the engine's answer), when it is known. */
  readonly imageId: string | undefined;
  /** A profile (bundled or learned) covers the image. */
  readonly profiled: boolean;
  /** The name sdocker gave the container (a --link run), when the user gave none. */
  readonly generatedName: string | undefined;
  /** --sd-settle as written. */
  readonly settleOption: string | undefined;
  /** The containers the engine's judge let through, once docker has run (src/judge/run.ts). */
  readonly admitted: () => readonly string[];
}

export interface RunWatchPlan {
  readonly request: RunWatchRequest;
  readonly window: SettleWindow;
  /** undefined: an engine sdocker does not reach itself; only what the docker CLI shows is read. */
  readonly inspector: Inspector | undefined;
  readonly globals: readonly string[];
  readonly name: string | undefined;
  readonly since: number;
  readonly watch: RunWatch | undefined;
}

