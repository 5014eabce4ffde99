// The judge of a made container (src/judge/judge.ts) on inspect objects, and the readings the
// issue-21 classes rest on: Go's case folding, dot-prefixed -v sources, swappable sources, the
// compose creation body's cgroup namespace, v1's seccomp path, a build's query, a service spec.
import test from 'ava';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RawContainer } from '../src/audit/types.js';
import { goLower, goUpper } from '../src/docker/go-case.js';
import { readMount } from '../src/docker/mount.js';
import { networkName, parseVolume } from '../src/docker/values.js';
import { v1SeccompPath } from '../src/compose/read/settings.js';
import { lookupPaths, socketHostFacts } from '../src/planner/facts.js';
import { withPrivateCgroupns } from '../src/judge/compose.js';
import { judgeMade, type Made, type Setting } from '../src/judge/judge.js';
import type { Held } from '../src/judge/proxy.js';
import { judgeBuildQuery, judgeServiceSpec } from '../src/judge/spec.js';
import { normalizeCap } from '../src/policy/refusals.js';
import { swappedBy } from '../src/policy/swap.js';

const HOST = socketHostFacts('/var/run/docker.sock');
const POLICY = { secretPaths: ['/etc/shadow', '/var/lib/docker', '/run', '/var/run', '/proc', '/sys', '/dev'], sensitivePaths: ['/', '/etc', '/usr'], capabilities: { add: [], asRoot: [], dangerous: ['ALL', 'SYS_ADMIN'] }, allow: [] as string[] };
const SETTING: Setting = { policy: POLICY, host: HOST, rootDir: '/var/lib/docker', cgroupnsPrivate: true };

function made(host: Record<string, unknown>, extra: Partial<RawContainer> = {}, others: Made['others'] = []): Made {
  const raw = { Id: 'c0ffee', Name: '/x', Image: 'i', Path: 'true', Args: [], State: { Status: 'created', Running: false, Pid: 0 }, AppArmorProfile: '', Config: { Hostname: '', User: '', Env: null, Cmd: null, Entrypoint: null, Image: 'i', Labels: null, WorkingDir: '' }, HostConfig: { CgroupnsMode: 'private', ...host }, Mounts: [], NetworkSettings: {}, ...extra } as RawContainer;
  return { raw, joined: [], volumes: new Map(), others };
}

const rules = (m: Made, setting: Setting = SETTING): string[] => judgeMade(m, setting).refused.map((v) => (v.detail === undefined ? v.rule : `${v.rule}:${v.detail}`));

test('a plain hardened container passes; each danger in inspect is refused under its rule', (t) => {
  t.deepEqual(rules(made({})), []);
  t.deepEqual(rules(made({ Privileged: true })), ['privileged']);
  t.deepEqual(rules(made({ CapAdd: ['cap_sys_admin', 'NET_ADMIN'] })), ['dangerous-cap:SYS_ADMIN']);
  t.deepEqual(rules(made({ NetworkMode: 'host' })), ['host-network']);
  t.deepEqual(rules(made({ CgroupnsMode: 'host' })), ['host-cgroupns']);
  t.deepEqual(rules(made({ CgroupnsMode: 'host' }), { ...SETTING, cgroupnsPrivate: false }), [], 'an engine that cannot give a private one: its default');
  t.deepEqual(rules(made({ MaskedPaths: [] })), ['systempaths-unconfined'], 'the CLI sends systempaths=unconfined as empty masked paths');
  t.deepEqual(rules(made({ SecurityOpt: ['apparmor=unconfined'] })), ['apparmor-unconfined'], 'as asked, also without AppArmor here');
  t.deepEqual(rules(made({ SecurityOpt: ['seccomp={"defaultAction":"SCMP_ACT_ALLOW"}'] })), ['seccomp-unconfined'], 'the profile text the engine got');
  t.deepEqual(rules(made({ SecurityOpt: ['seccomp={"defaultAction":"SCMP_ACT_ERRNO"}'] })), []);
  t.deepEqual(rules(made({ PidMode: 'host', SecurityOpt: ['label=disable'] })), ['host-pid'], "the engine's own label=disable for host PID is not a second refusal");
  t.deepEqual(rules(made({}, { Mounts: [{ Type: 'bind', Source: '/etc', Destination: '/x', Mode: '', RW: true, Propagation: '' }] })), ['sensitive-mount:/etc']);
});

test('the allow list lifts a rule or one item, as for the written options', (t) => {
  const m = made({ CapAdd: ['SYS_ADMIN'] }, { Mounts: [{ Type: 'bind', Source: '/etc', Destination: '/x', Mode: '', RW: false, Propagation: '' }] });
  t.deepEqual(rules(m, { ...SETTING, policy: { ...POLICY, allow: ['dangerous-cap:SYS_ADMIN'] } }), ['sensitive-mount:/etc']);
  t.deepEqual(rules(m, { ...SETTING, policy: { ...POLICY, allow: ['dangerous-cap', 'sensitive-mount:/etc'] } }), []);
});

test('container:X is followed along its chain; a local volume is judged by what it mounts', (t) => {
  const m = made({ NetworkMode: 'container:mid' });
  const mid = made({ NetworkMode: 'container:end' }).raw;
  const end = made({ NetworkMode: 'host' }).raw;
  t.deepEqual(rules({ ...m, joined: [{ ...mid, Id: 'mid', Name: '/mid' }, { ...end, Id: 'end', Name: '/end' }] }), ['host-network']);
  const v = made({}, { Mounts: [{ Type: 'volume', Name: 'etcvol', Source: '/var/lib/docker/volumes/etcvol/_data', Destination: '/v', Mode: '', RW: true, Propagation: '', Driver: 'local' }] });
  t.deepEqual(rules({ ...v, volumes: new Map([['etcvol', { type: 'none', o: 'bind', device: '/etc' }]]) }), ['sensitive-mount:/etc']);
});

test('swappable sources: below its own writable bind, below another container\'s, and above another\'s source', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sdjudge-swap-'));
  mkdirSync(join(dir, 'a', 'conf'), { recursive: true });
  const bind = (source: string, rw: boolean) => ({ Type: 'bind', Source: source, Destination: `/m${source.length}`, Mode: '', RW: rw, Propagation: '' });
  t.deepEqual(rules(made({}, { Mounts: [bind(join(dir, 'a'), true), bind(join(dir, 'a', 'conf'), false)] })), [`swappable-source:${join(dir, 'a', 'conf')}`]);
  t.deepEqual(rules(made({}, { Mounts: [bind(join(dir, 'a'), false), bind(join(dir, 'a', 'conf'), false)] })), [], 'read-only above: nothing can be swapped');
  const other = { id: 'o', name: 'other', mounts: [{ type: 'bind', source: join(dir, 'a'), rw: true }] };
  t.deepEqual(rules(made({}, { Mounts: [bind(join(dir, 'a', 'conf'), false)] }, [other])), [`swappable-source:${join(dir, 'a', 'conf')}`]);
  const reader = { id: 'r', name: 'reader', mounts: [{ type: 'bind', source: join(dir, 'a', 'conf'), rw: false }] };
  t.deepEqual(rules(made({}, { Mounts: [bind(join(dir, 'a'), true)] }, [reader])), [`swappable-source:${join(dir, 'a')}`]);
  const hostWriter = { id: 'h', name: 'root', mounts: [{ type: 'bind', source: '/', rw: true }] };
  t.deepEqual(rules(made({}, { Mounts: [bind(join(dir, 'a', 'conf'), false)] }, [hostWriter])), [], 'a container that writes / has the host already: audit says so');
  // A symlink met on the way counts where it lives: replacing it changes what the source names.
  symlinkSync(join(dir, 'a', 'conf'), join(dir, 'a', 'link'));
  t.true(lookupPaths(join(dir, 'a', 'link', 'x')).includes(join(dir, 'a', 'link')));
  t.not(swappedBy(join(dir, 'a', 'link'), [{ path: join(dir, 'a'), by: 'w' }], HOST), undefined);
});

test("Go's case folding: İ is i and K is k; one code point for one", (t) => {
  t.is(goLower('contaİner:X'), 'container:x');
  t.is(goLower('bİnd'), 'bind');
  t.is(goLower('\u212Aey'), 'key');
  t.is('contaİner'.toLowerCase() === 'container', false, "JavaScript's full mapping differs");
  t.is(goUpper('sys_admın'), 'SYS_ADMIN');
  t.is(goUpper('straße'), 'STRAßE', 'no SS');
  t.is(normalizeCap('cap_sys_admın'), 'SYS_ADMIN');
  t.is(networkName('name=CONTAİNER:DB,alias=a'), 'container:db', 'the advanced syntax folds the whole field');
  t.is(networkName('Container:DB'), 'Container:DB', 'the plain one is compared as written');
  t.is(readMount('type=bİnd,source=/etc,target=/x').type, 'bind');
  t.is(readMount('tYpe=bind,sOurce=/etc,destİnatİon=/x').target, '/x');
});

test('any -v source that starts with . is a path, made absolute from the working folder', (t) => {
  for (const [source, path] of [['.foo', '/w/d/.foo'], ['...', '/w/d/...'], ['.x/../..', '/w'], ['.', '/w/d'], ['..', '/w'], ['./a', '/w/d/a']]) {
    t.is(parseVolume(`${source}:/m`, '/w/d')?.source, path, source);
  }
  t.is(parseVolume('name:/m', '/w/d'), undefined);
});

test('compose creations get a private cgroup namespace where they choose none and speak API 1.41', (t) => {
  const held = (target: string): Held => ({ head: { method: 'POST', target, version: 'HTTP/1.1', headers: [] }, route: '/containers/create', query: new URLSearchParams(), body: Buffer.alloc(0), forward: async () => ({ status: 0, raw: Buffer.alloc(0), body: '' }) });
  const body = Buffer.from(JSON.stringify({ Image: 'i', HostConfig: { Memory: 1 } }));
  t.deepEqual(JSON.parse(withPrivateCgroupns(body, held('/v1.41/containers/create'), SETTING).toString()), { Image: 'i', HostConfig: { Memory: 1, CgroupnsMode: 'private' } });
  t.is(withPrivateCgroupns(body, held('/v1.40/containers/create'), SETTING), body, 'an older API gets the host\'s anyway');
  const chosen = Buffer.from(JSON.stringify({ HostConfig: { CgroupnsMode: 'host' } }));
  t.is(withPrivateCgroupns(chosen, held('/containers/create'), SETTING), chosen, 'a choice is the judge\'s to read');
  const big = Buffer.from('{"HostConfig":{"Memory":12345678901234567}}');
  t.is(withPrivateCgroupns(big, held('/containers/create'), SETTING), big, 'a number JSON.parse would round is not rewritten');
});

test("v1's seccomp path: the next = or : ends it, surrounding quotes go", (t) => {
  t.is(v1SeccompPath('seccomp:"/p.json"'), '/p.json');
  t.is(v1SeccompPath('seccomp=/p.json=x'), '/p.json');
  t.is(v1SeccompPath('seccomp:/a:b'), '/a');
  t.is(v1SeccompPath('seccomp=/p.json'), undefined, 'the same as docker reads it');
  t.is(v1SeccompPath('seccomp:unconfined'), undefined);
});

test('a legacy build\'s query and a service spec are judged by the run rules that apply to them', (t) => {
  const q = (text: string) => judgeBuildQuery(new URLSearchParams(text), '/').map((v) => v.rule);
  t.deepEqual(q('networkmode=host'), ['host-network']);
  t.deepEqual(q('cgroupparent=%2F'), ['cgroup-parent']);
  t.deepEqual(q('securityopt=seccomp%3Dunconfined&securityopt=label%3Ddisable'), ['seccomp-unconfined', 'label-disable']);
  t.deepEqual(q('networkmode=default&t=x'), []);
  const spec = (container: object, networks: object[] = []) => judgeServiceSpec({ TaskTemplate: { ContainerSpec: container, Networks: networks } } as never, SETTING, new Set(['host', 'abc123'])).map((v) => v.rule);
  t.deepEqual(spec({ Mounts: [{ Type: 'bind', Source: '/etc', Target: '/x' }] }), ['sensitive-mount']);
  t.deepEqual(spec({ Mounts: [{ Type: 'bind', Source: '/var/run/docker.sock', Target: '/s' }] }), ['docker-socket']);
  t.deepEqual(spec({ Mounts: [{ Type: 'volume', Source: 'v', Target: '/v', VolumeOptions: { DriverConfig: { Options: { type: 'none', o: 'bind', device: '/etc' } } } }] }), ['sensitive-mount']);
  t.deepEqual(spec({ CapabilityAdd: ['CAP_SYS_ADMIN'] }), ['dangerous-cap']);
  t.deepEqual(spec({}, [{ Target: 'abc123' }]), ['host-network'], 'the host network by id');
  t.deepEqual(spec({ Privileges: { Seccomp: { Mode: 'unconfined' }, SELinuxContext: { Disable: true } } }), ['seccomp-unconfined', 'label-disable']);
  t.deepEqual(spec({ Mounts: [{ Type: 'bind', Source: '/srv/data', Target: '/d' }] }), []);
});
