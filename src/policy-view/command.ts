// `sdocker rules`: the effective policy for a run here (the user's config, the nearest
// .sdocker.yml as far as it is trusted, $SDOCKER_PROFILE), or `--markdown`, the table of docs/rules.md,
// from the built-in default profile alone so the manual never depends on the machine.
import type { Deps } from '../planner/deps.js';
import { loadPolicy } from '../policy/load.js';

export interface RulesOptions {
  readonly markdown?: boolean;
  readonly explain?: boolean;
  readonly profile?: string;
  readonly image?: string;
}

export async function runRules(options: RulesOptions, deps: Deps): Promise<number> {
  if (options.markdown === true) {
    const { rulesMarkdown } = await import('./markdown.js');
    const { policy } = await loadPolicy({ profile: options.profile ?? 'default', env: {}, cwd: '/', cliAllow: [] });
    deps.stdout(rulesMarkdown(policy));
    return 0;
  }
  const fromEnv = deps.env['SDOCKER_PROFILE'] || undefined;
  const profile = options.profile ?? fromEnv ?? 'default';
  const profileFrom = options.profile !== undefined ? '--profile' : fromEnv !== undefined ? '$SDOCKER_PROFILE' : 'the default';
  const loaded = await loadPolicy({ profile, env: deps.env, cwd: deps.cwd, cliAllow: [], ...(options.image === undefined ? {} : { image: options.image }) });
  // An untrusted project file that loosens: the same warning a run gives, on stderr.
  if (loaded.warnings.length > 0) deps.stderr(`${loaded.warnings.join('\n')}\n`);
  if (options.explain === true) {
    const { explainPolicy } = await import('./explain.js');
    deps.stdout(explainPolicy(loaded, { env: deps.env, cwd: deps.cwd, profile, profileFrom, image: options.image }));
  } else {
    const { rulesText } = await import('./text.js');
    deps.stdout(rulesText(loaded));
  }
  return 0;
}
