// `sdocker learn [docker run flags] IMAGE [COMMAND...]`: docker run's grammar, plus learn's own
// options among the flags. The flags a trial sets itself (detached, named, never restarted)
// are left out of the user's.
import { CONTAINER_FLAGS, LEARN_FLAGS, SDOCKER_FLAGS, indexFlags } from '../docker/flags.js';
import { parseFlags, type Item } from '../docker/parse.js';
import { OptionView } from '../policy/context.js';
import { EXIT_USAGE, SdockerError } from '../common/errors.js';
import { splitAllow } from '../policy/allow.js';

export interface LearnOptions {
  readonly items: readonly Item[];
  readonly image: string;
  readonly args: readonly string[];
  readonly probePorts: readonly string[];
  /** A command run in the container (split on spaces, no shell) that must exit 0. */
  readonly probeCmd: readonly string[];
  readonly settleMs: number;
  /** How long the reference run may take to be ready. */
  readonly waitMs: number;
  readonly maxTrials: number;
  readonly output: string | undefined;
  readonly dryRun: boolean;
  readonly help: boolean;
  readonly profile: string | undefined;
  readonly allow: readonly string[];
}

const TABLE = indexFlags(CONTAINER_FLAGS, 'run', [...SDOCKER_FLAGS, ...LEARN_FLAGS]);

/** Set by each trial, so the user's own values would only conflict. */
const TRIAL_OWNED = new Set(['detach', 'rm', 'name', 'restart', 'interactive', 'tty', 'attach', 'detach-keys', 'sig-proxy', 'cidfile']);

export function parseLearn(words: readonly string[]): LearnOptions {
  const flags = parseFlags(words, TABLE, 'sdocker learn');
  const own = new OptionView(flags.items, true);
  const [image, ...args] = flags.rest;
  const help = new OptionView(flags.items).isOn('help');
  if (image === undefined && !help) throw new SdockerError('sdocker learn: name the image to learn: sdocker learn [docker run flags] IMAGE [COMMAND...]', EXIT_USAGE);
  return {
    items: flags.items.filter((item) => item.opts.every((opt) => opt.spec.own !== true && !TRIAL_OWNED.has(opt.spec.long))),
    image: image ?? '',
    args,
    probePorts: own.values('probe-port').flatMap((v) => v.split(',')).map(checkPort),
    probeCmd: (own.last('probe-cmd') ?? '').split(/\s+/).filter((w) => w !== ''),
    settleMs: seconds(own.last('settle') ?? '3', '--settle') * 1000,
    waitMs: seconds(own.last('wait') ?? '60', '--wait') * 1000,
    maxTrials: seconds(own.last('max-trials') ?? '20', '--max-trials'),
    output: own.last('output'),
    dryRun: own.isOn('dry-run'),
    help,
    profile: own.last('sd-profile'),
    allow: splitAllow(own.values('sd-allow')),
  };
}

function checkPort(value: string): string {
  const match = /^(\d{1,5})(?:\/(tcp))?$/.exec(value.trim());
  if (match === null || Number(match[1]) > 65535) throw new SdockerError(`sdocker learn: --probe-port '${value}' is not a TCP port; write e.g. --probe-port 8080`, EXIT_USAGE);
  return `${match[1]}/tcp`;
}

function seconds(value: string, flag: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new SdockerError(`sdocker learn: ${flag} '${value}' is not a positive number`, EXIT_USAGE);
  return number;
}
