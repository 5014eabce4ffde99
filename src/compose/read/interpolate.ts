// compose's variable interpolation, its whole grammar (compose-go template/template.go, the
// compose v1 subset in compose/config/interpolation.py): `$$`, `$VAR`, `${VAR}`, `${VAR:-d}`,
// `${VAR-d}`, `${VAR:+a}`, `${VAR+a}`, `${VAR:?err}`, `${VAR?err}`, defaults nested to any
// depth. Names are `[_a-zA-Z][_a-zA-Z0-9]*`; an unset variable is ''. A `$` before anything
// else is kept as written (compose-go's pattern does not match it; v1 refuses the file).

export type Env = Readonly<Record<string, string | undefined>>;

/** compose refuses the file: a required variable is missing, or a `${` is malformed. */
export class InterpolationError extends Error {}

/** A value compose could not interpolate; it stands in the tree where the string was. */
export class Unresolved {
  constructor(
    readonly text: string,
    readonly reason: string,
  ) {}
}

const NAME = /^[_a-zA-Z][_a-zA-Z0-9]*/;
/** Two-letter operators first: `${A:-x}` is `:-`, not `:` then `-`. */
const OPERATORS = [':-', ':+', ':?', '-', '+', '?'] as const;

/** `text` as compose interpolates it with `env`; throws InterpolationError where compose would refuse. */
export function interpolate(text: string, env: Env): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const at = text.indexOf('$', i);
    if (at === -1) return out + text.slice(i);
    out += text.slice(i, at);
    const next = text[at + 1];
    if (next === '$') {
      out += '$';
      i = at + 2;
    } else if (next === '{') {
      const close = closingBrace(text, at + 1);
      if (close === -1) throw new InterpolationError(`invalid interpolation format in '${text}': '\${' is not closed`);
      out += substitute(text.slice(at + 2, close), env, text);
      i = close + 1;
    } else {
      const name = NAME.exec(text.slice(at + 1))?.[0];
      out += name === undefined ? '$' : (env[name] ?? '');
      i = at + 1 + (name?.length ?? 0);
    }
  }
  return out;
}

/** Index of the `}` that closes the `{` at `open`, braces nested in defaults counted. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i += 1) {
    if (text[i] === '{') depth += 1;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

/** The inside of `${...}`: a name, then nothing or one operator and its operand (interpolated only when used). */
function substitute(inner: string, env: Env, whole: string): string {
  const name = NAME.exec(inner)?.[0];
  if (name === undefined) throw new InterpolationError(`invalid interpolation format in '${whole}': '\${${inner}}' names no variable`);
  const rest = inner.slice(name.length);
  const value = env[name];
  if (rest === '') return value ?? '';
  const op = OPERATORS.find((o) => rest.startsWith(o));
  if (op === undefined) throw new InterpolationError(`invalid interpolation format in '${whole}': '\${${inner}}'`);
  const operand = rest.slice(op.length);
  const empty = value === undefined || (op.startsWith(':') && value === '');
  if (op.endsWith('-')) return empty ? interpolate(operand, env) : (value ?? '');
  if (op.endsWith('+')) return empty ? (value ?? '') : interpolate(operand, env);
  if (empty) {
    const reason = interpolate(operand, env);
    throw new InterpolationError(`required variable ${name} is missing a value${reason === '' ? '' : `: ${reason}`}`);
  }
  return value ?? '';
}

/** Every string of a YAML value interpolated (keys are not, as in compose); a string compose would refuse becomes Unresolved. */
export function interpolateTree(value: unknown, env: Env): unknown {
  if (typeof value === 'string') {
    try {
      return interpolate(value, env);
    } catch (error) {
      if (error instanceof InterpolationError) return new Unresolved(value, error.message);
      throw error;
    }
  }
  if (Array.isArray(value)) return value.map((item) => interpolateTree(item, env));
  if (value !== null && typeof value === 'object' && !(value instanceof Unresolved)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateTree(item, env)]));
  }
  return value;
}
