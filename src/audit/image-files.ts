// Findings from an image's merged files: setuid and setgid files (CIS Docker Benchmark v1.6.0
// 4.8, "Ensure setuid and setgid permissions are removed"), each with the layer that set the bit
// and whether that layer came with the base image.
import type { Finding, RawHistory, Target } from './types.js';
import type { ImageLayers } from './layers.js';
import { layerOrigins, type ImageConfig } from './layout.js';
import type { SpecialFile } from './layer-merge.js';

export const SETUID_CHECK = 'image-setuid';
const CIS_SETUID = '4.8';

/**
 * How many of the image's layers are its base image's, or undefined when that cannot be told.
 * The engine's history (GET /images/NAME/history, newest first) gives each entry the tags of
 * the local image it is the top of; the newest tagged entry below the image's own is the image
 * it was built FROM. Its layers are the non-empty entries of the config's history up to it (the
 * API history is the config history reversed, one entry each). A base that is not present
 * locally (pulled image built elsewhere) leaves no tags: then the answer is undefined.
 */
export function baseLayerCount(history: readonly RawHistory[], config: ImageConfig): number | undefined {
  if (history.length !== config.history.length) return undefined;
  const base = history.findIndex((entry, index) => index > 0 && (entry.Tags ?? []).length > 0);
  if (base === -1) return undefined;
  const oldestFirst = config.history.length - 1 - base;
  return config.history.slice(0, oldestFirst + 1).filter((entry) => entry.empty_layer !== true).length;
}

export function imageFileChecks(target: Target, layers: ImageLayers<unknown>, baseLayers: number | undefined): Finding[] {
  const origins = layerOrigins(layers.config);
  const own = layers.special.filter((file) => baseLayers === undefined || file.layer >= baseLayers);
  const inherited = layers.special.filter((file) => !own.includes(file));
  const findings: Finding[] = own.map((file) => ({
    target,
    check: SETUID_CHECK,
    cis: CIS_SETUID,
    result: 'warn',
    message: `${describe(file)} ${whence(file, origins, baseLayers)}; remove the bit (chmod u-s,g-s) in the Dockerfile, or the file`,
    evidence: evidence(file),
  }));
  if (inherited.length > 0) {
    findings.push({
      target,
      check: SETUID_CHECK,
      cis: CIS_SETUID,
      result: 'info',
      message: `${inherited.length} setuid/setgid file(s) from the base image (layers 1-${baseLayers ?? 0}): ${inherited.map((file) => file.path).join(', ')}; remove the bits in a layer of your own if the container does not need them`,
      evidence: inherited.map(evidence).join('; '),
    });
  }
  if (findings.length === 0) {
    findings.push({ target, check: SETUID_CHECK, cis: CIS_SETUID, result: 'pass', message: 'no setuid or setgid files in the merged image', evidence: `${layers.layerKeys.length} layer(s) merged` });
  }
  return findings;
}

function describe(file: SpecialFile): string {
  const bits = [(file.mode & 0o4000) !== 0 ? 'setuid' : '', (file.mode & 0o2000) !== 0 ? 'setgid' : ''].filter(Boolean).join('+');
  const owner = (file.mode & 0o4000) !== 0 && file.uid === 0 ? ' root' : '';
  return `${bits}${owner} file ${file.path}`;
}

function whence(file: SpecialFile, origins: readonly string[], baseLayers: number | undefined): string {
  const step = origins[file.layer];
  const from = baseLayers === undefined ? 'base image unknown' : 'not from the base image';
  return `set in layer ${file.layer + 1}${step ? ` (${short(step)})` : ''}, ${from}`;
}

function evidence(file: SpecialFile): string {
  return `layer ${file.layer + 1} ${file.path} mode=${file.mode.toString(8).padStart(4, '0')} uid=${file.uid} gid=${file.gid}`;
}

function short(createdBy: string): string {
  // The legacy builder writes `/bin/sh -c #(nop) COPY …` for instructions and `/bin/sh -c CMD` for RUN.
  const step = createdBy.replace(/^\/bin\/sh -c #\(nop\)\s*/, '').replace(/^\/bin\/sh -c /, 'RUN ').trim();
  return step.length > 80 ? `${step.slice(0, 77)}...` : step;
}
