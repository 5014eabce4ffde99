// How long sdocker watches what it started before it calls it up: `--sd-settle SECONDS` (run,
// and compose before its subcommand), else $SDOCKER_SETTLE, else 3 s. 0 turns the watch off.
// Three seconds is learn's own proof (`sdocker learn --settle`): the servers of
// test/images/learn/ that the hardening breaks all fail within the first second.
import { EXIT_USAGE, SdockerError } from '../common/errors.js';

export const DEFAULT_SETTLE_SECONDS = 3;
/** Longer than this is a typo, not a window (compose v2's --wait-timeout is its own thing). */
const MAX_SECONDS = 600;

export interface SettleWindow {
  readonly ms: number;
  /** Given on the command line: `run -d` then waits even for an image already seen running. */
  readonly forced: boolean;
}

/** The window in force: the option as written (undefined when absent), then the environment. */
export function settleWindow(option: string | undefined, env: NodeJS.ProcessEnv): SettleWindow {
  if (option !== undefined) return { ms: seconds(option, '--sd-settle') * 1000, forced: true };
  const fromEnv = env['SDOCKER_SETTLE'];
  if (fromEnv !== undefined && fromEnv !== '') return { ms: seconds(fromEnv, 'SDOCKER_SETTLE') * 1000, forced: false };
  return { ms: DEFAULT_SETTLE_SECONDS * 1000, forced: false };
}

function seconds(value: string, where: string): number {
  const match = /^(\d+(?:\.\d+)?)s?$/.exec(value.trim());
  const number = match === null ? Number.NaN : Number(match[1]);
  if (!Number.isFinite(number) || number > MAX_SECONDS) {
    throw new SdockerError(`sdocker: ${where} takes seconds to watch a started container (e.g. 3 or 1.5; 0 turns the watch off; at most ${MAX_SECONDS}), not '${value}'`, EXIT_USAGE);
  }
  return number;
}
