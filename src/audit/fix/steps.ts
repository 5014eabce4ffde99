// How a container's fix is carried out without losing the old container before the new one
// runs: the old one is renamed (freeing its name), kept from restarting and stopped (freeing its
// ports, and its volumes from two writers), the new one is made under the old name, and the old
// one is removed only once the new one is up (running, or healthy when it has a health check).
// "Up" is healthy for a container with a health check, else still running, never restarted, a
// few seconds after it started (a crash loop under the new flags has restarted by then: the
// restart policy's backoff starts at 100 ms, moby restartmanager). Each step runs only if the
// one before it succeeded; the roll back puts the old one back.
// A container that was not running is re-created with `sdocker create`, not started.
// `docker rm` without -v: the old container's anonymous volumes stay (its data, for a roll back).
import { shellQuote } from '../../common/quote.js';
import type { FixStep, RawContainer } from '../types.js';

/** The name the old container is kept under; another is chosen when the snapshot shows it taken. */
export function keptName(name: string, taken: ReadonlySet<string>): string {
  for (let n = 1; ; n++) {
    const candidate = `${name}-sdocker-old${n === 1 ? '' : `-${n}`}`;
    if (!taken.has(candidate)) return candidate;
  }
}

export interface Replacement {
  readonly steps: readonly FixStep[];
  readonly rollback: readonly FixStep[];
  /** Said beside the steps: what they cannot do for this container. */
  readonly caveats: readonly string[];
}

export function replacementSteps(raw: RawContainer, command: readonly string[], old: string): Replacement {
  const name = raw.Name.replace(/^\//, '');
  const running = raw.State.Running;
  const policy = restartPolicy(raw);
  const autoRemove = (raw.HostConfig as { AutoRemove?: boolean }).AutoRemove === true;
  const health = hasHealthcheck(raw);
  const steps: FixStep[] = [{ argv: ['docker', 'rename', name, old], note: 'keep the old container under another name' }];
  // restart=always brings a stopped container back when dockerd restarts (docker run reference, "Restart policies").
  if (policy !== 'no' && !autoRemove) steps.push({ argv: ['docker', 'update', '--restart', 'no', old], note: 'so the engine does not start it again' });
  if (running) steps.push({ argv: ['docker', 'stop', old], note: 'free its ports, and its volumes for the new one' });
  steps.push({ argv: command, note: running ? 'the new container, hardened' : 'the new container, hardened, created but not started (as the old one was not running)' });
  if (running && health) steps.push({ argv: ['docker', 'container', 'inspect', '--format', '{{.State.Health.Status}}', name], until: 'healthy', note: 'wait until it is healthy' });
  if (running && !health) steps.push({ argv: ['docker', 'container', 'inspect', '--format', '{{.State.Status}} {{.RestartCount}}', name], expect: 'running 0', after: SETTLE_SECONDS, note: `check it still runs, never restarted, ${SETTLE_SECONDS} s later` });
  steps.push({ argv: ['docker', 'rm', old], note: 'remove the old container (its anonymous volumes stay)' });
  const rollback: FixStep[] = [
    // Only while the old one is kept: run too early, the next step would remove the old one itself.
    { argv: ['docker', 'container', 'inspect', '--format', '{{.Name}}', old], note: 'the old container is still there, under its kept name' },
    { argv: ['docker', 'rm', '--force', name], optional: true, note: 'remove the new container, if it was made' },
    { argv: ['docker', 'rename', old, name], note: 'give the old one its name back' },
  ];
  if (policy !== 'no' && !autoRemove) rollback.push({ argv: ['docker', 'update', '--restart', policy, name], note: 'its restart policy back' });
  if (running) rollback.push({ argv: ['docker', 'start', name], note: 'start it again' });
  const caveats = autoRemove && running ? [`it was started with --rm: stopping it removes it, so there is no roll back past the stop; keep its settings from this report`] : [];
  return { steps, rollback: autoRemove && running ? [] : rollback, caveats };
}

function restartPolicy(raw: RawContainer): string {
  const policy = (raw.HostConfig as { RestartPolicy?: { Name?: string; MaximumRetryCount?: number } }).RestartPolicy;
  const name = policy?.Name ?? '';
  if (name === '' || name === 'no') return 'no';
  return name === 'on-failure' && (policy?.MaximumRetryCount ?? 0) > 0 ? `on-failure:${policy?.MaximumRetryCount}` : name;
}

/** The new container keeps the old one's health check (the image's, or the one it was run with). */
function hasHealthcheck(raw: RawContainer): boolean {
  const test = raw.Config.Healthcheck?.Test ?? [];
  return test.length > 0 && test[0] !== 'NONE';
}

/** How long the printed wait for a health check polls before it gives up (and the steps after it do not run). */
export const WAIT_SECONDS = 120;
/** How long a container without a health check must have run, unrestarted, to count as up. */
export const SETTLE_SECONDS = 5;

/**
 * The steps as shell lines that can be pasted as they are: each ends in `&&`, so a failure stops
 * the rest; a wait polls once a second in a subshell, and fails after WAIT_SECONDS.
 */
export function renderSteps(steps: readonly FixStep[]): string[] {
  return steps.map((step, index) => {
    return index < steps.length - 1 ? `${stepLine(step)} &&` : stepLine(step);
  });
}

function stepLine(step: FixStep): string {
  const words = step.argv.map(shellQuote).join(' ');
  if (step.optional === true) return `{ ${words} || true; }`;
  if (step.until !== undefined) return `( n=0; until [ "$(${words})" = ${shellQuote(step.until)} ]; do n=$((n+1)); [ "$n" -lt ${WAIT_SECONDS} ] || exit 1; sleep 1; done )`;
  if (step.expect === undefined) return words;
  return `${step.after === undefined ? '' : `sleep ${step.after} && `}[ "$(${words})" = ${shellQuote(step.expect)} ]`;
}

/** The roll back on one line, its steps joined as the fix's are. */
export function renderRollback(steps: readonly FixStep[]): string {
  return steps.map(stepLine).join(' && ');
}
