// `sdocker trust [FILE...]`, `--list`, `--forget FILE...`: the files whose exact content the
// user trusted (policy/trust.ts), and taking that trust back.
import { resolve } from 'node:path';
import type { Deps } from '../planner/deps.js';
import { SdockerError, EXIT_USAGE } from '../common/errors.js';
import { findProjectConfig } from '../policy/load.js';
import { forgetFiles, listTrusted, trustFile, trustStorePath } from '../policy/trust.js';

export interface TrustFlags {
  readonly list?: boolean;
  readonly forget?: boolean;
}

const STATES = { trusted: 'trusted', changed: 'changed since you trusted it', missing: 'missing' } as const;

export function runTrust(files: readonly string[], flags: TrustFlags, deps: Deps): number {
  if (flags.list === true && flags.forget === true) throw new SdockerError('sdocker: choose one of --list and --forget', EXIT_USAGE);
  if (flags.list === true) {
    if (files.length > 0) throw new SdockerError("sdocker: trust --list takes no files; it lists every trusted one", EXIT_USAGE);
    const entries = listTrusted(deps.env);
    if (entries.length === 0) deps.stderr(`sdocker: no trusted files (${trustStorePath(deps.env)})\n`);
    for (const { path, state } of entries) deps.stdout(`${path}\t${STATES[state]}\n`);
    return 0;
  }
  const targets = files.length > 0 ? files.map((file) => resolve(deps.cwd, file)) : nearest(deps.cwd, flags.forget === true ? 'forget' : 'trust');
  if (flags.forget === true) {
    for (const path of forgetFiles(targets, deps.env)) deps.stdout(`sdocker: forgot ${path}: its loosening keys and x-sdocker allow lists are ignored again\n`);
    return 0;
  }
  for (const target of targets) deps.stdout(`sdocker: trusted ${trustFile(target, deps.env)} (any edit revokes it)\n`);
  return 0;
}

function nearest(cwd: string, verb: string): string[] {
  const found = findProjectConfig(cwd);
  if (found === undefined) throw new SdockerError(`sdocker: no .sdocker.yml here or above; name the file to ${verb}`, EXIT_USAGE);
  return [found];
}
