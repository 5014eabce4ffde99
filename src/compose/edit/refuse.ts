// Dangerous compose settings, found by the same refusal checks as `sdocker run`: each setting
// is written as the docker run option it becomes (settings.ts: after interpolation, `extends`,
// `volumes_from` and `service:` namespaces) and checked on its own, so a finding points at the
// line that holds it, or at the line that brings it in.
import { swapSettings } from '../read/swap-settings.js';
import { dirname } from 'node:path';
import { CONTAINER_FLAGS, indexFlags } from '../../docker/flags.js';
import type { Item } from '../../docker/parse.js';
import { UNKNOWN_FACTS, type RuleContext, type HostFacts } from '../../policy/context.js';
import { readOnlyNote } from '../../policy/mounts.js';
import { findDeviceWarnings } from '../../policy/devices.js';
import { findReadOnlyBinds, findViolations, isAllowed, refusalMessage, type Violation } from '../../policy/refusals.js';
import type { Path } from '../../yaml/index.js';
import type { EngineView } from '../read/engine-facts.js';
import type { ComposeProject } from '../read/project.js';
import { serviceSettings, type Problem, type Setting } from '../read/settings.js';
import type { ServiceView } from '../keys/types.js';
import { composeFix, composeWhat } from '../read/wording.js';

const TABLE = indexFlags(CONTAINER_FLAGS, 'run');

export interface ServiceRefusal {
  readonly violation: Violation;
  readonly path: Path;
  readonly allowed: boolean;
  readonly message: string;
}

export interface ServiceJudgement {
  readonly refusals: readonly ServiceRefusal[];
  /** Volumes allowed only because they are read-only, below a system folder: one note each. */
  readonly notes: readonly { path: Path; message: string }[];
  /** Devices allowed with what they give (rule host-device). */
  readonly warnings: readonly { path: Path; message: string }[];
  /** What compose itself would refuse, and what cannot be judged without the engine. */
  readonly problems: readonly Problem[];
}

/** The rule context of one setting, as if it were the only option of a docker run. */
function settingContext(service: ServiceView, file: string, setting: Setting, host: HostFacts, engine?: EngineView): RuleContext | undefined {
  if (!('flag' in setting)) return undefined;
  const spec = TABLE.byLong.get(setting.flag);
  if (spec === undefined) return undefined;
  const item: Item = { words: [], opts: [{ spec, value: setting.value }] };
  const facts = engine === undefined ? UNKNOWN_FACTS : { ...UNKNOWN_FACTS, inherited: engine.inherited };
  return { sub: 'run', items: [item], policy: service.policy, facts, host, cwd: dirname(file), seccompFile: '' };
}

/** How a refusal says it may be lifted: harden's words by default, `sdocker compose` gives its own (run.ts). */
export type AllowHint = (rule: string) => string;

export const HARDEN_HINT: AllowHint = (rule) => `allow it: x-sdocker: {allow: [${rule}]} on the service, or --allow ${rule}`;

/** Judge one service under its own allow list: a danger it inherits is refused unless allowed for it. */
export function judgeService(service: ServiceView, project: ComposeProject, host: HostFacts, allow: readonly string[], engine?: EngineView, hint: AllowHint = HARDEN_HINT): ServiceJudgement {
  const all = serviceSettings(project, service.name, engine);
  // A setting written in a file merged beneath this one is that file's to report (ComposeProject beneath).
  const settings = all.settings.filter((setting) => setting.layered !== true);
  const problems = all.problems.filter((problem) => problem.layered !== true);
  const refusals = settings.flatMap((setting) => {
    const ctx = settingContext(service, project.file, setting, host, engine);
    const found = 'violation' in setting ? [setting.violation] : ctx === undefined ? [] : findViolations(ctx);
    return found.map((violation) => {
      const what = inWords(violation.what, setting);
      const shown = { ...violation, what: setting.origin === undefined ? what : `${what}, ${setting.origin}`, fix: composeFix(violation.fix) };
      return {
        violation,
        path: setting.path,
        allowed: isAllowed(violation, allow),
        message: composeRefusalMessage(shown, hint),
      };
    });
  });
  const swaps = swapSettings(service.name, project, host, service.policy, engine).filter(({ place }) => place.layered !== true).map(({ violation, place }) => ({ violation, path: place.path, allowed: isAllowed(violation, allow), message: composeRefusalMessage({ ...violation, what: place.origin === undefined ? violation.what : `${violation.what}, ${place.origin}` }, hint) }));
  refusals.push(...swaps);
  const notes = settings.flatMap((setting) => {
    const ctx = settingContext(service, project.file, setting, host);
    return (ctx === undefined ? [] : findReadOnlyBinds(ctx)).map(({ what, folder }) => ({
      path: setting.path,
      message: readOnlyNote(setting.origin === undefined ? inWords(what, setting) : `${inWords(what, setting)}, ${setting.origin}`, folder),
    }));
  });
  // Devices given that are not refused: one warning each, saying what the device gives.
  const warnings = settings.flatMap((setting) => {
    const ctx = settingContext(service, project.file, setting, host);
    return (ctx === undefined ? [] : findDeviceWarnings(ctx)).map((message) => ({ path: setting.path, message }));
  });
  return { refusals, notes, warnings, problems };
}

/** The docker option a check read, said as the file's key and value. */
function inWords(what: string, setting: Setting): string {
  return 'flag' in setting && setting.shown !== undefined ? composeWhat(what, setting.flag, setting.value, setting.shown) : what;
}

/** A refusal in compose's words: the allow goes on the service or on the command line (`hint`). */
export function composeRefusalMessage(violation: Violation, hint: AllowHint = HARDEN_HINT): string {
  return refusalMessage(violation).replace(/, or --sd-allow (\S+)$/, (_, rule: string) => `, or ${hint(rule)}`);
}
