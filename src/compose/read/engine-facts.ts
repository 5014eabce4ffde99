// What a compose model borrows from things outside the file (issue 8 point 2): a container it
// joins (`network_mode`/`pid`/`ipc: container:X`), the volumes of a container it takes
// (`volumes_from: container:X`), and a named volume that already exists on the engine (an
// `external` one, or a project volume made earlier, whose definition the file does not show).
// `sdocker compose` asks the engine about them before anything is created; `harden` alone
// cannot, and says so. The names are the engine's: compose prefixes a project volume with the
// project name (v1 project.py, compose-go loader: `name:` wins, `external` keeps the key).
import { basename } from 'node:path';
import type { Engine } from '../../engine/engine.js';
import { asksAnything, gatherInherited, inheritAsk, type InheritAsk } from '../../planner/inherited-facts.js';
import type { InheritedFacts } from '../../policy/inherited.js';

export interface EngineView {
  /** The engine's answers about what the model names. */
  readonly inherited: InheritedFacts;
  /** The compose project's name, for the engine names of its volumes. */
  readonly project: string;
}

/** How hardenCompose reaches the engine: the project's name, and a way to ask. */
export interface EngineAccess {
  readonly project: string;
  readonly gather: (ask: InheritAsk) => Promise<InheritedFacts>;
}

const NOTHING: InheritedFacts = { containers: new Map(), volumes: new Map() };

/** The engine's name of a top-level volume of the file. */
/** EngineAccess.gather answered by `engine`: the containers a model joins, the volumes it uses. */
export function askEngine(engine: Engine): EngineAccess['gather'] {
  return (ask) => gatherInherited(engine, ask, (name) => engine.inspectVolume(name));
}

export function engineVolumeName(key: string, definition: unknown, project: string): string {
  const def = (definition ?? {}) as { name?: unknown; external?: unknown };
  if (typeof def.name === 'string' && def.name !== '') return def.name;
  const external = def.external;
  // v1's older `external: {name: X}` form.
  if (external !== null && typeof external === 'object' && typeof (external as { name?: unknown }).name === 'string') return (external as { name: string }).name;
  return external === true || external === 'true' ? key : `${project}_${key}`;
}

/**
 * The project name as compose derives it when none is given: the project folder's name,
 * lower-cased, keeping [a-z0-9_-] (v1 normalize_name; compose-go NormalizeProjectName).
 */
export function projectName(given: string | undefined, env: NodeJS.ProcessEnv, modelName: unknown, projectDir: string): string {
  const raw = given ?? (env['COMPOSE_PROJECT_NAME'] || undefined) ?? (typeof modelName === 'string' && modelName !== '' ? modelName : basename(projectDir));
  return raw.toLowerCase().replace(/[^-_a-z0-9]/g, '');
}

/**
 * Ask the engine once about everything the services name, from the docker run options the
 * services amount to (`flagValues`: every service's settings, by flag).
 */
export async function gatherForModel(flagValues: ReadonlyMap<string, readonly string[]>, access: EngineAccess): Promise<EngineView> {
  const ask = inheritAsk((long) => [...(flagValues.get(long) ?? [])]);
  const inherited = asksAnything(ask) ? await access.gather(ask) : NOTHING;
  return { inherited, project: access.project };
}

/** An engine view that knows nothing yet: settings read with it name what to ask. */
export function probeView(project: string): EngineView {
  return { inherited: NOTHING, project };
}
