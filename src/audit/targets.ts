// How a target is named in findings, fixes and suppressions: a container by its name (docker's
// leading slash dropped), an image by the reference it was named by, the engine by its endpoint.
import type { ContainerSnapshot, EngineSnapshot, ImageSnapshot, Target } from './types.js';

export function containerTarget(c: ContainerSnapshot): Target {
  return { kind: 'container', name: c.raw.Name.replace(/^\//, '') };
}

export function imageTarget(image: ImageSnapshot): Target {
  return { kind: 'image', name: image.ref };
}

export function engineTarget(engine: EngineSnapshot): Target {
  return { kind: 'engine', name: engine.endpoint };
}
