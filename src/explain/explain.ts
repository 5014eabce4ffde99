// sdocker explain CONTAINER: why a container (running, restarting or exited) fails under the
// hardening, and the flag or profile line that fixes it.
import type { Deps } from '../planner/deps.js';
import type { Item } from '../docker/parse.js';
import { diagnose, renderDiagnosis } from '../diagnose/explain.js';
import { Containers } from '../engine/containers.js';
import { EXIT_USAGE, SdockerError } from '../common/errors.js';

export async function runExplain(names: readonly string[], deps: Deps, globals: readonly Item[] = []): Promise<number> {
  if (names.length === 0) throw new SdockerError('sdocker explain: name a container: sdocker explain CONTAINER...', EXIT_USAGE);
  // docker's global flags (`docker --context X explain C`): the containers are on that engine.
  const containers = new Containers(deps.docker, globals.flatMap((item) => item.words));
  let code = 0;
  for (const name of names) {
    const diagnosis = await diagnose(containers, name);
    if (diagnosis === undefined) {
      deps.stderr(`sdocker explain: no such container: ${name}\n`);
      code = 1;
      continue;
    }
    deps.stdout(renderDiagnosis(diagnosis, ''));
  }
  return code;
}
