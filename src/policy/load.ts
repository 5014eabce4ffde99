// Where policy comes from, in merge order (later wins): profiles/default.yml <- the chosen
// profile <- the image's profile (profiles/images/) <- user config <- project .sdocker.yml
// (tightening only until trusted) <- command line.
// Data folders resolve from the package, never from the working directory.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { COMPILED_PROFILES as COMPILED, PROFILES_DIR } from '../common/paths.js';
import { SdockerError, EXIT_USAGE } from '../common/errors.js';
import { didYouMean } from '../common/suggest.js';
import { checkAllowList, checkLayerAllow } from './allow.js';
import { IMAGE_PROFILES_DIR, findImageProfile, type ImageProfile } from './images.js';
import { mergeLayers, splitTightening } from './merge.js';
import { leaves, validateLayer, type Layer, type Policy } from './schema.js';

export interface LoadRequest {
  readonly profile: string;
  /** The image to be run: its image profile, if one matches, is merged after the chosen profile. */
  readonly image?: string;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly cliAllow: readonly string[];
  /** How the user wrote cliAllow, for the error naming a mistyped rule (default `--sd-allow`; harden's is `--allow`). */
  readonly cliAllowFlag?: string;
}

/** One layer of the merge, as `sdocker rules --explain` shows it. */
export interface PolicyLayer {
  readonly kind: 'built-in' | 'profile' | 'image profile' | 'user config' | 'project config' | 'command line';
  /** The file; undefined for the command line. */
  readonly file: string | undefined;
  /** What was merged from it (an untrusted project file: its tightening keys only). */
  readonly data: Layer;
  /** Keys of the file left out: they loosen the policy and the file is not trusted. */
  readonly ignored: readonly string[];
  /** Project files only. */
  readonly trusted?: boolean;
}

export interface LoadedPolicy {
  readonly policy: Policy;
  /** The files merged, in order. */
  readonly sources: readonly string[];
  /** Every layer merged, in order (later wins), with what it set. */
  readonly layers: readonly PolicyLayer[];
  readonly warnings: readonly string[];
  /** The image profile that matched the image, if any. */
  readonly imageProfile: ImageProfile | undefined;
}

export function listProfiles(): string[] {
  return readdirSync(PROFILES_DIR)
    .filter((name) => name.endsWith('.yml'))
    .map((name) => name.slice(0, -4))
    .sort();
}

export async function loadPolicy(request: LoadRequest): Promise<LoadedPolicy> {
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(request.profile) || !existsSync(join(PROFILES_DIR, `${request.profile}.yml`))) {
    throw new SdockerError(`sdocker: unknown profile '${request.profile}'${didYouMean(request.profile, listProfiles()) || `; available: ${listProfiles().join(', ')}`}`, EXIT_USAGE);
  }
  const named: PolicyLayer[] = [];
  const push = (kind: PolicyLayer['kind'], file: string | undefined, data: Layer, extra: Partial<PolicyLayer> = {}): void => {
    named.push({ kind, file, data, ignored: [], ...extra });
  };
  for (const name of request.profile === 'default' ? ['default'] : ['default', request.profile]) {
    const file = join(PROFILES_DIR, `${name}.yml`);
    push(name === 'default' ? 'built-in' : 'profile', file, noImagesKey(await readBundled(file), file));
  }
  const imageProfile = request.image === undefined ? undefined : await findImageProfile(request.image, readBundled, imageProfileDirs(request.env));
  if (imageProfile !== undefined) push('image profile', imageProfile.file, noLifting(named.map((l) => l.data), imageProfile.layer, imageProfile.file));
  const userFile = userConfigPath(request.env);
  if (userFile !== undefined && existsSync(userFile)) {
    const layer = await readLayer(userFile);
    checkLayerAllow(layer, userFile);
    push('user config', userFile, layer);
  }
  const projectFile = findProjectConfig(request.cwd);
  const warnings = projectFile === undefined ? [] : await pushProject(projectFile, named, request.env);
  // Every layer's allow list is checked where it is read, so the error names where it was written.
  checkAllowList(request.cliAllow, request.cliAllowFlag ?? '--sd-allow');
  push('command line', undefined, validateLayer({ allow: [...request.cliAllow] }, 'the command line'));
  const layers = named.map((l) => l.data);
  const sources = named.flatMap((l) => (l.file === undefined ? [] : [l.file]));
  const merged = mergeLayers(layers);
  delete merged['images'];
  const policy = { ...(merged as unknown as Policy), origins: originsOf(named) };
  return { policy, sources, layers: named, warnings, imageProfile };
}

/** The project's .sdocker.yml: whole once trusted, else only what tightens (returns the warning for what it loosens). */
async function pushProject(file: string, named: PolicyLayer[], env: NodeJS.ProcessEnv): Promise<string[]> {
  const text = readFileSync(file, 'utf8');
  const layer = noImagesKey(await parseLayer(text, file), file);
  const { trustState, untrustedWords } = await import('./trust.js');
  const trust = trustState(file, text, env);
  if (trust === 'trusted') {
    checkLayerAllow(layer, file);
    named.push({ kind: 'project config', file, data: layer, ignored: [], trusted: true });
    return [];
  }
  const { tight, loose } = splitTightening(mergeLayers(named.map((l) => l.data)), layer);
  named.push({ kind: 'project config', file, data: tight, ignored: loose, trusted: false });
  if (loose.length === 0) return [];
  // One line per file: which file, the keys ignored, the command that trusts it (as printed).
  const keys = loose.map((key) => `'${key}'`).join(', ');
  return [`sdocker: ignoring ${keys} from ${file}: ${loose.length === 1 ? 'it loosens' : 'they loosen'} the policy and the file is ${untrustedWords(trust)}; review it, then run 'sdocker trust ${file}'`];
}

export function userConfigPath(env: NodeJS.ProcessEnv): string | undefined {
  const base = env['XDG_CONFIG_HOME'] || (env['HOME'] ? join(env['HOME'], '.config') : undefined);
  return base === undefined ? undefined : join(base, 'sdocker', 'config.yml');
}

/** Where image profiles are looked for: the user's own (learned) first, then sdocker's. */
function imageProfileDirs(env: NodeJS.ProcessEnv): string[] {
  const own = userImagesDir(env);
  return own === undefined ? [IMAGE_PROFILES_DIR] : [own, IMAGE_PROFILES_DIR];
}

/** Image profiles of the user's own (sdocker learn writes them): images/ beside config.yml. */
export function userImagesDir(env: NodeJS.ProcessEnv): string | undefined {
  const config = userConfigPath(env);
  return config === undefined ? undefined : join(dirname(config), 'images');
}

/** The nearest .sdocker.yml from `cwd` up to the root. */
export function findProjectConfig(cwd: string): string | undefined {
  for (let dir = cwd; ; dir = dirname(dir)) {
    const file = join(dir, '.sdocker.yml');
    if (existsSync(file)) return file;
    if (dirname(dir) === dir) return undefined;
  }
}

let compiled: Record<string, { text: string; data: Layer }> | undefined;

/** A bundled profile: the build's parsed copy when the file is unchanged, else parsed now. */
async function readBundled(file: string): Promise<Layer> {
  const text = readFileSync(file, 'utf8');
  compiled ??= existsSync(COMPILED) ? (JSON.parse(readFileSync(COMPILED, 'utf8')) as typeof compiled) : {};
  const hit = compiled?.[relative(PROFILES_DIR, file)];
  return hit?.text === text ? validateLayer(hit.data, file) : parseLayer(text, file);
}

async function readLayer(file: string): Promise<Layer> {
  return noImagesKey(await parseLayer(readFileSync(file, 'utf8'), file), file);
}

/** `images` chooses which images an image profile is for; anywhere else it means nothing. */
function noImagesKey(layer: Layer, file: string): Layer {
  if (layer['images'] !== undefined) throw new SdockerError(`sdocker: ${file}: 'images' belongs in an image profile (profiles/images/*.yml)`, EXIT_USAGE);
  return layer;
}

/**
 * Keys that decide what is refused. An image profile says what an image needs (a user, tmpfs
 * folders, capabilities); it comes with sdocker or from `sdocker learn`, and the user does not
 * review it at each run, so it may not lift a refusal: a capability the rule table calls
 * dangerous that it grants is refused unless the user allows it (policy/grants.ts).
 */
const REFUSAL_KEYS = ['allow', 'capabilities.dangerous', 'sensitivePaths', 'secretPaths'];

function noLifting(below: readonly Layer[], layer: Layer, file: string): Layer {
  // Tightening is fine (a longer dangerous list, an empty allow): merge.ts judges it.
  const key = splitTightening(mergeLayers(below), layer).loose.find((k) => REFUSAL_KEYS.includes(k));
  if (key !== undefined) throw new SdockerError(`sdocker: ${file}: '${key}' cannot be set in an image profile: it would lift a refusal; allow it in your own config.yml, or with --sd-allow`, EXIT_USAGE);
  return layer;
}

/** The file that set each key last (arrays replace, so that file wrote the value in force); `allow` accumulates and is not traced. */
function originsOf(layers: readonly PolicyLayer[]): Record<string, string> {
  const origins: Record<string, string> = {};
  for (const layer of layers) {
    for (const [key] of leaves(layer.data)) origins[key] = layer.file ?? 'the command line';
  }
  return origins;
}

export async function parseLayer(text: string, file: string): Promise<Layer> {
  const { parseYamlData } = await import('../yaml/index.js');
  return validateLayer(parseYamlData(text, file), file);
}
