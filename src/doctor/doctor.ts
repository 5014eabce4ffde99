// `sdocker doctor`: one line per thing sdocker relies on, ok / warn / fail, and
// the notices a run keeps quiet about (no AppArmor here, a project file not trusted). Exit 1
// when something fails: a run would be refused or could not start.
import type { Deps } from '../planner/deps.js';
import type { Item } from '../docker/parse.js';
import { SdockerError, EXIT_USAGE } from '../common/errors.js';
import { loadPolicy, type LoadedPolicy } from '../policy/load.js';
import type { Check } from './check.js';
import { engineChecks } from './engine-checks.js';
import { composeCheck, configChecks, shellCheck } from './host-checks.js';
import { probeEngine } from './probe.js';
import { hostIsolation } from './isolation-check.js';

export async function runDoctor(options: { format: string }, deps: Deps, globals: readonly Item[]): Promise<number> {
  if (options.format !== 'text' && options.format !== 'json') throw new SdockerError(`sdocker: doctor --format ${options.format}: use text or json`, EXIT_USAGE);
  const profile = deps.env['SDOCKER_PROFILE'] || 'default';
  const { loaded, error } = await effectivePolicy(profile, deps);
  // A config that does not load still leaves the engine worth checking: with the built-in profile.
  const policy = (loaded ?? (await loadPolicy({ profile: 'default', env: {}, cwd: '/', cliAllow: [] }))).policy;
  const [probe, compose] = await Promise.all([probeEngine(deps, globals, policy.network.name), composeCheck(deps, globals)]);
  const isolation = await hostIsolation(probe);
  const checks: Check[] = [...engineChecks(probe, policy), ...isolation, ...configChecks(deps, loaded, error), compose, shellCheck(deps.env)];
  const failed = checks.some((c) => c.level === 'fail');
  if (options.format === 'json') deps.stdout(`${JSON.stringify({ profile, ok: !failed, checks }, null, 2)}\n`);
  else deps.stdout(renderChecks(checks));
  return failed ? 1 : 0;
}

async function effectivePolicy(profile: string, deps: Deps): Promise<{ loaded?: LoadedPolicy; error?: string }> {
  try {
    return { loaded: await loadPolicy({ profile, env: deps.env, cwd: deps.cwd, cliAllow: [] }) };
  } catch (error) {
    if (error instanceof SdockerError) return { error: error.message };
    throw error;
  }
}

export function renderChecks(checks: readonly Check[]): string {
  const width = Math.max(...checks.map((c) => c.item.length));
  return checks.map((c) => `${c.level.padEnd(4)}  ${c.item.padEnd(width)}  ${c.text}\n`).join('');
}
