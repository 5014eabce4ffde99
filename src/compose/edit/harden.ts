// Hardening one compose file: the run engine's rules and profiles applied to every service.
// Refused settings are reported with file:line:col and left in place; missing defaults are
// added; the rest of the file is kept as written.
import { dirname, resolve } from 'node:path';
import { SdockerError, EXIT_USAGE } from '../../common/errors.js';
import { socketHostFacts } from '../../planner/facts.js';
import { checkAllowList } from '../../policy/allow.js';
import { isAllowed } from '../../policy/refusals.js';
import type { HostFacts } from '../../policy/context.js';
import { loadPolicy, type LoadedPolicy } from '../../policy/load.js';
import type { Policy } from '../../policy/schema.js';
import { resolveSeccomp } from '../../policy/seccomp.js';
import { ComposeDocument, type Path } from '../../yaml/index.js';
import { grantRefusals } from './grants.js';
import { serviceEdits } from '../keys/inject.js';
import { composeBool } from '../read/booleans.js';
import { gatherForModel, probeView, type EngineAccess, type EngineView } from '../read/engine-facts.js';
import { ServiceModels } from '../read/model.js';
import { ComposeProject } from '../read/project.js';
import { limitNotes } from '../keys/limits.js';
import { namesRef, portableRef, workingDirSeccomp, type SeccompCopy } from './portable.js';
import { composeRefusalMessage, judgeService, type AllowHint } from './refuse.js';
import { serviceSettings } from '../read/settings.js';
import { segmentNetworks } from './segment.js';
import { swarmInjects, type ScratchVolume } from '../swarm/swarm.js';
import { swarmNotes } from '../swarm/swarm-findings.js';
import { withEdits } from './settle.js';
import { userNotes } from '../keys/user.js';
import { strings, type Finding, type ServiceEdit, type ServiceView } from '../keys/types.js';

export interface HardenOptions {
  readonly profile: string;
  readonly env: NodeJS.ProcessEnv;
  readonly cliAllow: readonly string[];
  /** How the user wrote cliAllow (loadPolicy's cliAllowFlag). */
  readonly cliAllowFlag?: string;
  /** The seccomp profile path to write; default: the policy's (sdocker's own), absolute unless `portable`. */
  readonly seccomp: string | undefined;
  /** Name the policy's seccomp profile by its copy in the project, `./.sdocker/seccomp/NAME` (portable.ts): a file that travels. */
  readonly portable?: boolean;
  /** Ignore the file's own x-sdocker allow lists (an untrusted file run by sdocker compose). */
  readonly ignoreFileAllows?: boolean;
  /** One network per pair of services that talk (segment.ts). */
  readonly segment?: boolean;
  /** The engine the model will run on (sdocker compose): what the file borrows from it is judged too. */
  readonly engine?: EngineAccess;
  /** The host as that engine sees it (its socket, or a remote engine's paths); default: this host's default socket. */
  readonly host?: HostFacts;
  /** Judge only: an override file compose merges over the main one gets its refusals reported, no additions. */
  readonly judgeOnly?: boolean;
  /** The files compose merges this one over, in order: its services are judged merged with theirs (ComposeProject). */
  readonly beneath?: readonly string[];
  /** How a refusal says it may be lifted (default: harden's `--allow RULE`). */
  readonly allowHint?: AllowHint;
  /** The working directory docker-compose v1 would run in: a relative seccomp path is judged from there too (portable.ts). */
  readonly cwd?: string;
  /** What runs the file: compose (default) or a swarm (docker stack deploy: swarm.ts). */
  readonly target?: 'compose' | 'swarm';
  /** A service's policy after its image's (compose learn: the grants proven for that service). */
  readonly servicePolicy?: (service: string, policy: Policy) => Policy;
}

export interface HardenedFile {
  readonly file: string;
  /** The services of the file, judged (and, unless judge-only, hardened). */
  readonly services: readonly string[];
  readonly original: string;
  readonly output: string;
  readonly findings: readonly Finding[];
  readonly edits: readonly ServiceEdit[];
  /** The policy's own warnings (an untrusted .sdocker.yml that loosens), once each. */
  readonly warnings: readonly string[];
  /** The profile copies the hardened file names (portable), one per service naming one. */
  readonly seccompCopies: readonly SeccompCopy[];
  /** The refusals each service may lift (its policy's allow list and, counted, its x-sdocker one): the judge of its containers reads them. */
  readonly allows: ReadonlyMap<string, readonly string[]>;
}

export async function hardenCompose(text: string, file: string, options: HardenOptions): Promise<HardenedFile> {
  const doc = new ComposeDocument(text, file);
  const services = doc.data['services'];
  if (services === undefined || services === null || typeof services !== 'object' || Array.isArray(services)) {
    throw new SdockerError(`sdocker: ${file}: no 'services' mapping; is this a compose file?`, EXIT_USAGE);
  }
  // docker stack deploy reads no .env (measured with docker 28.2): a swarm target interpolates from the environment alone.
  const project = new ComposeProject(file, doc.data, options.env, { dotenv: options.target !== 'swarm', ...(options.beneath === undefined ? {} : { beneath: options.beneath }) });
  const host: HostFacts = options.host ?? socketHostFacts('/var/run/docker.sock');
  const engine = options.engine === undefined ? undefined : await engineView(project, Object.keys(services), options.engine);
  const policies = new Map<string, Promise<LoadedPolicy>>();
  const findings: Finding[] = [];
  const edits: ServiceEdit[] = [];
  const views: ServiceView[] = [];
  const warnings = new Set<string>();
  const seccompCopies: SeccompCopy[] = [];
  const allows = new Map<string, readonly string[]>();
  const swarm = options.target === 'swarm';
  const scratch: Record<string, ScratchVolume> = {};
  const instead = swarm ? swarmInjects(doc.data['version'], (doc.data['volumes'] ?? {}) as Record<string, unknown>, scratch) : {};
  // Each service judged and completed as compose builds it (merge keys, extends), a base of the
  // same file before the services extending it.
  const models = new ServiceModels(doc);
  for (const name of models.order()) {
    const ownView = ((services as Record<string, unknown>)[name] ?? {}) as Record<string, unknown>;
    const data = models.model(name);
    const image = typeof data['image'] === 'string' ? data['image'] : '';
    if (!policies.has(image)) {
      policies.set(image, loadPolicy({ profile: options.profile, env: options.env, cwd: dirname(file), cliAllow: options.cliAllow, ...(options.cliAllowFlag === undefined ? {} : { cliAllowFlag: options.cliAllowFlag }), ...(image === '' ? {} : { image }) }));
    }
    const { policy: loaded, warnings: said } = await (policies.get(image) as Promise<LoadedPolicy>);
    const policy = options.servicePolicy?.(name, loaded) ?? loaded;
    for (const line of said) warnings.add(line);
    const written = strings((ownView['x-sdocker'] as { allow?: unknown } | undefined)?.allow);
    checkAllowList(written, `x-sdocker.allow of service '${name}' in ${file}`);
    const own = options.ignoreFileAllows === true ? [] : written;
    allows.set(name, [...policy.allow, ...own]);
    const seccompFile = options.seccomp ?? resolveSeccomp(policy.seccomp);
    const seccompRef = options.portable === true && options.seccomp === undefined && seccompFile !== '' && options.judgeOnly !== true ? portableRef(seccompFile) : undefined;
    // Read before any edit: edits are made after every service is judged (below).
    const source = (path: Path): string | undefined => doc.written(['services', name, ...path]);
    const view: ServiceView = { name, data, written: ownView, policy, seccompFile, source, ...(seccompRef === undefined ? {} : { seccompRef }) };
    views.push(view);
    const grants = grantRefusals(view, [...policy.allow, ...own], options.allowHint);
    const judged = judgeService(view, project, host, [...policy.allow, ...own], engine, options.allowHint);
    const fromCwd = options.cwd === undefined ? [] : workingDirSeccomp(data['security_opt'], file, options.cwd).map((violation) => ({ violation, path: ['services', name, 'security_opt'], allowed: isAllowed(violation, [...policy.allow, ...own]), message: composeRefusalMessage(violation, options.allowHint) }));
    for (const refusal of [...judged.refusals, ...grants.refusals, ...fromCwd]) {
      const { line, col } = doc.position(refusal.path);
      const message = refusal.allowed ? `allowed: ${refusal.message.replace(/^sdocker: refusing /, '')}` : refusal.message.replace(/^sdocker: /, '');
      findings.push({ file, line, col, rule: refusal.violation.rule, level: refusal.allowed ? 'warning' : 'error', service: name, message });
    }
    for (const problem of judged.problems) {
      const { line, col } = doc.position(problem.path);
      const message = problem.origin === undefined ? problem.message : `${problem.message} (${problem.origin})`;
      findings.push({ file, line, col, rule: problem.rule, level: problem.level, service: name, message });
    }
    for (const note of judged.notes) {
      const { line, col } = doc.position(note.path);
      findings.push({ file, line, col, rule: 'sensitive-mount', level: 'note', service: name, message: note.message });
    }
    for (const note of judged.warnings) {
      const { line, col } = doc.position(note.path);
      findings.push({ file, line, col, rule: 'host-device', level: 'warning', service: name, message: note.message });
    }
    if (composeBool(data['read_only']) === 'false') {
      const { line, col } = doc.position(['services', name, 'read_only']);
      findings.push({ file, line, col, rule: 'read-only', level: 'warning', service: name, message: 'read_only: false leaves the root filesystem writable' });
    }
    const targetNotes = swarm ? swarmNotes(view, doc.data) : limitNotes(view).map((note) => ({ ...note, level: 'warning' as const }));
    for (const note of options.judgeOnly === true ? [] : [...userNotes(view).map((note) => ({ ...note, level: 'warning' as const })), ...targetNotes]) {
      const { line, col } = doc.position(['services', name, ...note.path]);
      findings.push({ file, line, col, rule: note.rule, level: note.level, service: name, message: note.message });
    }
    // A refused grant is reported above, not written.
    const added = options.judgeOnly === true ? [] : serviceEdits({ ...view, policy: grants.policy }, instead);
    models.settle(name, withEdits(data, added));
    if (seccompRef !== undefined && namesRef(data['security_opt'], added, seccompRef)) {
      seccompCopies.push({ source: seccompFile, ref: seccompRef, target: resolve(dirname(file), seccompRef), service: name, ...doc.position(['services', name, 'security_opt']) });
    }
    for (const edit of added) {
      const { line, col } = doc.position(['services', name, ...(edit.edit.kind === 'append' ? [edit.edit.key] : edit.edit.path)]);
      findings.push({ file, line, col, rule: edit.rule, level: 'change', service: name, message: `add ${edit.note}` });
      edits.push(edit);
    }
  }
  if (options.segment === true && options.judgeOnly !== true) {
    const { edits: joins, networks } = segmentNetworks(views, (doc.data['networks'] ?? {}) as Record<string, unknown>);
    for (const join of joins) {
      const { line, col } = doc.position(['services', join.service]);
      findings.push({ file, line, col, rule: 'network', level: 'change', service: join.service, message: `set ${join.note}` });
    }
    edits.push(...joins);
    for (const [name, definition] of Object.entries(networks)) doc.setTop(['networks', name], definition);
  }
  for (const [name, definition] of Object.entries(scratch)) doc.setTop(['volumes', name], definition);
  for (const { service, edit } of edits) {
    // What the service inherits through `<<` at the edited key is written on it first: a merge
    // key is shallow, so a bare key would replace the anchor's whole value.
    doc.inherit(service, edit.kind === 'append' ? [edit.key] : edit.path);
    if (edit.kind === 'set') doc.set(service, edit.path, edit.value);
    else if (edit.kind === 'append') doc.append(service, edit.key, edit.value);
    else doc.replaceScalar(service, edit.path, edit.value);
  }
  return { file, services: models.order(), original: text, output: doc.toString(), findings, edits, warnings: [...warnings], seccompCopies, allows };
}

/** One round of questions to the engine about what every service borrows from outside the file. */
async function engineView(project: ComposeProject, names: readonly string[], access: EngineAccess): Promise<EngineView> {
  const probe = probeView(access.project);
  const values = new Map<string, string[]>();
  for (const name of names) {
    for (const setting of serviceSettings(project, name, probe).settings) {
      if ('flag' in setting) values.set(setting.flag, [...(values.get(setting.flag) ?? []), setting.value]);
    }
  }
  return gatherForModel(values, access);
}
