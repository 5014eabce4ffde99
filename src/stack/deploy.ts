// `sdocker stack deploy -c FILE... STACK` (and docker's alias `up`): the swarm gets the hardened
// model, the user's files stay untouched, as `sdocker compose up` does for compose. docker itself
// renders the merged model (`docker stack config`, model.ts); sdocker hardens it for a swarm
// (hardenCompose, target 'swarm') into a private temp file, and docker deploys that file with
// the user's other words. A refused setting deploys nothing (exit 125). The files' x-sdocker
// allow lists count only once the user trusted those exact files (`sdocker trust FILE`); a model
// read from stdin never counts. `--sd-allow RULE` (right after `stack`, or among deploy's flags)
// lifts a refusal for this deploy.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Deps } from '../planner/deps.js';
import type { Item } from '../docker/parse.js';
import { EXIT_REFUSED } from '../common/errors.js';
import { hostFacts } from '../planner/facts.js';
import type { HardenedFile, HardenOptions } from '../compose/edit/harden.js';
import { askEngine } from '../compose/read/engine-facts.js';
import type { AllowHint } from '../compose/edit/refuse.js';
import { isTrusted } from '../policy/trust.js';
import { shownPath } from '../common/quote.js';
import { parseDeployArgs, type DeployArgs } from './args.js';
import { portableModel, renderModel, workingDir } from './model.js';

export async function runStackDeploy(args: readonly string[], deps: Deps, globals: readonly Item[]): Promise<number> {
  const parsed = parseDeployArgs(args, globals);
  const globalWords = globals.flatMap((item) => item.words);
  const deploy = (files: readonly string[]): Promise<number> => deps.run(deps.docker, [...globalWords, 'stack', ...parsed.stackWords, parsed.sub, ...files, ...parsed.otherWords]);
  // Help, no compose file or no single STACK: docker prints its help or its error and deploys
  // nothing. The -c words stay out, so a misreading here can never deploy an unhardened file.
  if (parsed.help || parsed.files.length === 0 || parsed.name === undefined) return deploy([]);
  const model = await renderModel(parsed, globals, deps);
  if (model.exitCode !== 0) {
    deps.stderr(`${model.stderr}\n`);
    return model.exitCode;
  }
  const { chooseEngine } = await import('../engine/choose.js');
  const target = chooseEngine(globals, deps.env, deps.docker, deps.cwd);
  const label = resolve(deps.cwd, parsed.files[0] as string);
  const text = await portableModel(model.stdout, label, workingDir(parsed.files, deps.cwd));
  const trust = trustOf(parsed, deps);
  const options: HardenOptions = {
    profile: deps.env['SDOCKER_PROFILE'] || 'default',
    env: deps.env,
    cliAllow: parsed.allow,
    seccomp: undefined,
    ignoreFileAllows: !trust.trusted,
    // A stack's volumes are `STACK_NAME`, as a compose project's.
    engine: { project: parsed.name, gather: askEngine(target) },
    host: hostFacts(target),
    allowHint: stackHint(trust.command),
    target: 'swarm',
  };
  const { hardenCompose } = await import('../compose/edit/harden.js');
  const result = await hardenCompose(text, label, options);
  if (report(result, trust, /x-sdocker/.test(text), deps)) return EXIT_REFUSED;
  const { withPrivateFile } = await import('../compose/run/private-file.js');
  return withPrivateFile('sdocker-stack-', 'stack.hardened.yml', result.output, (hardened) => deploy(['-c', hardened]));
}

interface Trust {
  readonly trusted: boolean;
  /** `sdocker trust FILE...` for the files not trusted yet ('' when none). */
  readonly command: string;
  readonly stdin: boolean;
}

function trustOf(parsed: DeployArgs, deps: Deps): Trust {
  const files = parsed.files.filter((file) => file !== '-').map((file) => resolve(deps.cwd, file));
  const untrusted = files.filter((file) => !isTrusted(file, readFileSync(file, 'utf8'), deps.env));
  const stdin = parsed.files.includes('-');
  const command = untrusted.length === 0 ? '' : `sdocker trust ${untrusted.map((file) => shownPath(file, deps.cwd)).join(' ')}`;
  return { trusted: untrusted.length === 0 && !stdin, command, stdin };
}


/** Warnings and findings on stderr, each once; true when something is refused. */
function report(result: HardenedFile, trust: Trust, hasAllowLists: boolean, deps: Deps): boolean {
  const lines = new Set(result.warnings);
  if (hasAllowLists && trust.command !== '') lines.add(`sdocker: x-sdocker allow lists ignored: not trusted yet; review the files, then run '${trust.command}'`);
  if (hasAllowLists && trust.stdin) lines.add("sdocker: x-sdocker allow lists ignored: a model read from stdin (-c -) is never trusted; use 'sdocker stack deploy --sd-allow RULE'");
  for (const f of result.findings.filter((x) => x.level !== 'change')) lines.add(`sdocker: service ${f.service}: ${f.message}`);
  for (const line of lines) deps.stderr(`${line}\n`);
  return result.findings.some((f) => f.level === 'error');
}

/** How a refusal of the model is lifted for a stack deploy. */
function stackHint(trust: string): AllowHint {
  return (rule) => `allow it: x-sdocker: {allow: [${rule}]} on the service${trust === '' ? '' : `, then ${trust}`}, or sdocker stack deploy --sd-allow ${rule} ...`;
}
