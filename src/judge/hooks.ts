// The judging socket's hooks for containers: a creation is passed to the engine, the container
// it made is read back and judged (judge.ts), and a refused one is removed with its anonymous
// volumes (and a named volume its creation made) before the client hears a refusal; a start of
// a container this session did not judge (one made before, compose's `up` of an existing
// project) is judged first and refused without touching the container. Each refusal is said on
// stderr in sdocker's words; the client prints the engine error that follows.
import type { RawContainer } from '../audit/types.js';
import { refusalMessage } from '../policy/refusals.js';
import type { EngineAsk } from './gather.js';
import { gatherMade } from './gather.js';
import { judgeMade, type Made, type Setting, type Verdict } from './judge.js';
import type { Answer, Held, Hooks } from './proxy.js';

/** What the client prints after "Error response from daemon: ". */
export const REFUSED_REPLY = 'sdocker refused this container (the reason is above)';

export interface JudgeOptions {
  /** Rewrite a creation's body before the engine gets it (compose: a private cgroup namespace). */
  readonly create?: (body: Buffer, held: Held, setting: Setting) => Buffer;
  /** The refusals a container may lift, when they depend on it (a compose service's allow list). */
  readonly allowFor?: (raw: RawContainer) => readonly string[];
}

export class ContainerJudge implements Hooks {
  /** Containers judged and let through, by id, in order. */
  readonly admitted: string[] = [];
  /** The refusal messages said. */
  readonly refusals: string[] = [];
  private readonly passed = new Set<string>();
  private setting: Promise<Setting> | undefined;

  /** `settingOf`: what the judge needs from the engine and the policy, asked when the first request is held (a client that makes nothing costs nothing). */
  constructor(
    private readonly ask: EngineAsk,
    private readonly settingOf: () => Promise<Setting>,
    private readonly say: (text: string) => void,
    private readonly options: JudgeOptions = {},
  ) {}

  holds(method: string, route: string): boolean {
    return method === 'POST' && (route === '/containers/create' || /^\/containers\/[^/]+\/start$/.test(route));
  }

  async handle(held: Held): Promise<Answer> {
    if (held.route === '/containers/create') return this.create(held);
    const ref = decodeURIComponent(held.route.split('/')[2] ?? '');
    const made = this.passed.has(ref) ? undefined : await gatherMade(this.ask, ref);
    if (made !== undefined && !this.passed.has(made.raw.Id)) {
      const verdict = await this.verdict(made);
      if (verdict.refused.length > 0) return this.refuse(verdict);
      this.pass(made.raw.Id);
    }
    return held.forward();
  }

  private async create(held: Held): Promise<Answer> {
    const setting = await this.currentSetting();
    const reply = await held.forward(this.options.create?.(held.body, held, setting) ?? held.body);
    if (reply.status !== 201) return reply;
    const id = (JSON.parse(reply.body) as { Id: string }).Id;
    const made = await gatherMade(this.ask, id);
    if (made === undefined) return reply;
    const verdict = await this.verdict(made);
    if (verdict.refused.length === 0) {
      this.pass(id);
      return reply;
    }
    await this.remove(id, made.raw.Created, made.raw.Mounts.flatMap((m) => (m.Type === 'volume' && m.Name !== undefined ? [m.Name] : [])));
    return this.refuse(verdict);
  }

  private currentSetting(): Promise<Setting> {
    this.setting ??= this.settingOf();
    return this.setting;
  }

  private async verdict(made: Made): Promise<Verdict> {
    const setting = await this.currentSetting();
    const allow = this.options.allowFor?.(made.raw);
    return judgeMade(made, allow === undefined ? setting : { ...setting, policy: { ...setting.policy, allow: [...allow] } });
  }

  private pass(id: string): void {
    this.passed.add(id);
    this.admitted.push(id);
  }

  private refuse(verdict: Verdict): Answer {
    const lines = verdict.refused.map(refusalMessage);
    this.refusals.push(...lines);
    this.say(`${lines.join('\n')}\n`);
    return { refuse: REFUSED_REPLY };
  }

  /**
   * The container and its anonymous volumes; then each named volume that is no older than the
   * container (its creation made it: docker creates a missing named volume) and that no other
   * container uses (the engine refuses to remove one in use).
   */
  private async remove(id: string, created: string | undefined, volumes: readonly string[]): Promise<void> {
    await this.ask.call('DELETE', `/containers/${id}?force=1&v=1`);
    const since = Date.parse(created ?? '') - 1000;
    for (const name of volumes) {
      const volume = await this.ask.get<{ CreatedAt?: string }>(`/volumes/${encodeURIComponent(name)}`);
      if (volume !== undefined && Date.parse(volume.CreatedAt ?? '') >= since) await this.ask.call('DELETE', `/volumes/${encodeURIComponent(name)}`);
    }
  }
}
