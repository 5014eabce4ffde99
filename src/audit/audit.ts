// sdocker audit: read the engine once (snapshot.ts), select the targets, run every check on
// that snapshot (checks/), apply the user's suppressions, print the report, and exit by
// --fail-on: 0 clean, 1 findings at or above it, 2 bad input, 125 engine unreachable.
import { isatty } from 'node:tty';
import type { Deps } from '../deps.js';
import type { Item } from '../docker/parse.js';
import { EXIT_USAGE, SdockerError } from '../errors.js';
import { loadPolicy } from '../policy/load.js';
import { runChecks, type Selected } from './checks/index.js';
import { parseAudit, type AuditOptions } from './options.js';
import { exitCodeFor, renderJson, renderText } from './report.js';
import { toAuditSarif } from './sarif.js';
import { readSnapshot, type Named } from './snapshot.js';
import type { AuditSource } from './source.js';
import { applySuppressions, unusedWarning } from './suppress.js';
import type { AuditReport, Snapshot } from './types.js';

/** Above this many containers a terminal gets a progress line. */
const PROGRESS_FROM = 20;

export async function runAudit(args: readonly string[], deps: Deps, globals: readonly Item[] = []): Promise<number> {
  const options = parseAudit(args, deps.stdout, deps.env);
  if (options === undefined) return 0;
  const loaded = await loadPolicy({ profile: options.profile, env: deps.env, cwd: deps.cwd, cliAllow: [] });
  for (const warning of loaded.warnings) deps.stderr(`${warning}\n`);
  const source = await chooseSource(globals, deps);
  const whole = options.targets.length === 0 && !options.engine;
  const progress = isatty(2) ? progressLine(deps.stderr) : undefined;
  const { snapshot, named } = await readSnapshot(source, { ...(whole ? {} : { names: options.targets, engineOnly: true }), ...(progress ? { progress } : {}) });
  progress?.(-1, 0);
  const unknown = named.filter((n) => n.kind === 'unknown').map((n) => n.name);
  if (unknown.length > 0) throw new SdockerError(`sdocker audit: no such container or image: ${unknown.join(', ')}; 'docker ps -a' and 'docker images' list them`, EXIT_USAGE);
  const { findings, unused } = applySuppressions(runChecks(snapshot, select(snapshot, named, whole || options.engine)), loaded.policy.audit?.suppress ?? []);
  // A partial audit leaves the other targets' suppressions unmatched by design.
  if (whole) for (const s of unused) deps.stderr(`${unusedWarning(s)}\n`);
  // The fixes (fix/*.ts) and the daemon.json (engine) join here as their modules land.
  const report: AuditReport = { findings, fixes: [], daemonJson: null };
  deps.stdout(render(report, options, isatty(1) && !deps.env['NO_COLOR']));
  return exitCodeFor(findings, options.failOn);
}

export function select(snapshot: Snapshot, named: readonly Named[], engine: boolean): Selected {
  const all = named.length === 0;
  const ids = (kind: Named['kind']): Set<string> => new Set(named.flatMap((n) => (n.kind !== 'unknown' && n.kind === kind ? [n.id] : [])));
  const containers = ids('container');
  const images = ids('image');
  return {
    engine,
    containers: all ? snapshot.containers : snapshot.containers.filter((c) => containers.has(c.raw.Id)),
    images: [...snapshot.images.values()].filter((image) => all || images.has(image.raw.Id)),
  };
}

function render(report: AuditReport, options: AuditOptions, colour: boolean): string {
  if (options.format === 'json') return renderJson(report);
  if (options.format === 'sarif') return `${JSON.stringify(toAuditSarif(report.findings), null, 2)}\n`;
  return renderText(report, { verbose: options.verbose, colour });
}

/** The engine `run` would reach with the same global flags: its socket here, else through docker. */
async function chooseSource(globals: readonly Item[], deps: Deps): Promise<AuditSource> {
  const [{ chooseEngine }, { SocketEngine }] = await Promise.all([import('../engine/choose.js'), import('../engine/api.js')]);
  const engine = chooseEngine(globals, deps.env, deps.docker, deps.cwd);
  if (engine instanceof SocketEngine) return (await import('./source.js')).socketSource(engine);
  return (await import('./source-cli.js')).cliSource(deps.docker, globals.flatMap((item) => item.words), engine.socketPath);
}

/** One line, rewritten in place; done < 0 clears it. */
export function progressLine(write: (text: string) => void): (done: number, total: number) => void {
  let shown = false;
  return (done, total) => {
    if (done < 0) {
      if (shown) write('\r\u001b[K');
      return;
    }
    if (total <= PROGRESS_FROM) return;
    shown = true;
    write(`\rsdocker audit: reading containers ${done}/${total}`);
  };
}
