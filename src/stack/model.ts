// The model `docker stack deploy` would deploy, as docker itself renders it: `docker stack config
// -c FILE...` merges the files and interpolates them from the environment (not from a `.env`:
// measured, docker 28.2), and resolves bind sources and secret/config `file:`s to absolute paths
// from the first file's folder (cli/compose/loader/loader.go absPath). Written back to a private
// temp file, that model must mean the same when deploy reads it again from another folder:
// - deploy interpolates every string value again (cli/compose/interpolation: all top-level
//   keys, values only), so every `$` is written `$$` (a `$$HOME` in the file is `$HOME` in the
//   model: read again unescaped, it would become the deployer's home);
// - `env_file` stays relative in the model (measured), so it is made absolute from that folder.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Deps } from '../planner/deps.js';
import type { Item } from '../docker/parse.js';
import type { Path } from '../yaml/index.js';
import type { DeployArgs } from './args.js';
import { csvField } from './csv.js';

export interface RenderedModel {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `docker [globals] stack config` of the files, each named by its absolute path from sdocker's
 * working folder (docker's own resolution: the first file's folder is the same either way).
 */
export async function renderModel(args: DeployArgs, globals: readonly Item[], deps: Deps): Promise<RenderedModel> {
  const { capture } = await import('../common/exec.js');
  // `-c -` reads the model from stdin: sdocker reads it once and hands it to `stack config`.
  const input = args.files.includes('-') ? readFileSync(0, 'utf8') : undefined;
  const files = args.files.flatMap((file) => ['-c', file === '-' ? file : csvField(resolve(deps.cwd, file))]);
  // A global --help (false or overridden: parseDeployArgs decided it deploys) would make `config`
  // print help instead of the model: the render needs the endpoint flags only.
  const endpoint = globals.filter((item) => !item.opts.some((opt) => opt.spec.long === 'help'));
  return capture(deps.docker, [...endpoint.flatMap((item) => item.words), 'stack', 'config', ...files], input);
}

/** The folder docker resolves relative paths from: the first file's (the working folder for `-`). */
export function workingDir(files: readonly string[], cwd: string): string {
  return dirname(resolve(cwd, files[0] ?? '-'));
}

const isEnvFile = (path: Path): boolean => path[0] === 'services' && path[2] === 'env_file' && path.length <= 4;

/** The model as a file deploy reads with the same meaning from any folder. */
export async function portableModel(model: string, label: string, dir: string): Promise<string> {
  const { rewriteScalars } = await import('../yaml/scalars.js');
  return rewriteScalars(model, label, (path, value) => (isEnvFile(path) ? resolve(dir, value) : value).replaceAll('$', () => '$$'));
}
