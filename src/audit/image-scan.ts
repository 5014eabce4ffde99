// The audit's look inside images: each selected image's layers read once through the engine
// (read-image.ts: streaming, every layer, files deleted later included), its setuid/setgid
// files after the merge (image-files.ts, CIS 4.8), and secrets by value and by name in its
// files, ENV, labels and history (secrets.ts, CIS 4.10). Slow beside the inspect-only checks
// (the engine exports the whole image), so it runs for the images the audit selected.
import type { Item } from '../docker/parse.js';
import { resolveEndpoint } from '../engine/endpoint.js';
import type { ExportSource } from '../engine/image-export.js';
import { baseLayerCount, imageFileChecks } from './image-files.js';
import { readImage } from './read-image.js';
import { findSecrets, imageConfigSecretChecks, scannableText, secretFinding, SECRETS_CHECK, SECRETS_CIS, type SecretHit } from './secrets.js';
import type { Finding, ImageSnapshot, Target } from './types.js';

export interface ScanHow {
  readonly docker: string;
  readonly globals: readonly Item[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** Where an image's export streams from: the engine's socket on this host, else `docker save`. */
function exportSource(how: ScanHow): ExportSource {
  const endpoint = resolveEndpoint(how.globals, how.env, how.cwd);
  if (endpoint.kind === 'socket' && !endpoint.tls) return { socketPath: endpoint.path };
  return { docker: how.docker, globals: how.globals.flatMap((item) => item.words) };
}

export async function imageFileFindings(images: readonly ImageSnapshot[], how: ScanHow): Promise<Finding[]> {
  const source = exportSource(how);
  const out: Finding[] = [];
  for (const image of images) {
    const target: Target = { kind: 'image', name: image.ref };
    out.push(...(await imageConfigSecretChecks(image)));
    const layers = await readImage<SecretHit>(source, image.ref, {
      onFile: async (file) => {
        const text = scannableText(file.content);
        return text === undefined ? undefined : findSecrets(text, { kind: 'file', name: file.path });
      },
    });
    const base = baseLayerCount(image.history, layers.config);
    out.push(...imageFileChecks(target, layers, base));
    const fileHits = layers.hits.map((hit) => {
      const fromBase = base !== undefined && hit.layerIndex < base;
      const where = { ...hit.value.where, layer: hit.layerIndex, fromBase };
      const finding = secretFinding(target, { ...hit.value, where });
      const gone = hit.deletedLater ? '; deleted in a later layer, still in the image' : hit.replacedLater ? '; replaced in a later layer, still in the image' : '';
      return { ...finding, message: `${finding.message}${gone}` };
    });
    out.push(...fileHits);
    // One pass for the files when nothing was found there (the config's own pass is its own finding).
    if (fileHits.length === 0) out.push({ target, check: SECRETS_CHECK, cis: SECRETS_CIS, result: 'pass', message: 'no secret found in the files of its layers', evidence: `${layers.layerKeys.length} layers read` });
  }
  return out;
}
