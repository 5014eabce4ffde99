import test from 'ava';
import { CONTAINER_FLAGS, SDOCKER_FLAGS, indexFlags } from '../src/docker/flags.js';
import { parseInvocation } from '../src/docker/invocation.js';
import { readMount, type MountFields } from '../src/docker/mount.js';
import { parseFlags } from '../src/docker/parse.js';
import { volumeOfMount } from '../src/docker/volumes.js';
import { SdockerError } from '../src/common/errors.js';

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
  [['run', '--help', 'img'], 'pass'],
  [['run', '--help=true', 'img'], 'pass'],
  [['run', '--help=false', 'img'], 'container'],
  [['run', '--help=0', 'img'], 'container'],
  [['create', '--help', '--help=False', 'img'], 'container'],
  [['run', '--help=maybe', 'img'], 'container'],
  [['--help', 'run', 'img'], 'container'],
  [['--version', 'create', 'img'], 'container'],
  [['-v', 'container', 'run', 'img'], 'container'],
  [['--version=false', 'run', 'img'], 'container'],
  [['exec', '--help=false', 'c', 'sh'], 'exec'],
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

// --mount as docker/cli opts/mount.go reads it (measured on docker 28.2 with docker inspect).
const MOUNTS: [text: string, read: Partial<MountFields>][] = [
  ['TYPE=BIND,SRC=/etc,DST=/x', { type: 'bind', source: '/etc', target: '/x', readOnly: false }],
  ['Type=Bind,Source=/s,Target=/x,ReadOnly', { type: 'bind', source: '/s', readOnly: true }],
  ['type=bind,source=/home/me,src=/,target=/x', { source: '/' }],
  ['type=bind,target=/x,source=/\n,source=/home/me', { source: '/' }],
  ['type=bind,target=/x,source=/\r\n,source=/home/me', { source: '/' }],
  ['\n\ntype=bind,target=/x,source=/', { type: 'bind', source: '/' }],
  ['type=bind,target=/x,"source=/etc",readonly=T', { source: '/etc', readOnly: true }],
  ['type=bind,target=/x,"source=/a,""b""",ro=True,readonly=0', { source: '/a,"b"', readOnly: false }],
  ['type=bind,src=/a,target=/x,readonly,bind-recursive=writable', { readOnly: true, recursiveWritable: true }],
  ['type=bind,src=/a,target=/x,readonly,bind-recursive=WRITABLE', { recursiveWritable: false }],
  ['target=/x,src=named', { type: 'volume', source: 'named' }],
  ['TYPE=VOLUME,SRC=named,DST=/x,RO', { type: 'volume', source: 'named', readOnly: true }],
];

for (const [text, read] of MOUNTS) {
  test(`--mount ${JSON.stringify(text)}`, (t) => {
    t.like(readMount(text), read);
  });
}

test('named volumes in --mount agree with docker in any case', (t) => {
  t.deepEqual(volumeOfMount('TYPE=VOLUME,SRC=data,DST=/x,ReadOnly=t'), { name: 'data', target: '/x', readOnly: true });
  t.is(volumeOfMount('type=bind,src=/data,dst=/x'), undefined);
});
