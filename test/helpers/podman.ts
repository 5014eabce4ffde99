// Running pods under Debian's podman 4.3 (`podman kube play`) as a kubelet would run them. What
// podman does differently from a kubelet (measured on these machines) is played the kubelet's way
// here, never in the manifests sdocker writes:
// - emptyDir: podman makes a named volume that takes the image folder's owner, mode and files;
//   a kubelet's is empty and world-writable (0777). Each emptyDir becomes a volume of this test's
//   own (a tmpfs, mode=0777, its sizeLimit as nr_blocks), primed once with the pod's image at the
//   same path (podman copies an image folder up only on a volume's first mount), so the pod sees
//   an empty 0777 folder, as on a kubelet with medium: Memory.
// - a PersistentVolumeClaim: a plain volume of this test's own, primed and then emptied; a
//   kubelet's fsGroup makes it the group's (chown :GID, chmod 2775): done on the volume's folder.
// - pod sysctls: podman ignores them; a kubelet applies them. They go into the containers.conf of
//   that play (default_sysctls), which sets them in the pod's network namespace.
// - a workload is played as the Pod its controller would make from its template.
// - containerPort: informational to a kubelet; podman maps it, so it is left out of the play.
// - no network: --network none (the pod's containers share their loopback; podman adds no bridge
//   and no iptables rule; a probe container joins the pod to reach its ports).
// Every object is named with this test's prefix and labelled io.sdocker.test=k8s; cleanup()
// removes exactly those: pods, volumes, and the images it loaded.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export const LABEL = 'io.sdocker.test=k8s';

type Obj = Record<string, unknown>;
const obj = (value: unknown): Obj => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : {});
const list = (value: unknown): Obj[] => (Array.isArray(value) ? value.map(obj) : []);

/** Why podman cannot run pods here (CI fails with it; engine tests never skip there). */
export function podmanProblem(): string | undefined {
  const version = spawnSync('podman', ['--version'], { encoding: 'utf8' });
  if (version.status !== 0) return "podman is missing; run 'bash scripts/engine-up' as root (it installs podman and catatonit)";
  return /podman version 4\./.test(version.stdout) ? undefined : `expected Debian's podman 4.x, found ${version.stdout.trim()}`;
}

/** The containers.conf of these machines: the sandbox's hard nofile limit is 20000 (podman's root default is higher and runc fails). */
function containersConf(sysctls: readonly string[]): string {
  const quoted = (items: readonly string[]): string => items.map((s) => JSON.stringify(s)).join(', ');
  return `[containers]\ndefault_ulimits = [${quoted(['nofile=20000:20000', 'nproc=1024:1024'])}]\n${sysctls.length > 0 ? `default_sysctls = [${quoted(sysctls)}]\n` : ''}`;
}

export class Podman {
  readonly prefix = `sdk8s-${randomBytes(3).toString('hex')}`;
  private readonly dir = mkdtempSync(join(tmpdir(), 'sdocker-podman-'));
  private readonly pods: string[] = [];
  private readonly volumes: string[] = [];
  private readonly images = new Set<string>();
  private plays = 0;

  constructor() {
    writeFileSync(join(this.dir, 'containers.conf'), containersConf([]));
  }

  run(args: readonly string[], conf = join(this.dir, 'containers.conf')): { code: number; stdout: string; stderr: string } {
    const result = spawnSync('podman', [...args], { encoding: 'utf8', env: { ...process.env, CONTAINERS_CONF: conf }, timeout: 120_000 });
    return { code: result.status ?? -1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
  }

  /** docker's images into podman (`docker save | podman load`); a name without a registry becomes localhost/NAME. */
  load(refs: readonly string[]): void {
    const fresh = refs.filter((ref) => !this.images.has(podmanName(ref)));
    if (fresh.length === 0) return;
    const tar = join(this.dir, 'images.tar');
    execFileSync('docker', ['save', '-o', tar, ...fresh]);
    const loaded = this.run(['load', '-i', tar]);
    rmSync(tar, { force: true });
    if (loaded.code !== 0) throw new Error(`podman load: ${loaded.stderr}`);
    for (const ref of fresh) this.images.add(podmanName(ref));
  }

  /** Play one workload as a kubelet would run it (see above): resolves with the pod's name. `images`: the manifest's image -> a loaded stand-in. */
  play(object: unknown, images: Readonly<Record<string, string>>): string {
    const o = obj(object);
    const kind = String(o['kind']);
    const template = kind === 'Pod' ? o : kind === 'CronJob' ? obj(obj(obj(obj(o['spec'])['jobTemplate'])['spec'])['template']) : obj(obj(o['spec'])['template']);
    const spec = structuredClone(obj(template['spec']));
    const name = `${this.prefix}-${this.plays++}`;
    for (const c of [...list(spec['initContainers']), ...list(spec['containers'])]) {
      c['image'] = images[String(c['image'])] ?? c['image'];
      // A kubelet publishes nothing for containerPort (it only names the port); podman 4.3 maps
      // it, which --network none refuses. hostPort is the node's: not played.
      delete c['ports'];
    }
    const sysctls = list(obj(spec['securityContext'])['sysctls']).map((s) => `${String(s['name'])}=${String(s['value'])}`);
    this.kubeletVolumes(spec, name);
    const file = join(this.dir, `${name}.yaml`);
    const conf = join(this.dir, `${name}.conf`);
    writeFileSync(file, stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { 'io.sdocker.test': 'k8s' } }, spec }));
    writeFileSync(conf, containersConf(sysctls));
    this.pods.push(name);
    const played = this.run(['kube', 'play', '--network', 'none', file], conf);
    if (played.code !== 0) throw new Error(`podman kube play: ${played.stderr.trim()}`);
    return name;
  }

  /** emptyDir and persistentVolumeClaim volumes as a kubelet makes them (see above), renamed with this play's prefix. */
  private kubeletVolumes(spec: Obj, pod: string): void {
    const containers = [...list(spec['initContainers']), ...list(spec['containers'])];
    const fsGroup = obj(spec['securityContext'])['fsGroup'];
    for (const volume of list(spec['volumes'])) {
      const emptyDir = volume['emptyDir'] === undefined ? undefined : obj(volume['emptyDir']);
      const claim = obj(volume['persistentVolumeClaim'])['claimName'];
      if (emptyDir === undefined && claim === undefined) continue;
      const own = `${pod}-${String(volume['name'])}`;
      const size = emptyDir === undefined ? undefined : kibibytes(emptyDir['sizeLimit']);
      const options = emptyDir === undefined ? [] : ['--opt', 'type=tmpfs', '--opt', 'device=tmpfs', '--opt', `o=mode=0777${size === undefined ? '' : `,nr_blocks=${Math.ceil(size / 4)}`}`];
      this.must(['volume', 'create', '--label', LABEL, ...options, own]);
      this.volumes.push(own);
      for (const c of containers) {
        for (const mount of list(c['volumeMounts']).filter((m) => m['name'] === volume['name'])) {
          mount['name'] = own;
          const id = this.must(['create', '--label', LABEL, '--network', 'none', '-v', `${own}:${String(mount['mountPath'])}`, String(c['image'])]).trim();
          this.run(['init', id]);
          this.run(['rm', '-f', '-v', id]);
        }
      }
      volume['name'] = own;
      if (claim === undefined) continue;
      volume['persistentVolumeClaim'] = { claimName: own };
      const folder = this.must(['volume', 'inspect', '--format', '{{.Mountpoint}}', own]).trim();
      for (const entry of readdirSync(folder)) rmSync(join(folder, entry), { recursive: true, force: true });
      if (fsGroup !== undefined) execFileSync('chown', [`0:${String(fsGroup)}`, folder]);
      execFileSync('chmod', [fsGroup === undefined ? '0755' : '2775', folder]);
    }
  }

  private must(args: readonly string[]): string {
    const result = this.run(args);
    if (result.code !== 0) throw new Error(`podman ${args.join(' ')}: ${result.stderr.trim()}`);
    return result.stdout;
  }

  /** A shell script run by busybox in a container added to the pod (its network namespace): the pod's ports on 127.0.0.1. */
  probe(pod: string, script: string): { code: number; stdout: string; stderr: string } {
    this.load(['sdocker-test/busybox:1']);
    return this.run(['run', '--rm', '--label', LABEL, '--pod', pod, 'localhost/sdocker-test/busybox:1', '/bin/sh', '-c', script]);
  }

  /** Each container of the pod (not its infra): state, restart count, seconds since it started. */
  containers(pod: string): { name: string; state: string; restarts: number; upSeconds: number }[] {
    const ids = this.must(['ps', '-a', '--filter', `pod=${pod}`, '--format', '{{.ID}} {{.IsInfra}}']).trim().split('\n').filter((line) => line.endsWith(' false')).map((line) => line.split(' ')[0] as string);
    if (ids.length === 0) return [];
    const inspected = JSON.parse(this.must(['inspect', ...ids])) as { Name: string; State: { Status: string; StartedAt: string }; RestartCount: number }[];
    return inspected.map((c) => ({ name: c.Name, state: c.State.Status, restarts: c.RestartCount, upSeconds: (Date.now() - Date.parse(c.State.StartedAt)) / 1000 }));
  }

  /** A command in one container of the pod (`POD-CONTAINER`, as kube play names it): absolute paths, the image may have no PATH. */
  exec(container: string, command: readonly string[]): { code: number; stdout: string; stderr: string } {
    return this.run(['exec', container, ...command]);
  }

  /** One pod of this test gone (with its containers), and the volumes made for it. */
  remove(pod: string): void {
    // -v: the anonymous volumes podman made for an image's VOLUME the pod does not mount over.
    const ids = this.run(['ps', '-a', '-q', '--filter', `pod=${pod}`]).stdout.trim().split('\n').filter((id) => id !== '');
    if (ids.length > 0) this.run(['rm', '-f', '-v', ...ids]);
    this.run(['pod', 'rm', '-f', pod]);
    this.pods.splice(this.pods.indexOf(pod), 1);
    const own = this.volumes.filter((v) => v.startsWith(`${pod}-`));
    if (own.length > 0) this.run(['volume', 'rm', '-f', ...own]);
  }

  cleanup(): void {
    for (const pod of [...this.pods]) this.remove(pod);
    if (this.volumes.length > 0) this.run(['volume', 'rm', '-f', ...this.volumes]);
    if (this.images.size > 0) this.run(['rmi', ...this.images]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `localhost/NAME:TAG` for a docker reference without a registry; as is with one. */
export function podmanName(ref: string): string {
  const first = ref.split('/')[0] ?? '';
  return ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? ref : `localhost/${ref.includes('/') ? ref : `library/${ref}`}`;
}

/** A Kubernetes memory quantity in KiB (the emptyDir's sizeLimit); undefined when absent. */
function kibibytes(value: unknown): number | undefined {
  const match = /^(\d+)(Ki|Mi|Gi)?$/.exec(String(value ?? ''));
  if (match === null) return undefined;
  return Number(match[1]) * ({ Ki: 1, Mi: 1024, Gi: 1024 * 1024 }[match[2] ?? ''] ?? 1 / 1024);
}
