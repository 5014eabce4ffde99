// The dry run as a user reads it (100 columns, a refused command not runnable) and as a script
// reads it (--sd-dry-run=json): the same plan a real run would execute.
import test from 'ava';
import { FAKE_DOCKER, runCli } from './helpers/cli.js';
import { dockerArgv, runMain } from './helpers/fakes.js';

const NGINX = { images: { nginx: { user: '', exposedPorts: ['80/tcp'] } } };

/** Lines of the report that sdocker lays out itself: not the command, not a header, not a message. */
function laidOut(stdout: string): string[] {
  return stdout.split('\n').filter((line) => !/^(docker |# |  sdocker: )/.test(line));
}

test('dry run layout: each flag line and each wrapped reason fits 100 columns, three tmpfs mounts included', async (t) => {
  const result = await runMain(['run', '--sd-dry-run', 'nginx'], NGINX);
  t.is(result.code, 0, result.stderr);
  const long = laidOut(result.stdout).filter((line) => line.length > 100);
  t.deepEqual(long, []);
  // The three mounts, each on its own line, then their one reason, indented below.
  t.regex(result.stdout, /^ {2}--tmpfs \/tmp:\S+\n {2}--tmpfs \/var\/cache\/nginx:\S+\n {2}--tmpfs \/var\/run:\S+\n {6}tmpfs \(CIS 5\.13\): /m);
  // Short flags of one rule share a line.
  t.regex(result.stdout, /^ {2}--memory 512m --memory-swap 512m\n {6}memory \(CIS 5\.11\)/m);
});

test('a refused dry run comments its command out and names the refusal; exit 125 and nothing run, as before', async (t) => {
  const refused = await runMain(['run', '--sd-dry-run', '--privileged', '--pid', 'host', 'alpine', 'ls']);
  t.is(refused.code, 125);
  t.deepEqual(refused.runs, []);
  t.deepEqual(refused.engine.created, []);
  t.regex(refused.stdout, /^# refused \(privileged, host-pid; see below\), not runnable: docker run --privileged --pid host .* alpine ls$/m);
  t.notRegex(refused.stdout, /^docker /m, 'no line a shell would run');
  // The same path prints a runnable command when nothing is refused.
  const allowed = await runMain(['run', '--sd-dry-run', '--sd-allow', 'privileged', '--privileged', 'alpine', 'ls']);
  t.is(allowed.code, 0);
  t.regex(allowed.stdout, /^docker run --privileged .* alpine ls$/m);
});

test("a dry run the strict profile stops (no AppArmor on the engine) is not runnable either", async (t) => {
  const result = await runMain(['run', '--sd-dry-run', '--sd-profile', 'strict', 'alpine']);
  t.is(result.code, 125);
  t.regex(result.stdout, /^# refused \(apparmor; see below\), not runnable: docker run /m);
});

test('--sd-dry-run=json: the plan a real run executes, with every reason; stable keys', async (t) => {
  const dry = await runMain(['run', '--sd-dry-run=json', '-p', '8080:80', '--tmpfs', '/www', 'nginx'], NGINX);
  t.is(dry.code, 0, dry.stderr);
  t.deepEqual(dry.runs, []);
  const plan = JSON.parse(dry.stdout) as Record<string, unknown> & { argv: string[]; additions: { rule: string; words: string[]; cis: string; why: string }[]; rewrites: { rule: string; words: string[] }[] };
  t.deepEqual(Object.keys(plan), ['version', 'runnable', 'argv', 'additions', 'rewrites', 'refusals', 'allowed', 'notices', 'network', 'links', 'policy', 'engine']);
  t.is(plan['runnable'], true);
  const real = await runMain(['run', '-p', '8080:80', '--tmpfs', '/www', 'nginx'], NGINX);
  t.deepEqual(plan.argv, ['docker', ...dockerArgv(real)]);
  t.deepEqual(plan.additions[0], { rule: 'cap-drop', words: ['--cap-drop', 'ALL'], cis: '5.4', why: plan.additions[0]?.why ?? '' });
  t.regex(plan.additions[0]?.why ?? '', /capabilities/);
  t.deepEqual(plan.rewrites.map((r) => [r.rule, r.words]), [['tmpfs', ['--tmpfs', '/www:uid=101,gid=101']], ['loopback-ports', ['-p', '127.0.0.1:8080:80']]]);
  t.deepEqual(plan['network'], { name: 'sdocker', state: 'would be created' });
  t.like(plan['policy'], { imageProfile: { name: 'nginx' } });
  t.deepEqual(plan['engine'], { asked: true, error: null });
});

test('--sd-dry-run=json of a refused run: the refusals with the word --sd-allow takes; exit 125', async (t) => {
  const dry = await runMain(['run', '--sd-dry-run=json', '--cap-add', 'SYS_ADMIN', 'alpine']);
  t.is(dry.code, 125);
  const plan = JSON.parse(dry.stdout) as { runnable: boolean; refusals: { rule: string; detail: string | null; what: string; allow: string; message: string }[] };
  t.false(plan.runnable);
  t.is(plan.refusals.length, 1);
  t.like(plan.refusals[0], { rule: 'dangerous-cap', detail: 'SYS_ADMIN', allow: 'dangerous-cap:SYS_ADMIN' });
  t.regex(plan.refusals[0]?.message ?? '', /^sdocker: refusing --cap-add SYS_ADMIN: .*--sd-allow dangerous-cap:SYS_ADMIN$/);
  const unreachable = await runMain(['run', '--sd-dry-run=json', 'alpine'], { unreachable: true });
  t.like(JSON.parse(unreachable.stdout), { engine: { asked: false }, runnable: true });
});

test('--sd-dry-run takes a bool word or json; anything else is a usage error before anything is asked', async (t) => {
  const bad = await runMain(['run', '--sd-dry-run=yaml', 'alpine']);
  t.is(bad.code, 2);
  t.is(bad.stderr, "sdocker: --sd-dry-run takes no value (the report as text) or =json (the plan as JSON), not 'yaml'\n");
  t.deepEqual(bad.engine.events, []);
  const off = await runMain(['run', '--sd-dry-run=false', 'alpine']);
  t.is(off.code, 0);
  t.is(off.runs.length, 1, '=false is no dry run: docker runs');
  const exec = await runMain(['exec', '--sd-dry-run=json', '-u', '0', 'box', 'id']);
  t.like(JSON.parse(exec.stdout), { argv: ['docker', 'exec', '-u', '0', 'box', 'id'], runnable: true });
});

test('through the built CLI: --sd-dry-run=json is JSON on stdout, nothing else', async (t) => {
  const result = await runCli(['run', '--sd-dry-run=json', '--read-only', 'alpine', 'true'], { SDOCKER_DOCKER: FAKE_DOCKER });
  t.is(result.code, 0, result.stderr);
  const plan = JSON.parse(result.stdout) as { argv: string[]; runnable: boolean };
  t.true(plan.runnable);
  t.is(plan.argv[0], FAKE_DOCKER);
  t.deepEqual(plan.argv.slice(-2), ['alpine', 'true']);
  const bad = await runCli(['run', '--sd-dry-run=yml', 'alpine'], { SDOCKER_DOCKER: FAKE_DOCKER });
  t.is(bad.code, 2);
  t.is(bad.stdout, '');
});
