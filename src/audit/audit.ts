// sdocker audit: read the engine once (snapshot.ts), select the targets, run every check on
// that snapshot (checks/), apply the user's suppressions, print the report, and exit by
// --fail-on: 0 clean, 1 findings at or above it, 2 bad input, 125 engine unreachable.
import { isatty } from 'node:tty';
import type { Deps } from '../planner/deps.js';
import type { Item } from '../docker/parse.js';
import { EXIT_USAGE, SdockerError } from '../common/errors.js';
import { loadPolicy } from '../policy/load.js';
import { runChecks, type Selected } from './checks/index.js';
import { containerFix } from './fix/container.js';
import { daemonFix } from './fix/daemon.js';
import { gatherHostFiles } from './host-files.js';
import { parseAudit, type AuditOptions } from './options.js';
import { exitCodeFor, renderJson, renderText } from './report.js';
import { toAuditSarif } from './sarif.js';
import type { ScanHow } from './image-scan.js';
import { layerProgressLine, progressLine } from './progress.js';
import { readSnapshot, type Named } from './snapshot.js';
import type { AuditSource } from './source.js';
import { applySuppressions, unusedWarning } from './suppress.js';
import type { AuditReport, Finding, Fix, Snapshot } from './types.js';

export async function runAudit(args: readonly string[], deps: Deps, globals: readonly Item[] = []): Promise<number> {
  const options = parseAudit(args, deps.stdout, deps.env);
  if (options === undefined) return 0;
  const loaded = await loadPolicy({ profile: options.profile, env: deps.env, cwd: deps.cwd, cliAllow: [] });
  for (const warning of loaded.warnings) deps.stderr(`${warning}\n`);
  const source = await chooseSource(globals, deps);
  const whole = options.targets.length === 0 && !options.engine;
  const terminal = isatty(2);
  const progress = terminal ? progressLine(deps.stderr) : undefined;
  const read = await readSnapshot(source, { ...(whole ? {} : { names: options.targets, engineOnly: true }), ...(progress ? { progress } : {}) });
  const { named } = read;
  // The host's files (§1, §3, daemon.json) are read where they are this host's: a local, rootful engine.
  const hostFiles = read.snapshot.engine.local ? gatherHostFiles(read.snapshot.engine) : undefined;
  const snapshot: Snapshot = hostFiles === undefined ? read.snapshot : { ...read.snapshot, engine: { ...read.snapshot.engine, hostFiles } };
  progress?.(-1, 0);
  const unknown = named.filter((n) => n.kind === 'unknown').map((n) => n.name);
  if (unknown.length > 0) throw new SdockerError(`sdocker audit: no such container or image: ${unknown.join(', ')}; 'docker ps -a' and 'docker images' list them`, EXIT_USAGE);
  const { chosen, inside } = await lookInside(snapshot, select(snapshot, named, whole || options.engine), { docker: deps.docker, globals, env: deps.env, cwd: deps.cwd }, terminal ? deps.stderr : undefined);
  const { findings, unused } = applySuppressions([...runChecks(snapshot, chosen), ...inside], loaded.policy.audit?.suppress ?? []);
  // A partial audit leaves the other targets' suppressions unmatched by design.
  if (whole) for (const s of unused) deps.stderr(`${unusedWarning(s)}\n`);
  const selected = chosen;
  const fixes = await containerFixes(snapshot, selected, findings, deps, { globals, profile: options.profile });
  const daemon = selected.engine ? daemonFix(findings, snapshot.engine) : undefined;
  const report: AuditReport = { findings, fixes, daemonJson: daemon?.daemonJson ?? null, ...(daemon === undefined ? {} : { daemonJsonNotes: daemon.notes }) };
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

/**
 * The selected images' layers read (image-scan.ts), with a progress line on a terminal, and the
 * selection's images given what their layers showed (for the ADD check).
 */
async function lookInside(snapshot: Snapshot, chosen: Selected, how: ScanHow, terminal: ((text: string) => void) | undefined): Promise<{ chosen: Selected; inside: Finding[] }> {
  const { scanImages, withLayerFacts } = await import('./image-scan.js');
  const line = terminal === undefined ? undefined : layerProgressLine(terminal);
  try {
    const scan = await scanImages(chosen.images, { ...how, progress: line?.update });
    return { chosen: { ...chosen, images: withLayerFacts(chosen.images, scan) }, inside: scan.findings };
  } finally {
    line?.clear();
  }
}

const NOT_BY_RUN = new Set(['healthcheck', 'apparmor']);

/** The `sdocker run` command that re-creates each selected container with a warning, hardened, and the steps to swap it in (fix/container.ts). */
async function containerFixes(snapshot: Snapshot, selected: Selected, findings: readonly Finding[], deps: Deps, how: { globals: readonly Item[]; profile: string }): Promise<Fix[]> {
  // A health check and an AppArmor profile come from the image and the host, not from run's flags:
  // warned about alone, a container gets no command that would change nothing.
  const warned = new Set(findings.filter((f) => f.target.kind === 'container' && f.result === 'warn' && !NOT_BY_RUN.has(f.check)).map((f) => f.target.name));
  const { hostFacts } = await import('../planner/facts.js');
  const { chooseEngine } = await import('../engine/choose.js');
  const host = snapshot.engine.local ? hostFacts(chooseEngine(how.globals, deps.env, deps.docker, deps.cwd)) : { realpath: (p: string) => p, kind: () => undefined, engineSocket: undefined };
  const fixes: Fix[] = [];
  const taken = new Set(snapshot.containers.map((c) => c.raw.Name.replace(/^\//, '')));
  // One policy per image, however many containers run it (loading reads the config files).
  const policies = new Map<string, ReturnType<typeof loadPolicy>>();
  for (const container of selected.containers) {
    if (!warned.has(container.raw.Name.replace(/^\//, ''))) continue;
    const image = snapshot.images.get(container.raw.Image);
    const ref = image?.ref ?? '';
    if (!policies.has(ref)) policies.set(ref, loadPolicy({ profile: how.profile, env: deps.env, cwd: deps.cwd, cliAllow: [], ...(image === undefined ? {} : { image: image.ref }) }));
    const { policy } = await (policies.get(ref) as ReturnType<typeof loadPolicy>);
    fixes.push(containerFix(container, image, { policy, host, engine: snapshot.engine, cwd: deps.cwd, taken }));
  }
  return fixes;
}
