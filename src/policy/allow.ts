// Allow-list entries name a refusal rule, optionally narrowed to one item (RULE:ITEM).
import { SdockerError, EXIT_USAGE } from '../errors.js';
import { isRefuseId } from './rules.js';

/** `--sd-allow` values: repeatable and comma-separated. */
export function splitAllow(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

export function checkAllowList(allow: readonly string[], where: string): void {
  for (const entry of allow) {
    if (!isRefuseId(entry.split(':')[0] ?? '')) {
      throw new SdockerError(`sdocker: '${entry}' in ${where} is not a refusal rule; 'sdocker rules' lists them`, EXIT_USAGE);
    }
  }
}
