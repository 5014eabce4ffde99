// CIS 4.10 in an image's files: each secret found in a layer's file is a finding, placed by
// layer (kept, deleted later, replaced later; from the base image or not), unless the image's
// package manager installed that very file unchanged (packaged.ts): then it is the
// distribution's file (an example URL in Perl's documentation), not a secret the image's builder
// put there, and all such matches make one info that names the packages. A file the builder
// changed has another digest than the package's, and is judged as any file.
import type { FileFact } from './file-facts.js';
import type { ImageLayers, LayerHit } from './layers.js';
import { PackageIndex, type Owner } from './packaged.js';
import { secretFinding, SECRETS_CHECK, SECRETS_CIS, type SecretHit, type SecretWhere } from './secrets.js';
import type { Finding, Target } from './types.js';

type SecretFact = Extract<FileFact, { kind: 'secret' }>;

export function fileSecretFindings(target: Target, layers: ImageLayers<FileFact>, baseLayers: number | undefined): Finding[] {
  // Built only for an image with a secret hit: most have none.
  const secrets = layers.hits.some((hit) => hit.value.kind === 'secret');
  const index = new PackageIndex(
    secrets ? layers.hits.flatMap((hit) => (hit.value.kind === 'packaged' ? [hit.value] : [])) : [],
    (path) => layers.tree.resolve(path),
  );
  const out: Finding[] = [];
  const packaged: { hit: LayerHit<SecretFact>; owner: Owner }[] = [];
  for (const hit of layers.hits) {
    if (hit.value.kind !== 'secret') continue;
    const secret = hit as LayerHit<SecretFact>;
    const owner = index.owner(hit.path, hit.value.digests);
    if (owner !== undefined) packaged.push({ hit: secret, owner });
    else out.push(placedFinding(target, secret, baseLayers));
  }
  if (packaged.length > 0) out.push(packagedFinding(target, packaged));
  // One pass for the files when nothing was found there (the config's own pass is its own finding).
  if (out.length === 0) out.push({ target, check: SECRETS_CHECK, cis: SECRETS_CIS, result: 'pass', message: 'no secret found in the files of its layers', evidence: `${layers.layerKeys.length} layers read` });
  return out;
}

function placedFinding(target: Target, hit: LayerHit<SecretFact>, baseLayers: number | undefined): Finding {
  const fromBase = baseLayers !== undefined && hit.layerIndex < baseLayers;
  // Layers are counted from 1, as the setuid findings count them.
  const fate: SecretWhere['fate'] = hit.deletedLater ? 'deleted' : hit.replacedLater ? 'replaced' : undefined;
  const where = { ...hit.value.hit.where, layer: hit.layerIndex + 1, fromBase, ...(fate === undefined ? {} : { fate }) };
  return secretFinding(target, { ...hit.value.hit, where });
}

function packagedFinding(target: Target, packaged: readonly { hit: LayerHit<SecretFact>; owner: Owner }[]): Finding {
  const packages = [...new Set(packaged.map(({ owner }) => owner.pkg))];
  const files = packaged.map(({ hit }) => `${located(hit.value.hit, hit.path)} in layer ${hit.layerIndex + 1}`);
  return {
    target,
    check: SECRETS_CHECK,
    cis: SECRETS_CIS,
    result: 'info',
    message: `${packaged.length} secret-like match${packaged.length === 1 ? '' : 'es'} in files installed unchanged by package ${packages.join(', ')} (${files.join(', ')}): shipped by the distribution, not written by this image's builder; nothing to do`,
    evidence: packaged.map(({ hit, owner }) => `layer ${hit.layerIndex + 1} ${located(hit.value.hit, hit.path)}: ${hit.value.hit.what} ${hit.value.hit.masked}, ${owner.manager} package ${owner.pkg}'s file as installed`).join('; '),
  };
}

function located(hit: SecretHit, path: string): string {
  return `${path}${hit.line === undefined ? '' : `:${hit.line}`}`;
}
