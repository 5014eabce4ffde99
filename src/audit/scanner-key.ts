// The version of everything that decides what the layer cache holds for a layer (layer-store.ts):
// how a layer is read, which files are kept, how a file is judged a secret, secretlint's pinned
// version. The cache's folder is named by it, so a change to any of them starts from an empty
// cache instead of reusing what the old rules found. It is a digest of those sources, and
// test/audit-layer-cache.test.ts recomputes it: a change to one of them fails that test until
// this key is updated to the value it prints.
export const SCANNER_SOURCES: readonly string[] = [
  'package.json#@secretlint',
  'src/engine/tar-stream.ts',
  'src/audit/export-read.ts',
  'src/audit/layer-merge.ts',
  'src/audit/file-facts.ts',
  'src/audit/packaged.ts',
  'src/audit/secret-scan.ts',
  'src/audit/secret-engine.ts',
  'src/audit/secret-names.ts',
  'src/audit/layer-store.ts',
];

export const SCANNER_KEY = '21fb444b8d117106';
