// The fix for a container: the `sdocker run` command that re-creates it hardened, and the steps
// that replace the old container with it without losing the old one first (steps.ts). Its inspect
// is read back into the flags the user gave (intent.ts and from-*.ts: what the image and the
// engine supplied is left out), then judged by sdocker's own parser and planner, as `sdocker
// run` would judge it: what the planner refuses is dropped and named, with why, so the command
// starts and is hardened when run. Pure but for reading the policy's seccomp profile (to tell
// sdocker's own from a user's): the snapshot, the policy and the host's answers in.
import { readFileSync } from 'node:fs';
import { parseInvocation, type ContainerInvocation } from '../../docker/invocation.js';
import { hasAppArmor, imageFacts } from '../../engine/engine.js';
import { checkRefusals, planContainer } from '../../planner/plan.js';
import type { EngineFacts, HostFacts, RuleContext } from '../../policy/context.js';
import { refusalMessage } from '../../policy/refusals.js';
import type { Policy } from '../../policy/schema.js';
import { resolveSeccomp } from '../../policy/seccomp.js';
import { shellQuote } from '../../common/quote.js';
import type { ContainerSnapshot, EngineSnapshot, Fix, ImageSnapshot, RawContainer } from '../types.js';
import { entrypointPiece, readConfig } from './from-config.js';
import { readHost } from './from-host.js';
import { readMounts } from './from-mounts.js';
import { readNetwork } from './from-network.js';
import { compact, readSecurity } from './from-security.js';
import { keptName, replacementSteps } from './steps.js';
import type { Intent, Origin, Piece } from './intent.js';

export interface FixContext {
  /** The policy `sdocker run` would use for this container's image (loadPolicy with `image`). */
  readonly policy: Policy;
  /** The engine host's file system, as facts.ts hostFacts answers for the engine (remote: normalised only). */
  readonly host: HostFacts;
  readonly engine: EngineSnapshot;
  /** Where relative paths resolve (binds in inspect are absolute already). */
  readonly cwd: string;
  /** The daemon's default log-opts (daemon.json `log-opts`), when known. */
  readonly daemonLogOptions?: Readonly<Record<string, string>>;
  /** Container names in use (the old container's new name must not be one). */
  readonly taken?: ReadonlySet<string>;
}

const COMPOSE_PROJECT = 'com.docker.compose.project';

export function containerFix(container: ContainerSnapshot, image: ImageSnapshot | undefined, ctx: FixContext): Fix {
  const raw = container.raw;
  const target = { kind: 'container', name: raw.Name.replace(/^\//, '') } as const;
  const advice = composeAdvice(raw);
  if (advice !== undefined) return { target, command: [], advice };
  const seccompFile = resolveSeccomp(ctx.policy.seccomp);
  const policySeccomp = seccompFile === '' ? undefined : compact(readFileSync(seccompFile, 'utf8'));
  const origin: Origin = { raw, image: image?.raw.Config, engine: ctx.engine, daemonLogOptions: ctx.daemonLogOptions, policySeccomp };
  const intent: Intent = { pieces: [], lost: [] };
  const run = readConfig(origin, intent);
  const entrypoint = entrypointPiece(origin);
  if (entrypoint.length > 0) intent.pieces.push({ words: entrypoint });
  for (const read of [readNetwork, readHost, readMounts, readSecurity]) read(origin, intent);
  const ref = imageRef(raw, image, intent.lost);
  const base = ruleContext(raw, image, ctx, ref, seccompFile);
  const judged = judge(intent.pieces, ref, base);
  const words = judged.kept.flatMap((piece) => piece.words);
  const inv = invocation([...words, ref, ...run.args]);
  const plan = planContainer(inv, { ...base, items: inv.flags.items });
  // What the planner still refuses is not the container's own flags (the policy's grants): said, not dropped.
  const still = [...plan.refused.map((v) => `sdocker run will refuse it: ${refusalMessage(v).replace(/^sdocker: /, '')}`), ...plan.notices.filter((n) => n.level === 'error').map((n) => n.text)];
  const layer = `files it changed outside its volumes (docker diff ${target.name}) are not carried over`;
  // A container that is not running is made again, not started: `create` keeps it so.
  const verb = raw.State.Running ? ['run', '--detach'] : ['create'];
  const command = ['sdocker', ...verb, ...words, ref, ...run.args];
  const replace = replacementSteps(raw, command, keptName(target.name, ctx.taken ?? new Set()));
  return { target, command, lost: [...judged.lost, ...intent.lost, ...still, ...replace.caveats, layer], steps: replace.steps, rollback: replace.rollback };
}

/** A compose service's container is re-created from its file: harden the file (issue 10). */
function composeAdvice(raw: RawContainer): string | undefined {
  const labels = raw.Config.Labels ?? {};
  const project = labels[COMPOSE_PROJECT];
  if (project === undefined) return undefined;
  const service = labels['com.docker.compose.service'] ?? '?';
  const files = (labels['com.docker.compose.project.config_files'] ?? '').split(',').filter((f) => f !== '');
  const dir = labels['com.docker.compose.project.working_dir'];
  const cd = dir === undefined ? '' : `cd ${shellQuote(dir)} && `;
  const harden = ['sdocker', 'harden', '--write', ...files].map(shellQuote).join(' ');
  return `service ${service} of compose project ${project}: harden its file rather than the container: ${cd}${harden}, then ${cd}sdocker compose -p ${shellQuote(project)} up -d`;
}

/**
 * The image as the user named it, when that name still points to the image the container runs;
 * else the same name, and the change is said (re-creating from it starts the newer image).
 */
function imageRef(raw: RawContainer, image: ImageSnapshot | undefined, lost: string[]): string {
  const ref = raw.Config.Image;
  if (image === undefined) {
    lost.push(`the image ${ref} is not in the snapshot: what it supplied (ENV, CMD, labels, ...) cannot be told apart and is written out`);
    return ref;
  }
  const tags = image.raw.RepoTags ?? [];
  if (ref.includes('@') || ref.startsWith('sha256:') || image.raw.Id.startsWith(`sha256:${ref}`) || tags.includes(normalTag(ref))) return ref;
  lost.push(`${ref} now names another image than the container's (${image.raw.Id.slice(7, 19)}): the command starts the image ${ref} names now`);
  return ref;
}

/** docker's short forms: `busybox` is `busybox:latest`; `docker.io/library/` is left out of RepoTags. */
function normalTag(ref: string): string {
  const bare = ref.replace(/^(docker\.io|index\.docker\.io)\//, '').replace(/^library\//, '');
  return /:[^/]+$/.test(bare) ? bare : `${bare}:latest`;
}

function ruleContext(raw: RawContainer, image: ImageSnapshot | undefined, ctx: FixContext, ref: string, seccompFile: string): RuleContext {
  const info = ctx.engine.info;
  const volumes = new Map(raw.Mounts.filter((m) => m.Type === 'volume' && m.Name !== undefined).map((m) => [m.Name as string, true]));
  const rootDir = info['DockerRootDir'];
  const facts: EngineFacts = {
    image: image === undefined ? undefined : imageFacts(image.raw.Config as Parameters<typeof imageFacts>[0]),
    apparmor: hasAppArmor(info['SecurityOptions'] as string[] | null | undefined),
    // Whether sdocker's profile is loaded is a question for the host at run time; it changes no flag of the command.
    apparmorLoaded: undefined,
    loggingDriver: typeof info['LoggingDriver'] === 'string' ? info['LoggingDriver'] : undefined,
    volumes,
    ...(typeof rootDir === 'string' && rootDir !== '' ? { rootDir } : {}),
  };
  return { sub: 'run', items: [], policy: ctx.policy, facts, host: ctx.host, cwd: ctx.cwd, seccompFile, image: ref };
}

/** Each piece judged alone, as `sdocker run` judges the flag: refused ones are dropped, with the refusal's words. */
function judge(pieces: readonly Piece[], ref: string, base: RuleContext): { kept: Piece[]; lost: string[] } {
  const lost: string[] = [];
  const refused = new Set<Piece>();
  for (const piece of pieces) {
    const { refused: found } = checkRefusals({ ...base, items: invocation([...piece.words, ref]).flags.items });
    if (found.length === 0) continue;
    refused.add(piece);
    lost.push(...found.map((v) => refusalMessage(v).replace(/^sdocker: refusing /, 'dropped ')));
  }
  const keptWords = new Set(pieces.filter((p) => !refused.has(p)).map((p) => p.words.join('\0')));
  const kept = pieces.filter((p) => !refused.has(p) && (p.insteadOf === undefined || !keptWords.has(p.insteadOf.join('\0'))));
  return { kept, lost };
}

function invocation(words: readonly string[]): ContainerInvocation {
  const inv = parseInvocation(['run', '--detach', ...words]);
  if (inv.kind !== 'container') throw new Error(`sdocker: internal: a fix command did not parse as docker run: ${words.join(' ')}`);
  return inv;
}
