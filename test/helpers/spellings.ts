// The ways docker's CLI lets one option be written (spf13/pflag flag.go parseLongArg,
// parseSingleShortArg; docker/cli opts/mount.go and opts/network.go read CSV with
// encoding/csv, so a field may be quoted), and the seeded chance behind every choice.

import { random, shuffle, type Rnd } from './seed.js';

export { random, shuffle, type Rnd };

export function pick<T>(rnd: Rnd, items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)] as T;
}

/** A value flag in one of pflag's forms: `--f v`, `--f=v`, `-s v`, `-s=v`, `-sv`. */
export function valueFlag(rnd: Rnd, longs: readonly string[], short: string, value: string): string[] {
  const long = pick(rnd, longs);
  const forms: string[][] = [[`--${long}`, value], [`--${long}=${value}`]];
  if (short !== '') {
    forms.push([`-${short}`, value]);
    // `-s=` with nothing after it is read by pflag as the value "="; `-sV` needs a value.
    if (value !== '') forms.push([`-${short}=${value}`], [`-${short}${value}`]);
  }
  return pick(rnd, forms);
}

/** A bool flag set to true in one of the spellings strconv.ParseBool reads as true. */
export function trueFlag(rnd: Rnd, long: string): string[] {
  return [pick(rnd, [`--${long}`, `--${long}=true`, `--${long}=1`, `--${long}=t`, `--${long}=T`, `--${long}=TRUE`, `--${long}=True`])];
}

export function falseFlag(rnd: Rnd, long: string): string[] {
  return [pick(rnd, [`--${long}=false`, `--${long}=0`, `--${long}=f`, `--${long}=F`, `--${long}=FALSE`, `--${long}=False`])];
}

/** A word in a random mix of upper and lower case. */
export function anyCase(rnd: Rnd, word: string): string {
  const r = rnd();
  if (r < 0.3) return word.toLowerCase();
  if (r < 0.6) return word.toUpperCase();
  return [...word].map((c) => (rnd() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join('');
}

/**
 * A lower-case word as docker folds it with Go's strings.ToLower: random ASCII case, and at
 * times İ (U+0130) for i and K (U+212A, Kelvin) for k, which Go lowers to plain i and k
 * (JavaScript lowers İ to i and a combining dot).
 */
export function goCase(rnd: Rnd, word: string): string {
  return [...anyCase(rnd, word)].map((c) => (c.toLowerCase() === 'i' && rnd() < 0.25 ? '\u0130' : c.toLowerCase() === 'k' && rnd() < 0.25 ? '\u212a' : c)).join('');
}

/** CSV fields joined, some of them quoted as encoding/csv allows. */
export function csv(rnd: Rnd, fields: readonly string[]): string {
  return shuffleKeepFirst(rnd, fields)
    .map((field) => (rnd() < 0.2 && !field.includes('"') ? `"${field}"` : field))
    .join(',');
}

/** Field order does not matter to docker's mount parser; keep the first where it reads better. */
function shuffleKeepFirst(rnd: Rnd, fields: readonly string[]): string[] {
  return rnd() < 0.5 ? [...fields] : shuffle(rnd, fields);
}

/** A path written another way that names the same place: `/etc/`, `/etc/.`, `//etc`, `/etc/../etc`. */
export function respell(rnd: Rnd, path: string, file = false): string {
  if (path === '/') return pick(rnd, ['/', '//', '/.', '/./', '/etc/..', '/tmp/../']);
  const last = path.split('/').at(-1) ?? '';
  const anywhere = [path, path, `/${path}`, `/tmp/..${path}`, path.replace(/\//g, '//'), path.replace(/\/([^/]*)$/, '/./$1')];
  return pick(rnd, file ? anywhere : [...anywhere, `${path}/`, `${path}/.`, `${path}/../${last}`]);
}
