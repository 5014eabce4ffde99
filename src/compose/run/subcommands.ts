// What each compose subcommand does to containers, for v1 (docker-compose 1.29's command list)
// and v2 (docker/compose cmd/compose/compose.go AddCommand). Those that create containers from
// the model run on the hardened model; run and exec are also judged by their flags; those known
// to create none run as written. Any other word is refused: sdocker cannot tell what it creates.
import { SdockerError } from '../../common/errors.js';

export type SubKind = 'pass' | 'model' | 'run' | 'exec';

/**
 * Create containers from the model: up (also `up --scale`), create, run, scale (v1 and v2:
 * every new replica is created from the hardened model, engine-compose-scale.test.ts), watch
 * (v2 runs up first); build runs the file's build steps in a container of the builder's, which a
 * `build.network: host` or `build.privileged` hands the host (refused on the model). config and
 * convert (v2's alias) print the model: run on the hardened one, they preview what will run.
 */
const MODEL = new Set(['up', 'create', 'scale', 'watch', 'build', 'config', 'convert']);

/**
 * Create no container: they read, stop, remove, or start and restart containers that exist, or
 * move images. start creates nothing: measured with docker-compose 1.29.2, `start` of a project
 * never created prints "No containers to start", exits 1 and leaves no container (v1
 * project.start starts only service.containers(stopped=True)); v2's start fails with
 * `service "x" has no container to start` (docker/compose pkg/compose/start.go).
 */
const PASS = new Set([
  'attach', 'commit', 'cp', 'down', 'events', 'export', 'images', 'kill', 'logs', 'ls',
  'pause', 'port', 'ps', 'publish', 'pull', 'push', 'restart', 'rm', 'start', 'stats', 'stop', 'top', 'unpause',
  'version', 'volumes', 'wait', 'help', 'completion', '__complete', '__completeNoDesc',
]);

export function classify(sub: string, compose: string): SubKind {
  if (sub === 'run' || sub === 'exec') return sub;
  if (MODEL.has(sub)) return 'model';
  if (PASS.has(sub)) return 'pass';
  throw new SdockerError(`sdocker: refusing '${compose} ${sub}': sdocker does not know whether it creates containers, so cannot harden them; run '${compose} ${sub} ...' directly if you trust the files`);
}
