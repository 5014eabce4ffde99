import test from 'ava';
import { CONTAINER_FLAGS, SDOCKER_FLAGS, indexFlags } from '../src/docker/flags.js';
import { parseInvocation } from '../src/docker/invocation.js';
import { parseFlags } from '../src/docker/parse.js';
import { SdockerError } from '../src/errors.js';

const RUN = indexFlags(CONTAINER_FLAGS, 'run', SDOCKER_FLAGS);

/** Parsed flags as `long=value` strings, and the rest. */
function summary(words: string[]): [string[], string[]] {
  const parsed = parseFlags(words, RUN, 'docker run');
  return [parsed.items.flatMap((item) => item.opts.map((opt) => `${opt.spec.long}=${opt.value}`)), [...parsed.rest]];
}

// pflag's forms, one line each: argv -> flags, rest.
const FORMS: [string[], string[], string[]][] = [
  [['--name', 'web', 'img'], ['name=web'], ['img']],
  [['--name=web', 'img'], ['name=web'], ['img']],
  [['--name=', 'img'], ['name='], ['img']],
  [['-p80:80', 'img'], ['publish=80:80'], ['img']],
  [['-p=80:80', 'img'], ['publish=80:80'], ['img']],
  [['-p', '80:80', 'img'], ['publish=80:80'], ['img']],
  [['-itd', 'img'], ['interactive=true', 'tty=true', 'detach=true'], ['img']],
  [['-dv', '/a:/b', 'img'], ['detach=true', 'volume=/a:/b'], ['img']],
  [['-itv/a:/b', 'img'], ['interactive=true', 'tty=true', 'volume=/a:/b'], ['img']],
  [['--rm=false', 'img'], ['rm=false'], ['img']],
  [['-d=false', 'img'], ['detach=false'], ['img']],
  [['--rm', 'img', '--privileged'], ['rm=true'], ['img', '--privileged']],
  [['--', 'img', '-x'], [], ['img', '-x']],
  [['-e', '-x', 'img'], ['env=-x'], ['img']],
  [['--net=host', 'img'], ['net=host'], ['img']],
  [['--sd-dry-run', '--sd-allow', 'privileged', 'img'], ['sd-dry-run=true', 'sd-allow=privileged'], ['img']],
  [['img', 'ls', '-la'], [], ['img', 'ls', '-la']],
  [['-', 'x'], [], ['-', 'x']],
];

for (const [argv, flags, rest] of FORMS) {
  test(`parses ${argv.join(' ')}`, (t) => {
    t.deepEqual(summary(argv), [flags, rest]);
  });
}

test('a cluster is one item keeping its words', (t) => {
  const parsed = parseFlags(['-itv', '/a:/b', 'img'], RUN, 'docker run');
  t.is(parsed.items.length, 1);
  t.deepEqual(parsed.items[0]?.words, ['-itv', '/a:/b']);
});

for (const argv of [['--bogus', 'img'], ['-Z', 'img'], ['-dZ', 'img'], ['--name']]) {
  test(`fails closed on ${argv.join(' ')}`, (t) => {
    const error = t.throws(() => parseFlags(argv, RUN, 'docker run'), { instanceOf: SdockerError });
    t.is(error?.exitCode, 125);
    t.regex(error?.message ?? '', /^sdocker: (unknown flag|flag needs an argument)/);
  });
}

test('create has no --detach, as docker', (t) => {
  t.throws(() => parseInvocation(['create', '-d', 'img']), { message: /unknown flag -d/ });
});

// Which command an argv is.
const KINDS: [string[], 'pass' | 'container' | 'exec' | 'own'][] = [
  [['ps', '-a'], 'pass'],
  [['run', 'img'], 'container'],
  [['container', 'run', 'img'], 'container'],
  [['container', 'create', 'img'], 'container'],
  [['-H', 'unix:///x', 'run', 'img'], 'container'],
  [['--context=default', '--debug', 'create', 'img'], 'container'],
  [['exec', '-it', 'c', 'sh'], 'exec'],
  [['container', 'exec', 'c', 'sh'], 'exec'],
  [['run', '--help'], 'pass'],
  [['run'], 'pass'],
  [['--help'], 'pass'],
  [['--version'], 'pass'],
  [['image', 'ls'], 'pass'],
  [['logs', '-f', 'run'], 'pass'],
  [['shell-init', 'bash'], 'own'],
  [['--sd-help'], 'own'],
];

for (const [argv, kind] of KINDS) {
  test(`${argv.join(' ')} is ${kind}`, (t) => {
    t.is(parseInvocation(argv).kind, kind);
  });
}

test('an unknown global flag before run fails closed; elsewhere it goes to docker', (t) => {
  t.throws(() => parseInvocation(['--newflag', 'run', 'img']), { instanceOf: SdockerError });
  t.is(parseInvocation(['--newflag', 'ps']).kind, 'pass');
});

test('image and command are split at the first positional word', (t) => {
  const inv = parseInvocation(['-H', 'unix:///x', 'run', '--rm', '-e', 'A=1', 'img:1', 'ls', '--privileged']);
  if (inv.kind !== 'container') return t.fail();
  t.is(inv.image, 'img:1');
  t.deepEqual(inv.args, ['ls', '--privileged']);
  t.deepEqual(inv.globals.flatMap((item) => item.words), ['-H', 'unix:///x']);
});
