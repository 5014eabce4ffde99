// Every refusal in every spelling docker accepts: exit 125, one line naming the rule and the
// way out, docker never run, the engine never asked. Then the same lifted with --sd-allow.
import test from 'ava';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMain } from './helpers/fakes.js';

const REFUSED: [string[], string][] = [
  [['--privileged'], 'privileged'],
  [['--privileged=true'], 'privileged'],
  [['--privileged=1'], 'privileged'],
  [['--cap-add', 'ALL'], 'dangerous-cap'],
  [['--cap-add=all'], 'dangerous-cap'],
  [['--cap-add', 'SYS_ADMIN'], 'dangerous-cap'],
  [['--cap-add', 'cap_sys_admin'], 'dangerous-cap'],
  [['--cap-add', 'CAP_SYS_MODULE'], 'dangerous-cap'],
  [['--cap-add', 'sys_ptrace'], 'dangerous-cap'],
  [['--cap-add', 'NET_BIND_SERVICE,SYS_RAWIO'], 'dangerous-cap'],
  [['--cap-add', 'DAC_READ_SEARCH'], 'dangerous-cap'],
  [['--cap-add', 'SYS_BOOT'], 'dangerous-cap'],
  [['--network', 'host'], 'host-network'],
  [['--network=host'], 'host-network'],
  [['--net', 'host'], 'host-network'],
  [['--net=HOST'], 'host-network'],
  [['--network', 'name=host,alias=x'], 'host-network'],
  [['--pid', 'host'], 'host-pid'],
  [['--pid=host'], 'host-pid'],
  [['--ipc=host'], 'host-ipc'],
  [['--uts', 'host'], 'host-uts'],
  [['--userns=host'], 'host-userns'],
  [['--cgroupns', 'host'], 'host-cgroupns'],
  [['--cgroup-parent', '/x'], 'cgroup-parent'],
  [['-v', '/var/run/docker.sock:/var/run/docker.sock'], 'docker-socket'],
  [['-v', '/var/run/docker.sock:/s:ro'], 'docker-socket'],
  [['-v/run/docker.sock:/s'], 'docker-socket'],
  [['--volume=/var/run/../run/docker.sock:/s'], 'docker-socket'],
  [['--mount', 'type=bind,source=/var/run/docker.sock,target=/s,readonly'], 'docker-socket'],
  [['--mount', 'type=bind,src=/run/user/1000/docker.sock,dst=/s'], 'docker-socket'],
  [['--use-api-socket'], 'docker-socket'],
  [['-v', '/:/host'], 'sensitive-mount'],
  [['-v', '/etc:/x:ro'], 'sensitive-mount'],
  [['-v', '/etc/shadow:/x'], 'sensitive-mount'],
  [['-v', '/proc:/p'], 'sensitive-mount'],
  [['-v', '/sys/fs/cgroup:/c'], 'sensitive-mount'],
  [['-v', '/dev:/dev'], 'sensitive-mount'],
  [['-v', '/boot:/b'], 'sensitive-mount'],
  [['-v', '/var/lib/docker:/d'], 'sensitive-mount'],
  [['-v', '/var:/v'], 'sensitive-mount'],
  [['-v', '/run:/r'], 'sensitive-mount'],
  [['-v', '/etc/localtime:/etc/localtime'], 'sensitive-mount'],
  [['--mount', 'type=bind,source=/etc,target=/x'], 'sensitive-mount'],
  [['--mount', '"type=bind","source=/proc",target=/x'], 'sensitive-mount'],
  [['--mount', 'type=volume,target=/x,volume-opt=type=none,volume-opt=o=bind,volume-opt=device=/etc'], 'sensitive-mount'],
  [['--security-opt', 'seccomp=unconfined'], 'seccomp-unconfined'],
  [['--security-opt', 'seccomp:unconfined'], 'seccomp-unconfined'],
  [['--security-opt=apparmor=unconfined'], 'apparmor-unconfined'],
  [['--security-opt', 'apparmor:unconfined'], 'apparmor-unconfined'],
  [['--security-opt', 'label=disable'], 'label-disable'],
  [['--security-opt', 'label:disable'], 'label-disable'],
  [['--security-opt', 'disable'], 'label-disable'],
  [['--security-opt', 'no-new-privileges=false'], 'new-privileges'],
  [['--security-opt', 'no-new-privileges:false'], 'new-privileges'],
  [['--security-opt', 'systempaths=unconfined'], 'systempaths-unconfined'],
  [['--device-cgroup-rule', 'a *:* rwm'], 'all-devices'],
  [['--device-cgroup-rule=a'], 'all-devices'],
  [['--device-cgroup-rule', 'c *:* rwm'], 'all-devices'],
  // Spellings docker accepts for the same thing (docker/cli opts/mount.go, opts/network.go;
  // the daemon's caps.NormalizeLegacyCapabilities and parseSecurityOpt).
  [['--mount', 'type=BIND,src=/,dst=/x'], 'sensitive-mount'],
  [['--mount', 'TYPE=bind,SOURCE=/etc,TARGET=/x'], 'sensitive-mount'],
  [['--mount', 'Type=Bind,Source=/var/run/docker.sock,Target=/s'], 'docker-socket'],
  [['--mount', 'type=bind,source=/home/me,src=/etc,target=/x'], 'sensitive-mount'],
  [['--mount', 'type=bind,target=/x,source=/etc\n,source=/home/me'], 'sensitive-mount'],
  [['--network', 'NAME=host,alias=x'], 'host-network'],
  [['--network', 'name=bridge,name=host'], 'host-network'],
  [['--cap-add', 'CAP_SYS_ADMIN'], 'dangerous-cap'],
  [['--cap-add', 'Cap_Sys_Admin'], 'dangerous-cap'],
  [['--cap-add', 'all'], 'dangerous-cap'],
  [['--security-opt', 'label=type:spc_t'], 'label-disable'],
  [['--security-opt', 'label:type:spc_t'], 'label-disable'],
  [['--security-opt', 'no-new-privileges=0'], 'new-privileges'],
  [['--security-opt', 'no-new-privileges=FALSE'], 'new-privileges'],
  [['--security-opt', 'no-new-privileges:F'], 'new-privileges'],
  [['--device', 'dev/sda:/dev/sda'], 'host-device'],
  [['--device-cgroup-rule', 'b 8:* rwm'], 'host-device'],
];

const HOLD_SOCKET = new Set(['-v /:/host', '-v /run:/r', '--mount type=BIND,src=/,dst=/x']);

for (const [flags, rule] of REFUSED) {
  test(`refuses run ${flags.join(' ')} (${rule})`, async (t) => {
    const result = await runMain(['run', ...flags, 'alpine', 'true']);
    t.is(result.code, 125);
    t.deepEqual(result.runs, [], 'docker was not run');
    t.deepEqual(result.engine.asked, [], 'the engine was not asked');
    const lines = result.stderr.trimEnd().split('\n');
    // `/` and `/run` also hold the engine's socket (/run/docker.sock): a second line, docker-socket.
    t.is(lines.length, HOLD_SOCKET.has(flags.join(' ')) ? 2 : 1, result.stderr);
    t.regex(lines[0] ?? '', new RegExp(`^sdocker: refusing .+; .+, or --sd-allow ${rule}(:\\S+)?$`));
    if (lines.length === 2) t.regex(lines[1] ?? '', /^sdocker: refusing .+ \(holds \/run\/docker\.sock\): .+, or --sd-allow docker-socket$/);
  });
}

test('create and container run refuse the same', async (t) => {
  for (const sub of [['create'], ['container', 'run'], ['container', 'create'], ['-H', 'unix:///var/run/docker.sock', 'run']]) {
    const result = await runMain([...sub, '--privileged', 'alpine']);
    t.is(result.code, 125, sub.join(' '));
    t.deepEqual(result.runs, []);
  }
});

test('exec --privileged is refused; plain exec passes', async (t) => {
  const refused = await runMain(['exec', '--privileged', 'c1', 'sh']);
  t.is(refused.code, 125);
  t.regex(refused.stderr, /refusing exec --privileged: .*--sd-allow exec-privileged/);
  const plain = await runMain(['exec', '-it', 'c1', 'sh', '-c', 'id']);
  t.is(plain.code, 0);
  t.deepEqual(plain.runs[0]?.args, ['exec', '-it', 'c1', 'sh', '-c', 'id']);
  const root = await runMain(['exec', '-u', '0', 'c1', 'id']);
  t.is(root.code, 0);
  t.regex(root.stderr, /^sdocker: warning: exec runs as root \(--user 0, CIS 5\.24\)$/m);
});

test('words after the image are never interpreted', async (t) => {
  const result = await runMain(['run', '--rm', 'alpine', 'ls', '--privileged', '-v', '/:/host', '--net=host']);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.runs[0]?.args.slice(-6), ['alpine', 'ls', '--privileged', '-v', '/:/host', '--net=host']);
});

test('several refusals are all listed, one line each', async (t) => {
  const result = await runMain(['run', '--privileged', '--pid=host', '-v', '/etc:/e', 'alpine']);
  t.is(result.code, 125);
  t.is(result.stderr.trimEnd().split('\n').length, 3);
});

test('--sd-allow lifts one rule, warns, and keeps the flag', async (t) => {
  const result = await runMain(['run', '--sd-allow', 'privileged', '--privileged', 'alpine']);
  t.is(result.code, 0);
  t.regex(result.stderr, /^sdocker: warning: allowing --privileged \(rule privileged, CIS 5\.5\)/m);
  t.true(result.runs[0]?.args.includes('--privileged'));
  t.false(result.runs[0]?.args.includes('--sd-allow'), 'sdocker flags never reach docker');
});

test('--sd-allow RULE:ITEM lifts only that item', async (t) => {
  const one = await runMain(['run', '--sd-allow=dangerous-cap:SYS_PTRACE', '--cap-add', 'sys_ptrace', 'alpine']);
  t.is(one.code, 0, one.stderr);
  const other = await runMain(['run', '--sd-allow=dangerous-cap:SYS_PTRACE', '--cap-add', 'SYS_ADMIN', 'alpine']);
  t.is(other.code, 125);
  t.regex(other.stderr, /--sd-allow dangerous-cap:SYS_ADMIN/);
});

test('an allow entry that names no rule is a usage error', async (t) => {
  const result = await runMain(['run', '--sd-allow', 'privilegd', 'alpine']);
  t.is(result.code, 2);
  t.regex(result.stderr, /'privilegd' in --sd-allow is not a refusal rule/);
});

test('a symlink to a sensitive folder is refused by what it resolves to', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-'));
  symlinkSync('/etc', join(dir, 'innocent'));
  const result = await runMain(['run', '-v', `${dir}/innocent:/x`, 'alpine'], { cwd: dir });
  t.is(result.code, 125);
  t.regex(result.stderr, /innocent:\/x \(resolves to \/etc; \/etc is a system folder: refused in any mode\).*--sd-allow sensitive-mount:\/etc$/m);
  const relative = await runMain(['run', '-v', './innocent/ssl:/x', 'alpine'], { cwd: dir });
  t.is(relative.code, 125, 'relative paths resolve against the working directory');
});

test('safe mounts and namespaces pass', async (t) => {
  for (const flags of [['-v', '/home/me/data:/data'], ['-v', 'named:/data'], ['-v', '/data'], ['--mount', 'type=volume,source=v,target=/x'], ['--network', 'container:other'], ['--pid', 'container:other'], ['--cap-add', 'NET_BIND_SERVICE'], ['--privileged=false'], ['--security-opt', 'seccomp=/my/profile.json']]) {
    const result = await runMain(['run', ...flags, 'alpine']);
    t.is(result.code, 0, `${flags.join(' ')}: ${result.stderr}`);
  }
});

test('a seccomp profile file that allows every call it does not list is seccomp=unconfined', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-seccomp-'));
  const files: Record<string, string> = {
    'allow.json': '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["keyctl"],"action":"SCMP_ACT_ERRNO"}]}',
    'log.json': '{"defaultAction":"SCMP_ACT_LOG"}',
    'case.json': '{"defaultAction":"SCMP_ACT_ERRNO","DefaultAction":"SCMP_ACT_ALLOW"}',
    'empty.json': '{}',
    'broken.json': '{"defaultAction":',
    'errno.json': '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read","write","exit_group"],"action":"SCMP_ACT_ALLOW"}]}',
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  for (const name of ['allow.json', 'log.json', 'case.json', 'empty.json', 'broken.json']) {
    const result = await runMain(['run', '--security-opt', `seccomp=${name}`, 'alpine', 'true'], { cwd: dir });
    t.is(result.code, 125, name);
    t.regex(result.stderr, new RegExp(`^sdocker: refusing --security-opt seccomp=${name} \\(${name} .+--sd-allow seccomp-unconfined$`, 'm'), name);
  }
  const colon = await runMain(['run', '--security-opt', `seccomp:${dir}/allow.json`, 'alpine', 'true']);
  t.is(colon.code, 125, 'the legacy key:value form reads the file too');
  const confined = await runMain(['run', '--security-opt', 'seccomp=errno.json', 'alpine', 'true'], { cwd: dir });
  t.is(confined.code, 0, confined.stderr);
});
