// The yaml layer: the only folder that imports `yaml` (yaml 3 changes the node API; keeping every
// call here keeps that upgrade to one folder). Loaded lazily: importing yaml costs ~40 ms on
// these machines, so the run path only pays it when a user or project config file exists.
export * from './parse.js';
export { ComposeDocument } from './document.js';
export { ManifestStream } from './manifests.js';
export { renderYaml } from './nodes.js';
export { commentValues, type ValueComment } from './comments.js';
