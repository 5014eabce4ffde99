// A local volume's type, device and o judged as mount(2) reads them (src/docker/local-volume.ts):
// a kernel filesystem is the host path it shows, memory and network filesystems are nothing of
// the host's, a bind or a disk's device is that host path, anything else and a relative path
// (read from dockerd's own working folder) are refused. The same table for an existing volume,
// an inline `--mount ...,volume-opt=...` and compose driver_opts (compose-judge.test.ts).
import test from 'ava';
import { localVolumeBinds } from '../src/docker/local-volume.js';
import type { VolumeState } from '../src/engine/engine.js';
import { runMain, type RunMainOptions } from './helpers/fakes.js';

const SHOWS: [options: Record<string, string>, sources: string[]][] = [
  [{ type: 'proc', device: 'proc' }, ['/proc']],
  [{ type: 'proc', device: 'none', o: 'hidepid=2' }, ['/proc']],
  [{ type: 'sysfs', device: 'sysfs' }, ['/sys']],
  [{ type: 'devtmpfs', device: 'devtmpfs' }, ['/dev']],
  [{ type: 'devpts', device: 'devpts' }, ['/dev/pts']],
  [{ type: 'cgroup2', device: 'cgroup2' }, ['/sys/fs/cgroup']],
  [{ type: 'cgroup', device: 'cgroup', o: 'memory' }, ['/sys/fs/cgroup']],
  [{ type: 'debugfs', device: 'x' }, ['/sys/kernel/debug']],
  [{ type: 'tracefs', device: 'x' }, ['/sys/kernel/tracing']],
  [{ type: 'securityfs', device: 'x' }, ['/sys/kernel/security']],
  [{ type: 'bpf', device: 'bpf' }, ['/sys/fs/bpf']],
  [{ type: 'binfmt_misc', device: 'x' }, ['/proc/sys/fs/binfmt_misc']],
  [{ type: 'mqueue', device: 'mqueue' }, ['/dev/mqueue']],
  [{ type: 'hugetlbfs', device: 'x' }, ['/dev/hugepages']],
  [{ type: 'pstore', device: 'x' }, ['/sys/fs/pstore']],
  [{ type: 'efivarfs', device: 'x' }, ['/sys/firmware/efi/efivars']],
  // MS_BIND: the kernel ignores the type and binds the device.
  [{ type: 'proc', device: '/home/me/data', o: 'bind' }, ['/home/me/data']],
  [{ type: 'none', device: '/etc', o: 'ro,rbind' }, ['/etc']],
  [{ type: 'ext4', device: '/dev/sda1' }, ['/dev/sda1']],
  [{ type: 'squashfs', device: '/home/me/image.sqfs' }, ['/home/me/image.sqfs']],
  [{ type: 'overlay', device: 'overlay', o: 'lowerdir=/etc:/usr,upperdir=/srv/u,workdir=/srv/w' }, ['/etc', '/usr', '/srv/u', '/srv/w']],
  [{ type: 'overlay', device: 'overlay', o: 'lowerdir+=/etc,datadir+=/root,upperdir=/srv/u,workdir=/srv/w' }, ['/etc', '/root', '/srv/u', '/srv/w']],
  [{ type: 'tmpfs', device: 'tmpfs', o: 'size=1m' }, []],
  [{ type: 'ramfs', device: 'ramfs' }, []],
  [{ type: 'nfs', device: ':/export', o: 'addr=10.0.0.1,rw' }, []],
  [{ type: 'cifs', device: '//server/share', o: 'username=u' }, []],
  [{}, []],
  [{ size: '10G' }, []],
  [{ o: 'constructor=/etc' }, []],
];

for (const [options, sources] of SHOWS) {
  test(`a local volume shows its host paths: ${JSON.stringify(options)}`, (t) => {
    const binds = localVolumeBinds(options);
    t.deepEqual(binds.map((b) => b.source), sources);
    t.true(binds.every((b) => b.refusal === undefined));
  });
}

const REFUSED: [options: Record<string, string>, detail: string, reason: RegExp][] = [
  [{ type: 'fuse', device: 'x', o: 'fd=3' }, 'type=fuse', /cannot tell what the local volume's type=fuse mounts/],
  [{ type: '9p', device: 'x', o: 'trans=fd,rfdno=3,wfdno=3' }, 'type=9p', /type=9p/],
  [{ type: 'Proc', device: 'proc' }, 'type=Proc', /type=Proc/],
  [{ type: 'none', device: 'x' }, 'type=none', /type=none/],
  [{ type: '', device: '/srv' }, 'type=', /type= mounts/],
  [{ type: 'none', device: '../../etc', o: 'bind' }, '../../etc', /its path \.\.\/\.\.\/etc is relative: the engine reads it from its own working folder/],
  [{ type: 'ext4', device: 'disk.img' }, 'disk.img', /relative/],
  [{ type: 'overlay', device: 'overlay', o: 'lowerdir=etc,upperdir=/srv/u,workdir=/srv/w' }, 'etc', /relative/],
];

for (const [options, detail, reason] of REFUSED) {
  test(`a local volume sdocker cannot judge is refused: ${JSON.stringify(options)}`, (t) => {
    const refused = localVolumeBinds(options).find((b) => b.refusal !== undefined);
    t.is(refused?.source, detail);
    t.regex(refused?.refusal?.reason ?? '', reason);
    t.notRegex(refused?.refusal?.reason ?? '', /\n/);
  });
}

const local = (options: Record<string, string>): VolumeState => ({ driver: 'local', options });
const ENGINE: RunMainOptions = {
  volumes: {
    hostproc: local({ type: 'proc', device: 'proc' }),
    hostdev: local({ type: 'devtmpfs', device: 'devtmpfs' }),
    fusevol: local({ type: 'fuse', device: 'x' }),
    relvol: local({ type: 'none', device: 'etc', o: 'bind' }),
    mem: local({ type: 'tmpfs', device: 'tmpfs', o: 'size=1m' }),
    plugin: { driver: 'other', options: { type: 'proc', device: 'proc' } },
  },
};

const RUN_REFUSED: [flags: string[], allow: string, what: RegExp][] = [
  [['-v', 'hostproc:/x'], 'sensitive-mount:/proc', /-v hostproc:\/x \(volume hostproc mounts \/proc\) \(\/proc is in secretPaths/],
  [['--mount', 'src=hostdev,dst=/x,readonly'], 'sensitive-mount:/dev', /volume hostdev mounts \/dev/],
  [['-v', 'fusevol:/x'], 'sensitive-mount:type=fuse', /cannot tell what the local volume's type=fuse mounts/],
  [['-v', 'relvol:/x'], 'sensitive-mount:etc', /its path etc is relative/],
  [['--mount', 'type=volume,src=n,dst=/x,volume-opt=type=proc,volume-opt=device=proc'], 'sensitive-mount:/proc', /\(mounts \/proc\) \(\/proc is in secretPaths/],
  [['--mount', 'src=n,dst=/x,volume-opt=type=sysfs,volume-opt=device=sysfs'], 'sensitive-mount:/sys', /mounts \/sys/],
  [['--mount', 'type=volume,src=n,dst=/x,volume-opt=type=none,volume-opt=o=bind,volume-opt=device=../../etc'], 'sensitive-mount:../../etc', /relative: the engine reads it from its own working folder, which sdocker cannot see\): .*; write the absolute path, or/],
  [['--mount', 'type=volume,src=n,dst=/x,volume-opt=type=overlay,volume-opt=device=overlay,"volume-opt=o=lowerdir=/etc,upperdir=/srv/u,workdir=/srv/w"'], 'sensitive-mount:/etc', /mounts \/etc/],
];

for (const [flags, allow, what] of RUN_REFUSED) {
  test(`run refuses a volume's kernel view, unknown type or relative device: ${flags.join(' ')}`, async (t) => {
    const result = await runMain(['run', ...flags, 'alpine', 'true'], ENGINE);
    t.is(result.code, 125, result.stderr);
    t.deepEqual(result.runs, [], 'docker was not run');
    t.regex(result.stderr, new RegExp(`^sdocker: refusing .+, or --sd-allow ${allow.replace(/[./]/g, '\\$&')}$`, 'm'));
    t.regex(result.stderr, what);
    t.is(result.stderr.trimEnd().split('\n').length, 1, result.stderr);
  });
}

test('memory, a bind of a user folder and another driver run, hardened', async (t) => {
  for (const flags of [
    ['-v', 'mem:/x'],
    ['-v', 'plugin:/x'],
    ['--mount', 'type=volume,src=n,dst=/x,volume-opt=type=tmpfs,volume-opt=device=tmpfs,volume-opt=o=size=1m'],
    ['--mount', 'type=volume,src=n,dst=/x,volume-opt=type=none,volume-opt=o=bind,volume-opt=device=/home/me/data'],
  ]) {
    const result = await runMain(['run', ...flags, 'alpine'], ENGINE);
    t.is(result.code, 0, `${flags.join(' ')}: ${result.stderr}`);
    t.true(result.runs[0]?.args.includes('--cap-drop'), flags.join(' '));
  }
});

test('an allowed kernel view is lifted by its path, with a warning', async (t) => {
  const result = await runMain(['run', '--sd-allow', 'sensitive-mount:/proc', '-v', 'hostproc:/x', 'alpine'], ENGINE);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stderr, /^sdocker: warning: allowing -v hostproc:\/x \(volume hostproc mounts \/proc\)/m);
});
