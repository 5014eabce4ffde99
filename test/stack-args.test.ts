// `docker stack deploy`'s argv read as docker 28 reads it: which argv sdocker takes (deploy and
// its alias up, after docker's globals and stack's own flags), which pass to docker untouched,
// the -c files as pflag's CSV splits them, STACK among interspersed flags, and help.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { parseInvocation } from '../src/docker/invocation.js';
import { DEPLOY_SUBS, DEPLOY_TABLE } from '../src/docker/stack.js';
import { mayNeedSdocker } from '../src/docker/words.js';
import { parseDeployArgs } from '../src/stack/args.js';
import { csvField, readCsv } from '../src/stack/csv.js';

const words = (line: string): string[] => line.split(' ').filter((w) => w !== '');

const TAKEN = [
  'stack deploy -c a.yml s',
  'stack up -c a.yml s',
  'stack deploy s -c a.yml',
  '--context default stack deploy -c a.yml s',
  '-H unix:///var/run/docker.sock stack up -c a.yml s',
  'stack --orchestrator swarm deploy -c a.yml s',
  'stack --orchestrator=all up -c a.yml s',
  'stack --sd-allow privileged deploy -c a.yml s',
  '--help stack deploy --help=false -c a.yml s',
];
for (const line of TAKEN) {
  test(`docker ${line}: hardened by sdocker`, (t) => {
    t.true(mayNeedSdocker(words(line)));
    const inv = parseInvocation(words(line));
    t.is(inv.kind, 'own');
    if (inv.kind === 'own') t.is(inv.args[0], 'stack');
  });
}

const PASSED = ['stack ls', 'stack rm s', 'stack ps deploy', 'stack services up', 'stack --orchestrator deploy ls', 'stack', 'stack config -c a.yml', 'ps --filter name=stack', 'service ls', 'service rm deploy', 'image ls', 'builder prune'];
for (const line of PASSED) {
  test(`docker ${line}: passed to docker`, (t) => {
    t.is(parseInvocation(words(line)).kind, 'pass');
  });
}

// Judged on their way to the engine (src/judge/passthrough.ts), with docker's globals.
for (const line of ['service create --name deploy alpine', 'service update --mount-add type=bind,src=/,dst=/h s', 'build .', 'image build -t x .', 'builder build .', 'buildx build .', '-H unix:///var/run/docker.sock build .']) {
  test(`docker ${line}: judged on the way`, (t) => {
    t.like(parseInvocation(words(line)), { kind: 'own' });
  });
}

test('an unknown flag where a deploy may follow fails closed; elsewhere docker judges it', (t) => {
  t.throws(() => parseInvocation(words('stack --bogus deploy -c a.yml s')), { message: /unknown flag --bogus for 'docker stack': sdocker cannot tell/ });
  t.throws(() => parseInvocation(words('--bogus stack deploy -c a.yml s')));
  t.is(parseInvocation(words('stack --bogus ls')).kind, 'pass');
});

function deployArgs(line: string) {
  const inv = parseInvocation(words(line));
  if (inv.kind !== 'own') throw new Error(`not taken: ${line}`);
  return parseDeployArgs(inv.args, inv.globals);
}

test('the files, STACK and the other words, each kept where it was written', (t) => {
  const args = deployArgs('stack --orchestrator swarm --sd-allow privileged up --prune -c a.yml,b.yml s --sd-allow=dangerous-cap:SYS_ADMIN -d=false --compose-file c.yml -q');
  t.is(args.sub, 'up');
  t.deepEqual(args.stackWords, ['--orchestrator', 'swarm']);
  t.deepEqual(args.files, ['a.yml', 'b.yml', 'c.yml']);
  t.deepEqual(args.otherWords, ['--prune', 's', '-d=false', '-q']);
  t.is(args.name, 's');
  t.deepEqual(args.allow, ['privileged', 'dangerous-cap:SYS_ADMIN']);
  t.false(args.help);
});

test('STACK: exactly one positional word, also after --', (t) => {
  t.is(deployArgs('stack deploy -c a.yml -- s').name, 's');
  t.deepEqual(deployArgs('stack deploy -c a.yml -- s').otherWords, ['--', 's']);
  t.is(deployArgs('stack deploy -c a.yml').name, undefined);
  t.is(deployArgs('stack deploy -c a.yml s extra').name, undefined);
  t.is(deployArgs('stack deploy -c a.yml -- s --help').help, false, 'after --, --help is a word');
});

test('help: the last --help/-h at any level decides, as cobra reads one flag for docker, stack and deploy', (t) => {
  t.true(deployArgs('--help stack deploy -c a.yml s').help);
  t.true(deployArgs('stack -h deploy -c a.yml s').help);
  t.true(deployArgs('stack deploy -c a.yml s --help').help);
  t.true(deployArgs('stack deploy --help=false --help=T -c a.yml s').help);
  t.false(deployArgs('--help stack deploy --help=false -c a.yml s').help);
  t.false(deployArgs('stack --help --help=0 deploy -c a.yml s').help);
  t.false(deployArgs('stack deploy --help=maybe -c a.yml s').help, 'docker rejects the value: hardened, never passed as help');
});

test('a -c clustered with other flags, an unknown flag and a misspelt rule are errors', (t) => {
  t.throws(() => deployArgs('stack deploy -qc a.yml s'), { message: /write -c on its own, not in '-qc a.yml'/ });
  t.throws(() => deployArgs('stack deploy --compose a.yml s'), { message: /unknown flag --compose for 'docker stack deploy'/ });
  t.throws(() => deployArgs('stack deploy --sd-allow privilegd -c a.yml s'), { message: /'privilegd' in --sd-allow is not a refusal rule/ });
});

test('a -c value is split as pflag splits a string slice (Go encoding/csv, one record)', (t) => {
  t.deepEqual(readCsv('', '-c'), []);
  t.deepEqual(readCsv('a.yml', '-c'), ['a.yml']);
  t.deepEqual(readCsv('a.yml,b.yml', '-c'), ['a.yml', 'b.yml']);
  t.deepEqual(readCsv('"a,b.yml",c.yml', '-c'), ['a,b.yml', 'c.yml']);
  t.deepEqual(readCsv('"a""b.yml"', '-c'), ['a"b.yml']);
  t.deepEqual(readCsv('a.yml,', '-c'), ['a.yml', '']);
  t.deepEqual(readCsv(' a.yml', '-c'), [' a.yml']);
  for (const bad of ['a"b.yml', '"a.yml', '"a"b', 'a.yml\nb.yml']) t.throws(() => readCsv(bad, '-c'), { message: /docker reads it as CSV/ });
  for (const name of ['/p/a.yml', '/p/a,b.yml', '/p/"q".yml']) t.deepEqual(readCsv(csvField(name), '-c'), [name]);
});

test("deploy's flag table and aliases against the docker client on PATH (a docker upgrade fails here, not in a misreading)", (t) => {
  const help = execFileSync('docker', ['stack', 'deploy', '--help'], { encoding: 'utf8' });
  const shown = [...help.matchAll(/^\s+(?:-(\w), )?--([\w-]+)(?: ([a-z]\w*))?\s/gm)].map((m) => ({ long: m[2] as string, short: m[1] ?? '', value: m[3] !== undefined }));
  t.true(shown.length >= 6, help);
  for (const flag of shown) {
    const spec = DEPLOY_TABLE.byLong.get(flag.long);
    t.is(spec?.short, flag.short, `--${flag.long}`);
    t.is(spec?.kind !== 'bool', flag.value, `--${flag.long} takes a value`);
  }
  // Not in the help: the deprecated --orchestrator, --help, and sdocker's own --sd-allow.
  const hidden = ['orchestrator', 'help', 'sd-allow'];
  t.deepEqual([...DEPLOY_TABLE.byLong.keys()].filter((long) => !hidden.includes(long) && !shown.some((f) => f.long === long)), []);
  const aliases = /Aliases:\n\s+(.*)\n/.exec(help)?.[1] ?? '';
  t.deepEqual(aliases.split(', ').map((alias) => alias.replace('docker stack ', '')).sort(), [...DEPLOY_SUBS].sort());
});
