// Property: over many generated command lines in every pflag form, parsing keeps each option's
// meaning, re-rendering is lossless, and hardening keeps the user's options and the container's
// command byte for byte (only sdocker's documented port rewrite changes a user word).
import test from 'ava';
import { CONTAINER_FLAGS, indexFlags, type FlagSpec } from '../src/docker/flags.js';
import { parseInvocation } from '../src/docker/invocation.js';
import { planContainer } from '../src/planner/plan.js';
import type { RuleContext } from '../src/policy/context.js';
import { loadPolicy } from '../src/policy/load.js';
import { random } from './helpers/spellings.js';

const CASES = 600;
const TABLE = indexFlags(CONTAINER_FLAGS, 'run');
// --help makes docker print help instead of running: it is passed through, not hardened.
const SPECS = [...TABLE.byLong.values()].filter((spec) => spec.long !== 'help');

const PIECES = ['a', 'Z', '0', '9', '-', '--', '=', ':', '/', ',', ' ', '"', "'", '$', '*', 'é', '雪', '\t', 'host', 'ALL', 'privileged'];

function word(rnd: () => number, max = 4): string {
  return Array.from({ length: Math.floor(rnd() * max) }, () => PIECES[Math.floor(rnd() * PIECES.length)]).join('');
}

interface Generated {
  argv: string[];
  opts: string[];
  image: string;
  args: string[];
}

/** One flag written in a random form docker accepts; returns words and `long=value` meanings. */
function writeFlag(rnd: () => number, spec: FlagSpec): [string[], string[]] {
  if (spec.kind === 'bool') {
    const value = ['true', 'false'][Math.floor(rnd() * 2)] as string;
    const forms: [string[], string][] = [[[`--${spec.long}`], 'true'], [[`--${spec.long}=${value}`], value]];
    if (spec.short !== '') forms.push([[`-${spec.short}`], 'true'], [[`-${spec.short}=${value}`], value]);
    const [words, meant] = forms[Math.floor(rnd() * forms.length)] as [string[], string];
    return [words, [`${spec.long}=${meant}`]];
  }
  const value = word(rnd);
  const forms: string[][] = [[`--${spec.long}`, value], [`--${spec.long}=${value}`]];
  if (spec.short !== '') {
    forms.push([`-${spec.short}`, value]);
    // `-h=` means "=" to pflag (shorthand + '=' needs a third character), so only a non-empty value.
    if (value !== '') forms.push([`-${spec.short}=${value}`]);
    if (value !== '' && !value.startsWith('=')) forms.push([`-${spec.short}${value}`]);
  }
  return [forms[Math.floor(rnd() * forms.length)] as string[], [`${spec.long}=${value}`]];
}

/** A cluster of bool shorthands, optionally ending in a value shorthand (`-itd`, `-dp80:80`, `-itv /a:/b`). */
function writeCluster(rnd: () => number): [string[], string[]] {
  const bools = SPECS.filter((s) => s.kind === 'bool' && s.short !== '');
  const values = SPECS.filter((s) => s.kind !== 'bool' && s.short !== '');
  const chosen = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => bools[Math.floor(rnd() * bools.length)] as FlagSpec);
  let cluster = `-${chosen.map((s) => s.short).join('')}`;
  const meant = chosen.map((s) => `${s.long}=true`);
  if (rnd() < 0.5) return [[cluster], meant];
  const last = values[Math.floor(rnd() * values.length)] as FlagSpec;
  const value = word(rnd) || 'v';
  cluster += last.short;
  return rnd() < 0.5 ? [[cluster, value], [...meant, `${last.long}=${value}`]] : [[`${cluster}${value.startsWith('=') ? `=${value}` : value}`], [...meant, `${last.long}=${value}`]];
}

function generate(rnd: () => number): Generated {
  const argv: string[] = [];
  const opts: string[] = [];
  for (let i = Math.floor(rnd() * 8); i > 0; i -= 1) {
    const [words, meant] = rnd() < 0.2 ? writeCluster(rnd) : writeFlag(rnd, SPECS[Math.floor(rnd() * SPECS.length)] as FlagSpec);
    argv.push(...words);
    opts.push(...meant);
  }
  if (rnd() < 0.2) argv.push('--');
  const image = `img${word(rnd, 2).replace(/^-+/, '')}`;
  const args = Array.from({ length: Math.floor(rnd() * 5) }, () => ['--privileged', '-v', '--', '', '--net=host', word(rnd)][Math.floor(rnd() * 6)] as string);
  return { argv: [...argv, image, ...args], opts, image, args };
}

function meanings(argv: readonly string[]) {
  const inv = parseInvocation(['run', ...argv]);
  if (inv.kind !== 'container') throw new Error(`not a container run: ${JSON.stringify(argv)}`);
  return { inv, opts: inv.flags.items.flatMap((item) => item.opts.map(meaning)) };
}

test('parsing keeps every option, the image and the command; rendering is lossless', (t) => {
  const rnd = random(20261122);
  for (let n = 0; n < CASES; n += 1) {
    const case_ = generate(rnd);
    const { inv, opts } = meanings(case_.argv);
    const context = JSON.stringify(case_.argv);
    t.deepEqual(opts, case_.opts, context);
    t.is(inv.image, case_.image, context);
    t.deepEqual(inv.args, case_.args, context);
    const rendered = [...inv.flags.items.flatMap((i) => i.words), ...(inv.flags.dashdash ? ['--'] : []), ...inv.flags.rest];
    t.deepEqual(rendered, case_.argv, context);
  }
});

test('hardening keeps the user options and the container command byte for byte', async (t) => {
  const rnd = random(42);
  const { policy } = await loadPolicy({ profile: 'default', env: {}, cwd: '/', cliAllow: [] });
  for (let n = 0; n < CASES; n += 1) {
    const case_ = generate(rnd);
    const { inv } = meanings(case_.argv);
    if (inv.kind !== 'container') continue;
    const ctx: RuleContext = {
      sub: 'run',
      items: inv.flags.items,
      policy,
      facts: { image: { user: '', exposedPorts: ['80/tcp'] }, apparmor: false, apparmorLoaded: false, loggingDriver: 'json-file' },
      host: { realpath: (p) => p, kind: () => 'missing', engineSocket: '/run/docker.sock' },
      cwd: '/work',
      seccompFile: '/x/seccomp.json',
    };
    const plan = planContainer(inv, ctx);
    const after = meanings(plan.argv.slice(1));
    const context = JSON.stringify(case_.argv);
    t.is(after.inv.image, case_.image, context);
    t.deepEqual(after.inv.args, case_.args, context);
    // Every user option survives in order, then sdocker's additions follow.
    const expected = [...inv.flags.items.flatMap((item, i) => {
      const rewrite = plan.rewrites.find((r) => r.item === i);
      return rewrite === undefined ? item.opts.map(meaning) : optionsOf(rewrite.words);
    }), ...plan.additions.flatMap((a) => optionsOf(a.words))];
    t.deepEqual(after.opts, expected, context);
    // A rewrite changes ports, or appends the injected user's owner to a tmpfs: its item's
    // other options, and the tmpfs options the user wrote, are kept as they were.
    for (const rewrite of plan.rewrites) {
      const notPorts = (o: string): boolean => !o.startsWith('publish=') && !/^publish-all=(?!false$)/.test(o);
      const before = (inv.flags.items[rewrite.item]?.opts ?? []).map(meaning).filter(notPorts);
      const after = optionsOf(rewrite.words).filter(notPorts);
      t.is(after.length, before.length, context);
      after.forEach((o, i) => {
        const was = before[i] ?? '';
        t.true(o === was || (was.startsWith('tmpfs=') && o.startsWith(was) && /^[:,]?uid=65534,gid=65534$/.test(o.slice(was.length))), context);
      });
    }
  }
});

function meaning(opt: { spec: FlagSpec; value: string }): string {
  return `${opt.spec.long}=${opt.value}`;
}

/** The options some words mean to docker run. */
function optionsOf(words: readonly string[]): string[] {
  return meanings([...words, 'x']).opts;
}
