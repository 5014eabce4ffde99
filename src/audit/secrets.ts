// Secrets in an image (issue 10; CIS Docker Benchmark v1.6.0 4.10, "Ensure secrets are not
// stored in Dockerfiles"): ENV, labels and history here, the files of every layer through the
// layer reader, which calls findSecrets per file and secretFinding per hit. A value matched by
// secretlint's recommended preset is a warn; a secret-like name alone (`DB_PASSWORD`) is info.
// Values are always masked: messages and evidence carry maskSecret's form only.

import { findSecrets, type SecretHit, type SecretWhere } from './secret-scan.js';
import type { Finding, ImageSnapshot, Target } from './types.js';

export { findSecrets, maskSecret, scannableText, MAX_SCAN_BYTES } from './secret-scan.js';
export type { SecretHit, SecretPlace, SecretWhere } from './secret-scan.js';

export const SECRETS_CHECK = 'image-secrets';
export const SECRETS_CIS = '4.10';

function place(hit: SecretHit): string {
  const { kind, name, layer, fromBase } = hit.where;
  const key = hit.key === undefined ? '' : ` (${hit.key})`;
  switch (kind) {
    case 'env':
      return `ENV ${name}`;
    case 'label':
      return `label ${name}`;
    case 'history':
      return `history step ${name} (oldest first)${key}`;
    case 'file': {
      const line = hit.line === undefined ? '' : `:${hit.line}`;
      const inLayer = layer === undefined ? '' : ` in layer ${layer}${fromBase === true ? ' of the base image' : ''}`;
      const fate = hit.where.fate === undefined ? '' : ` (${hit.where.fate} in a later layer, still in the image)`;
      return `file ${name}${line}${key}${inLayer}${fate}`;
    }
  }
}

function evidence(hit: SecretHit): string {
  const { kind, name, layer, fromBase } = hit.where;
  const value = `${hit.key === undefined ? '' : `${hit.key}=`}${hit.masked}`;
  switch (kind) {
    case 'env':
      return `Config.Env ${name}=${hit.masked}`;
    case 'label':
      return `Config.Labels ${name}=${hit.masked}`;
    case 'history':
      return `history step ${name} CreatedBy: ${hit.what} ${value}`;
    case 'file': {
      const base = fromBase === true ? ' (base image)' : '';
      const at = layer === undefined ? '' : `layer ${layer}${base} `;
      return `${at}${name}${hit.line === undefined ? '' : `:${hit.line}`}: ${hit.what} ${value}`;
    }
  }
}

/** The way out, by where the secret sits: it ships with every copy of the image. */
function remedy(where: SecretWhere): string {
  switch (where.kind) {
    case 'env':
    case 'label':
      return 'pass it when the container starts (--env-file, a mounted secret), not in the image';
    case 'history':
      return 'use a build secret (RUN --mount=type=secret) instead of ARG or ENV';
    case 'file':
      return 'mount it when the container starts instead of copying it into the image (no later layer can remove it)';
  }
}

/** The finding for one hit: warn for a value match, info for a name alone. The problem first, then the fix. */
export function secretFinding(target: Target, hit: SecretHit): Finding {
  const byValue = hit.by === 'value';
  const problem = byValue ? `holds a secret (${hit.what})` : 'is named like a secret';
  // A base image's secret is not this image's builder's to rotate.
  const fix = hit.where.fromBase === true
    ? `, shipped by the base image: ${byValue ? '' : 'if it holds one, '}choose another base image, or report it to its maintainer`
    : `: ${byValue ? 'rotate it, and ' : 'if it holds one, '}${remedy(hit.where)}`;
  return {
    target,
    check: SECRETS_CHECK,
    cis: SECRETS_CIS,
    result: byValue ? 'warn' : 'info',
    message: `${place(hit)} ${problem}${fix}`,
    evidence: evidence(hit),
  };
}

/** ENV entries, labels and every history step's CreatedBy of one image. */
export async function imageConfigSecretChecks(image: ImageSnapshot): Promise<Finding[]> {
  const target: Target = { kind: 'image', name: image.ref };
  const env = image.raw.Config.Env ?? [];
  const labels = Object.entries(image.raw.Config.Labels ?? {});
  const steps = [...image.history].reverse();
  const scans = [
    ...env.map((entry) => {
      const eq = entry.indexOf('=');
      const name = eq === -1 ? entry : entry.slice(0, eq);
      return findSecrets(eq === -1 ? '' : entry.slice(eq + 1), { kind: 'env', name });
    }),
    ...labels.map(([name, value]) => findSecrets(value, { kind: 'label', name })),
    ...steps.map((step, i) => findSecrets(step.CreatedBy, { kind: 'history', name: String(i) })),
  ];
  const hits = (await Promise.all(scans)).flat();
  if (hits.length > 0) return hits.map((hit) => secretFinding(target, hit));
  return [{
    target,
    check: SECRETS_CHECK,
    cis: SECRETS_CIS,
    result: 'pass',
    message: 'no secret in ENV, labels or history (secretlint recommended preset, secret-like names)',
    evidence: `Config.Env: ${env.length} entries, Config.Labels: ${labels.length}, history: ${steps.length} steps`,
  }];
}
