// `sdocker compose ARGS...`: compose on the hardened model, the user's files untouched. compose
// itself merges the files, overrides and interpolation (`config`); sdocker hardens that model
// into a private temp file and runs compose with it from the project's own directory. A refused
// setting starts nothing. The files' own x-sdocker allow lists count only once the user has
// trusted those exact files (`sdocker trust FILE`): a cloned repository must not disarm them.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { SdockerError, EXIT_USAGE } from '../errors.js';
import type { Deps } from '../deps.js';
import { isTrusted } from '../policy/trust.js';
import { DEFAULT_FILES } from './command.js';
import { hardenCompose } from './harden.js';

/** compose's global options that take a value (v1 and v2), so the subcommand can be found. */
const VALUED = new Set(['-f', '--file', '-p', '--project-name', '--project-directory', '--env-file', '--profile', '--ansi', '--progress', '--parallel', '-c', '--context', '--log-level', '-H', '--host', '--tlscacert', '--tlscert', '--tlskey']);

interface Split {
  readonly files: string[];
  readonly projectDir: string | undefined;
  /** Everything else, in order, with -f options taken out. */
  readonly rest: string[];
}

export function splitComposeArgs(args: readonly string[]): Split {
  const files: string[] = [];
  const rest: string[] = [];
  let projectDir: string | undefined;
  for (let i = 0; i < args.length; i += 1) {
    const word = args[i] as string;
    if (!word.startsWith('-')) return { files, projectDir, rest: [...rest, ...args.slice(i)] };
    const [flag, inline] = word.startsWith('--') && word.includes('=') ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] : [word, undefined];
    const value = VALUED.has(flag) && inline === undefined ? args[++i] : inline;
    if (flag === '-f' || flag === '--file') files.push(value ?? '');
    else {
      if (flag === '--project-directory') projectDir = value;
      rest.push(...(VALUED.has(flag) && inline === undefined ? [flag, value ?? ''] : [word]));
    }
  }
  return { files, projectDir, rest };
}

/** Subcommands that create containers: only these need the hardened model. */
const CREATING = new Set(['up', 'run', 'create']);

export async function runCompose(args: readonly string[], deps: Deps): Promise<number> {
  const split = splitComposeArgs(args);
  const compose = await composeCommand(deps);
  const sub = split.rest.find((word, i) => !isGlobal(split.rest, i) && !word.startsWith('-'));
  // ps, logs, down, version, ls, ...: compose as it is, the user's own arguments unchanged.
  if (sub === undefined || !CREATING.has(sub)) return deps.run(compose[0] as string, [...compose.slice(1), ...args]);
  const files = composeFiles(split.files, deps);
  const { capture } = await import('../exec.js');
  const model = await capture(compose[0] as string, [...compose.slice(1), ...files.flatMap((f) => ['-f', f]), ...split.rest.filter((w, i, all) => isGlobal(all, i)), 'config']);
  if (model.exitCode !== 0) {
    deps.stderr(`${model.stderr}\n`);
    return model.exitCode;
  }
  const trusted = files.every((file) => isTrusted(file, readFileSync(file, 'utf8'), deps.env));
  const label = files[0] as string;
  const result = await hardenCompose(model.stdout, label, { profile: deps.env['SDOCKER_PROFILE'] || 'default', env: deps.env, cliAllow: [], seccomp: undefined, ignoreFileAllows: !trusted });
  const refused = result.findings.filter((f) => f.level === 'error');
  if (!trusted && /x-sdocker/.test(model.stdout)) deps.stderr(`sdocker: x-sdocker allow lists ignored: ${files.join(', ')} not trusted; review, then run 'sdocker trust FILE'\n`);
  for (const f of result.findings.filter((x) => x.level !== 'change')) deps.stderr(`sdocker: service ${f.service}: ${f.message}\n`);
  if (refused.length > 0) return 1;
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-compose-'));
  try {
    const hardened = join(dir, 'compose.hardened.yml');
    writeFileSync(hardened, result.output);
    const projectDir = split.projectDir === undefined ? ['--project-directory', dirname(label)] : [];
    return await deps.run(compose[0] as string, [...compose.slice(1), '-f', hardened, ...projectDir, ...split.rest]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether args[i] belongs to compose's global options (before the subcommand). */
function isGlobal(args: readonly string[], i: number): boolean {
  for (let j = 0; j <= i; j += 1) {
    const word = args[j] as string;
    if (!word.startsWith('-')) return false;
    if (VALUED.has(word)) j += 1;
  }
  return true;
}

function composeFiles(given: readonly string[], deps: Deps): string[] {
  if (given.length > 0) return given.map((f) => resolve(deps.cwd, f));
  const fromEnv = deps.env['COMPOSE_FILE'];
  if (fromEnv) return fromEnv.split(deps.env['COMPOSE_PATH_SEPARATOR'] || ':').map((f) => resolve(deps.cwd, f));
  const base = DEFAULT_FILES.map((name) => join(deps.cwd, name)).find((file) => existsSync(file));
  if (base === undefined) throw new SdockerError(`sdocker: no compose file here (${DEFAULT_FILES.join(', ')}); give one with -f`, EXIT_USAGE);
  // compose reads the override file beside the default one by itself: so must the model.
  const override = base.replace(/\.(ya?ml)$/, '.override.$1');
  return existsSync(override) ? [base, override] : [base];
}

/** `docker compose` (v2) where the plugin answers, else docker-compose (v1). */
async function composeCommand(deps: Deps): Promise<string[]> {
  const { capture } = await import('../exec.js');
  const v2 = await capture(deps.docker, ['compose', 'version']).catch(() => undefined);
  return v2?.exitCode === 0 ? [deps.docker, 'compose'] : ['docker-compose'];
}
