// A compose file or Kubernetes manifests: one document with a `services` mapping and no
// `apiVersion` is compose's (the compose specification has no apiVersion key).
import { parseYamlData, splitDocuments } from '../yaml/index.js';
import { mapping } from './types.js';

export function isComposeText(text: string, file: string): boolean {
  const documents = splitDocuments(text, file);
  if (documents.length !== 1) return false;
  const data = mapping(parseYamlData(text, file));
  return data !== undefined && mapping(data['services']) !== undefined && data['apiVersion'] === undefined;
}
