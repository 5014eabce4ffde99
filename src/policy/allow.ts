// Allow-list entries name a refusal rule, optionally narrowed to one item (RULE:ITEM).
import { SdockerError, EXIT_USAGE } from '../common/errors.js';
import { didYouMean } from '../common/suggest.js';
import { isRefuseId, REFUSALS } from './rules.js';

/** `--sd-allow` values: repeatable and comma-separated. */
export function splitAllow(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

export function checkAllowList(allow: readonly string[], where: string): void {
  for (const entry of allow) {
    const rule = entry.split(':')[0] ?? '';
    if (!isRefuseId(rule)) {
      const near = didYouMean(rule, Object.keys(REFUSALS));
      throw new SdockerError(`sdocker: '${entry}' in ${where} is not a refusal rule${near || "; 'sdocker rules' lists them"}`, EXIT_USAGE);
    }
  }
}

/** A file's own `allow` list, checked where it is read so the error names the file. */
export function checkLayerAllow(layer: { allow?: unknown }, file: string): void {
  if (Array.isArray(layer.allow)) checkAllowList(layer.allow.filter((entry): entry is string => typeof entry === 'string'), file);
}
