// Host devices (rule host-device, CIS 5.18): docker's --device grammar, the judgement on a fake
// host (numbers, folders, symlinks, a remote engine's names), cgroup rules, warnings, compose.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hardenCompose } from '../src/compose/edit/harden.js';
import { parseDevice } from '../src/docker/device.js';
import { parseFlags } from '../src/docker/parse.js';
import { CONTAINER_FLAGS, indexFlags } from '../src/docker/flags.js';
import { scanDevices } from '../src/planner/host-devices.js';
import { UNKNOWN_FACTS, type DeviceNode, type HostFacts, type RuleContext } from '../src/policy/context.js';
import { findDeviceWarnings, judgeDeviceHost } from '../src/policy/devices.js';
import { loadPolicy } from '../src/policy/load.js';
import { findViolations } from '../src/policy/refusals.js';
import { runMain } from './helpers/fakes.js';

const GRAMMAR: [string, ReturnType<typeof parseDevice>][] = [
  ['/dev/fuse', { kind: 'path', mapping: { host: '/dev/fuse', container: '/dev/fuse', permissions: 'rwm' } }],
  ['/dev/fuse:rw', { kind: 'path', mapping: { host: '/dev/fuse', container: '/dev/fuse', permissions: 'rw' } }],
  ['/dev/../dev/sda/', { kind: 'path', mapping: { host: '/dev/sda', container: '/dev/sda', permissions: 'rwm' } }],
  ['/dev/x/../sda:/dev/xvda', { kind: 'path', mapping: { host: '/dev/x/../sda', container: '/dev/xvda', permissions: 'rwm' } }],
  ['dev/sda:/dev/sda:r', { kind: 'path', mapping: { host: 'dev/sda', container: '/dev/sda', permissions: 'r' } }],
  ['/dev/sda:/x:rwx', { kind: 'invalid' }],
  ['/dev/sda:/x:r:w', { kind: 'invalid' }],
  ['/dev/sda:rr', { kind: 'invalid' }],
  ['nvidia.com/gpu=all', { kind: 'cdi', name: 'nvidia.com/gpu=all' }],
];

for (const [text, parsed] of GRAMMAR) {
  test(`--device ${text} reads as docker's client reads it`, (t) => {
    t.deepEqual(parseDevice(text), parsed);
  });
}

const node = (path: string, type: DeviceNode['type'], major: number, minor: number, subsystem?: string): DeviceNode => ({ path, type, major, minor, ...(subsystem === undefined ? {} : { subsystem }) });

/** A host whose device paths are data: path -> [resolved, nodes]. */
function fakeHost(devices: Record<string, [string, DeviceNode[]]>): HostFacts {
  return {
    realpath: (p) => p,
    kind: () => 'file',
    engineSocket: undefined,
    devices: (p) => {
      const found = devices[p];
      return found === undefined ? { resolved: p, exists: false, nodes: [], truncated: false } : { resolved: found[0], exists: true, nodes: found[1], truncated: false };
    },
  };
}

const HOST = fakeHost({
  '/dev/xvdb': ['/dev/xvdb', [node('/dev/xvdb', 'b', 202, 16)]],
  '/dev/disk/by-id/virtio-root': ['/dev/vda', [node('/dev/vda', 'b', 254, 0)]],
  '/srv/disks': ['/srv/disks', [node('/srv/disks/tty', 'c', 4, 70), node('/srv/disks/blk', 'b', 7, 3)]],
  '/dev/mem': ['/dev/mem', [node('/dev/mem', 'c', 1, 1)]],
  '/dev/port': ['/dev/port', [node('/dev/port', 'c', 1, 4)]],
  '/dev/sg0': ['/dev/sg0', [node('/dev/sg0', 'c', 21, 0)]],
  '/opt/scsi': ['/opt/scsi', [node('/opt/scsi', 'c', 245, 0, 'bsg')]],
  '/dev/fuse': ['/dev/fuse', [node('/dev/fuse', 'c', 10, 229)]],
  '/dev/ttyUSB0': ['/dev/ttyUSB0', [node('/dev/ttyUSB0', 'c', 188, 0)]],
  '/dev/dri': ['/dev/dri', [node('/dev/dri/card0', 'c', 226, 0), node('/dev/dri/renderD128', 'c', 226, 128)]],
  '/dev/null': ['/dev/null', [node('/dev/null', 'c', 1, 3)]],
});

const JUDGED: [path: string, verdict: RegExp | string[]][] = [
  ['/dev/xvdb', /\/dev\/xvdb \(b 202:16\) is a block device/],
  ['/dev/disk/by-id/virtio-root', /^resolves to \/dev\/vda: \/dev\/vda \(b 254:0\) is a block device/],
  ['/srv/disks', /\/srv\/disks\/blk \(b 7:3\) is a block device/],
  ['/dev/mem', /physical memory/],
  ['/dev/port', /I\/O ports/],
  ['/dev/sg0', /SCSI generic/],
  ['/opt/scsi', /SCSI generic/],
  ['/dev/sdz', /does not exist here/],
  ['dev/fuse', /relative path/],
  ['/dev/fuse', ['user-space file systems (FUSE)']],
  ['/dev/ttyUSB0', ['a serial port: whatever is attached to it']],
  ['/dev/dri', ["the host's GPU (DRM): its memory and driver are shared with the host"]],
  ['/dev/null', []],
];

for (const [path, expected] of JUDGED) {
  test(`a local host: --device ${path}`, (t) => {
    const verdict = judgeDeviceHost(path, HOST);
    if (Array.isArray(expected)) t.deepEqual(verdict, { kind: 'given', gives: expected });
    else t.regex(verdict.kind === 'refused' ? verdict.reason : 'not refused', expected);
  });
}

test('a remote engine: only device names sdocker knows pass (fail closed)', (t) => {
  const remote: HostFacts = { realpath: (p) => p, kind: () => undefined, engineSocket: undefined };
  for (const path of ['/dev/sda', '/dev/nvme0n1p2', '/dev/disk/by-id/x', '/dev/mapper/root', '/dev/mem', '/dev/sg1', '/dev/ng0n1', '/dev/something', '/srv/devs']) {
    t.is(judgeDeviceHost(path, remote).kind, 'refused', path);
  }
  t.deepEqual(judgeDeviceHost('/dev/net/tun', remote), { kind: 'given', gives: ['TUN/TAP network interfaces'] });
  t.deepEqual(judgeDeviceHost('/dev/kvm', remote), { kind: 'given', gives: ['hardware virtual machines (KVM) on the host CPU'] });
  t.deepEqual(judgeDeviceHost('/dev/null', remote), { kind: 'given', gives: [] });
});

async function context(args: string[], host: HostFacts): Promise<RuleContext> {
  const { policy } = await loadPolicy({ profile: 'default', env: {}, cwd: '/', cliAllow: [] });
  const items = parseFlags(args, indexFlags(CONTAINER_FLAGS, 'run'), 'docker run').items;
  return { sub: 'run', items, policy, facts: UNKNOWN_FACTS, host, cwd: '/', seccompFile: '' };
}

test('violations carry the written host path as the item --sd-allow names', async (t) => {
  const found = findViolations(await context(['--device', '/dev/xvdb:/dev/data:r', '--device', '/dev/fuse'], HOST));
  t.is(found.length, 1);
  t.like(found[0], { rule: 'host-device', detail: '/dev/xvdb' });
});

const CGROUP: [rule: string, refused: string[]][] = [
  ['b 8:0 rwm', ['host-device']],
  ['b 7:* r', ['host-device']],
  ['c 1:1 rw', ['host-device']],
  ['c 1:* rwm', ['host-device']],
  ['c 21:3 rw', ['host-device']],
  ['b *:* rwm', ['all-devices']],
  ['c 10:200 rwm', []],
  ['c 1:3 rwm', []],
];

for (const [rule, refused] of CGROUP) {
  test(`--device-cgroup-rule '${rule}'`, async (t) => {
    t.deepEqual(findViolations(await context(['--device-cgroup-rule', rule], HOST)).map((v) => v.rule), refused);
  });
}

test('warnings say what each allowed device gives; --gpus and CDI devices too', async (t) => {
  const lines = findDeviceWarnings(await context(['--device', '/dev/fuse', '--device', '/dev/null', '--device', 'vendor.example/gpu=0', '--gpus', 'all'], HOST));
  t.deepEqual(lines, [
    '--device /dev/fuse gives user-space file systems (FUSE) (rule host-device, CIS 5.18)',
    "--device vendor.example/gpu=0 gives what the CDI spec of vendor.example/gpu=0 on the engine's host names (rule host-device, CIS 5.18)",
    "--gpus all gives the host's GPUs: their memory and driver are shared with the host (rule host-device, CIS 5.18)",
  ]);
});

test('a real run prints the warning line, and --sd-allow host-device:PATH lifts one device', async (t) => {
  const run = await runMain(['run', '--gpus', 'all', 'alpine', 'true']);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stderr, /^sdocker: warning: --gpus all gives the host's GPUs/m);
  const refused = await runMain(['run', '--device', 'dev/sda:/dev/sda', 'alpine', 'true']);
  t.is(refused.code, 125);
  t.regex(refused.stderr, /^sdocker: refusing --device dev\/sda:\/dev\/sda \(a relative path .*--sd-allow host-device:dev\/sda$/m);
  const allowed = await runMain(['run', '--sd-allow', 'host-device:dev/sda', '--device', 'dev/sda:/dev/sda', 'alpine', 'true']);
  t.is(allowed.code, 0, allowed.stderr);
  t.regex(allowed.stderr, /allowing --device dev\/sda:\/dev\/sda .*rule host-device, CIS 5\.18/);
});

test('the host scan: a node is itself; a folder gives the nodes below it, never those behind its symlinks', (t) => {
  t.like(scanDevices('/dev/null'), { resolved: '/dev/null', exists: true, truncated: false, nodes: [{ path: '/dev/null', type: 'c', major: 1, minor: 3 }] });
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-dev-'));
  symlinkSync('/dev/null', join(dir, 'null-link'));
  writeFileSync(join(dir, 'plain'), '');
  execFileSync('mkfifo', [join(dir, 'pipe')]);
  t.deepEqual(scanDevices(dir)?.nodes.map((n) => `${n.type} ${n.path}`), [`p ${join(dir, 'pipe')}`]);
  t.like(scanDevices(join(dir, 'null-link')), { resolved: '/dev/null', nodes: [{ major: 1, minor: 3 }] });
  t.like(scanDevices(join(dir, 'missing')), { exists: false });
});

test('compose devices: short and long syntax are refused or warned at their line', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-dev-'));
  const file = join(dir, 'compose.yaml');
  execFileSync('mkfifo', [join(dir, 'pipe')]);
  const text = ['services:', '  app:', '    image: sdocker-test/busybox:1', '    devices:', '      - "dev/sda:/dev/sda:rwm"', '      - source: dev/sdb', '        target: /dev/sdb', '      - /dev/null:/dev/null', `      - ${dir}/pipe:/pipe`, ''].join('\n');
  const result = await hardenCompose(text, file, { profile: 'default', env: {}, cliAllow: [], seccomp: undefined });
  const found = result.findings.filter((f) => f.rule === 'host-device').map((f) => `${f.line}:${f.col} ${f.level}`);
  t.deepEqual(found, ['5:9 error', '6:9 error', '9:9 warning']);
  t.regex(result.findings.find((f) => f.level === 'warning' && f.rule === 'host-device')?.message ?? '', /gives a host pipe/);
});
