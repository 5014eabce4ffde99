// `sdocker rules --explain`: the layers merged for a run here, in order, and for each value in
// force the layer that set it and what it replaced; then which refusals are lifted, by whom.
import { relative } from 'node:path';
import { PACKAGE_ROOT } from '../common/paths.js';
import { userConfigPath, type LoadedPolicy, type PolicyLayer } from '../policy/load.js';
import { allowOrigins, shownValue, traceValues } from './trace.js';

export interface ExplainContext {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly profile: string;
  /** Where the profile's name came from (--profile, $SDOCKER_PROFILE, the default). */
  readonly profileFrom: string;
  readonly image: string | undefined;
}

/** A file as a user finds it: sdocker's own relative to the package, the home folder as ~. */
export function shortFile(file: string, env: NodeJS.ProcessEnv): string {
  const own = relative(PACKAGE_ROOT, file);
  if (!own.startsWith('..')) return `sdocker's ${own}`;
  const home = env['HOME'];
  return home && home !== '/' && file.startsWith(`${home}/`) ? `~/${file.slice(home.length + 1)}` : file;
}

export function explainPolicy(loaded: LoadedPolicy, ctx: ExplainContext): string {
  const lines = [`policy for a run in ${ctx.cwd}${ctx.image === undefined ? '' : ` of ${ctx.image}`}, profile ${ctx.profile} (${ctx.profileFrom}); layers in merge order, later wins:`];
  lines.push(...layerLines(loaded.layers, ctx));
  lines.push('', 'values in force (set by; over the value below it):');
  const traces = traceValues(loaded.layers);
  const width = Math.max(...traces.map((t) => t.key.length));
  for (const t of traces) {
    const over = t.over === undefined ? '' : JSON.stringify(t.over.value) === JSON.stringify(t.value) ? ` (same in ${t.over.layer.kind})` : `; over ${brief(t.over.value)} (${t.over.layer.kind})`;
    lines.push(`  ${t.key.padEnd(width)}  ${brief(t.value)}  [${t.layer.kind}${over}]`);
  }
  const allowed = allowOrigins(loaded.layers);
  lines.push('', 'refusals lifted (allow):', ...(allowed.length === 0 ? ['  none'] : allowed.map(({ entry, layer }) => `  ${entry}  [${layer.kind}]`)));
  return `${lines.join('\n')}\n`;
}

/** A long list (the path lists) by its size: 'sdocker rules' prints it whole. */
function brief(value: unknown): string {
  return Array.isArray(value) && value.length > 6 ? `${value.slice(0, 3).join(' ')} ... (${value.length} entries; sdocker rules lists them)` : shownValue(value);
}

const ORDER: readonly PolicyLayer['kind'][] = ['built-in', 'profile', 'image profile', 'user config', 'project config', 'command line'];

function layerLines(layers: readonly PolicyLayer[], ctx: ExplainContext): string[] {
  return ORDER.flatMap((kind) => {
    const layer = layers.find((l) => l.kind === kind);
    const head = `  ${kind.padEnd(14)}  `;
    if (layer !== undefined) return [`${head}${layer.file === undefined ? commandLine(layer) : shortFile(layer.file, ctx.env)}${projectState(layer)}`];
    // Where a missing file would be read from, so a user knows where to write one.
    const user = userConfigPath(ctx.env);
    if (kind === 'user config') return [`${head}none (${user === undefined ? '$HOME is unset' : `${shortFile(user, ctx.env)} does not exist`})`];
    if (kind === 'project config') return [`${head}none (no .sdocker.yml in ${ctx.cwd} or above)`];
    return [];
  });
}

function commandLine(layer: PolicyLayer): string {
  const allow = layer.data['allow'];
  return Array.isArray(allow) && allow.length > 0 ? `--sd-allow ${allow.join(',')}` : 'nothing';
}

function projectState(layer: PolicyLayer): string {
  if (layer.trusted === undefined) return '';
  if (layer.trusted) return ' (trusted)';
  const ignored = layer.ignored.length === 0 ? 'only tightens, so it all applies' : `ignored ${layer.ignored.map((k) => `'${k}'`).join(', ')}: ${layer.ignored.length === 1 ? 'it loosens' : 'they loosen'}; 'sdocker trust ${layer.file ?? ''}' after review`;
  return ` (not trusted: ${ignored})`;
}
