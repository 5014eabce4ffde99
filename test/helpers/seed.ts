// The one source of random input for tests: a seeded generator. A run draws one seed (or takes
// SDOCKER_PROP_SEED) and every test derives its own stream from it and its title, so a failure
// repeats with the seed its log shows, whatever other tests ran beside it.
import test, { type ExecutionContext } from 'ava';
import { randomInt } from 'node:crypto';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Rnd = () => number;

/** mulberry32: small, seeded, good enough to spread cases. */
export function random(seed: number): Rnd {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

function seedFromEnv(): number {
  const given = process.env['SDOCKER_PROP_SEED'];
  if (given === undefined || given === '') return randomInt(2 ** 31);
  if (!/^\d{1,10}$/.test(given) || Number(given) >= 2 ** 32) throw new Error(`SDOCKER_PROP_SEED=${given} is not a seed; give a whole number below 2^32, as a test's log printed it`);
  return Number(given);
}

/** This process's seed: SDOCKER_PROP_SEED, else a fresh one. */
export const SEED = seedFromEnv();

/** FNV-1a over `text`, started from `seed`: a test's own seed from the run's seed and its title. */
export function derive(seed: number, text: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** How to run this test file again with `seed`. */
export function repeatLine(seed: number = SEED): string {
  const file = relative(process.cwd(), fileURLToPath(test.meta.file));
  return `seed ${seed}; repeat with SDOCKER_PROP_SEED=${seed} npx ava ${file}`;
}

/** The test's own generator, its seed logged with the command that repeats it. */
export function seeded(t: ExecutionContext): Rnd {
  t.log(repeatLine());
  return random(derive(SEED, t.title));
}

export function draw(rnd: Rnd, alphabet: string, length: number): string {
  return Array.from({ length }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
}

export function drawBytes(rnd: Rnd, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i += 1) bytes[i] = Math.floor(rnd() * 256);
  return bytes;
}

export function shuffle<T>(rnd: Rnd, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
