// The secretlint engine behind `audit`'s secret checks, loaded once and only when an image is
// audited (a dynamic import: `sdocker run` never pays for it). secretlint 11.x is the last major
// that runs on Node 20 (12.3+ needs Node 22).
//
// Its profiler is always on in 11.x, also in library use (secretlint issues 1633 and 1653; the
// switch `setEnabled` only arrived in 13.x with PR 1673): every lint marks start/end per rule
// in the global performance timeline, and an observer scans all earlier marks on each `::end`.
// Measured here: 20,000 small files left 160 MB of marks and kept the process busy for minutes
// after the last lint; with `mark` a no-op, 0.014 ms a file and a flat 8 MB heap. 11.x has no
// option or env for it, so the shared singleton's `mark` is replaced before the first lint.
// @secretlint/profiler is a direct dependency pinned to the version @secretlint/core pins, so
// both import the same instance.

type Lint = typeof import('@secretlint/core').lintSource;
type Config = Parameters<Lint>[0]['options']['config'];

interface Engine {
  readonly lint: Lint;
  readonly config: Config;
}

/** One match of a secretlint rule: where in the scanned text, and what it is. */
export interface RuleMatch {
  /** The rule's short name, e.g. `aws`, `github`, `privatekey`. */
  readonly rule: string;
  /** The rule's message id, e.g. `AWSSecretAccessKey`. */
  readonly what: string;
  readonly start: number;
  readonly end: number;
  /** 1-based line of the match in the scanned text. */
  readonly line: number;
}

let loading: Promise<Engine> | undefined;

async function loadEngine(): Promise<Engine> {
  const [core, preset, profiler] = await Promise.all([
    import('@secretlint/core'),
    import('@secretlint/secretlint-rule-preset-recommend'),
    import('@secretlint/profiler'),
  ]);
  profiler.secretLintProfiler.mark = () => undefined;
  const config: Config = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: preset.creator }] };
  return { lint: core.lintSource, config };
}

/** The engine, loaded on first use and reused by every later call. */
export function secretEngine(): Promise<Engine> {
  loading ??= loadEngine();
  return loading;
}

const RULE_PREFIX = '@secretlint/secretlint-rule-';

/**
 * The rules pick by file name: npm's by `package.json`/`.npmrc`, gcp's by extension. The path
 * given is the image's, never a host path: `noPhysicFilePath`, and no `.p12` extension, because
 * the gcp rule reads a `.p12` file back from disk by that path (it would read the host's file).
 */
export async function scanWithSecretlint(content: string, path: string): Promise<RuleMatch[]> {
  const engine = await secretEngine();
  const dot = path.lastIndexOf('.');
  const ext = dot > path.lastIndexOf('/') ? path.slice(dot) : '';
  const result = await engine.lint({
    source: { content, filePath: path, ext: ext === '.p12' ? '' : ext, contentType: 'text' },
    options: { config: engine.config, maskSecrets: true, noPhysicFilePath: true },
  });
  return result.messages.map((m) => {
    const [start, end] = m.messageId === 'AWSSecretAccessKey' ? awsKeyRange(content, m.range) : m.range;
    const rule = m.ruleId.startsWith(RULE_PREFIX) ? m.ruleId.slice(RULE_PREFIX.length) : m.ruleId;
    return { rule, what: m.messageId, start, end, line: m.loc.start.line };
  });
}

/**
 * The aws rule (11.7.1) reports its secret-key range from the start of `AWS_SECRET_ACCESS_KEY=`
 * with the key's length (index of the whole match, length of the captured key): the key itself
 * is the 40 key characters after the first `=`, `:` or `=>` from there, as the rule reads it.
 */
function awsKeyRange(content: string, [from]: readonly [number, number]): readonly [number, number] {
  const key = /(?::|=>|=)\s*["']?([A-Za-z0-9/+=]{40})/dg;
  key.lastIndex = from;
  const at = key.exec(content)?.indices?.[1];
  return at ?? [from, from + 40];
}
