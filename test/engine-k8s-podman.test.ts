// The manifests harden --target k8s writes, run on a real runtime: Debian's podman 4.3 (`podman
// kube play`), with a kubelet's rules played where podman differs (test/helpers/podman.ts). The
// securityContext is applied as written (user, capabilities, no_new_privs, seccomp, read-only
// root, memory limit) and the servers still serve; the same for manifests written by others
// (kubernetes/examples) and for compose projects written as manifests, on locally built stand-in
// images of the same shape (test/images: nginx, redis, postgres, httpd). Docker's own networks
// are left alone: its containers still reach each other after podman ran.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { normalizeImage } from '../src/policy/images.js';
import { convertCompose } from '../src/k8s/convert.js';
import { hardenManifests } from '../src/k8s/harden.js';
import type { K8sFinding } from '../src/k8s/types.js';
import { LABEL_ARGS, docker, dockerStatus, engineProblem, removeContainers, uniqueName } from './helpers/engine.js';
import { Podman, podmanProblem } from './helpers/podman.js';
import { eventually } from './helpers/probes.js';

const OPTIONS = { profile: 'default', env: { HOME: '/nonexistent-home', XDG_CONFIG_HOME: '/nonexistent-home/.config' }, cliAllow: [] };
const EXAMPLES = fileURLToPath(new URL('../../test/fixtures/k8s-examples/', import.meta.url));
const COMPOSE = fileURLToPath(new URL('../../test/fixtures/awesome-compose/', import.meta.url));

/** The stand-ins, by the repository a manifest names, and how each shows it serves (from a container in the pod). */
const STAND_INS: Readonly<Record<string, { image: string; probe: string; answer: RegExp }>> = {
  nginx: { image: 'localhost/library/nginx:sdocker-test', probe: '/bin/wget -qO- http://127.0.0.1:80/', answer: /hello from nginx/ },
  httpd: { image: 'localhost/library/httpd:sdocker-test', probe: '/bin/wget -qO- http://127.0.0.1:80/', answer: /hello from httpd/ },
  redis: { image: 'localhost/library/redis:sdocker-test', probe: "printf 'PING\\r\\n' | /bin/nc -w 2 127.0.0.1 6379", answer: /\+PONG/ },
  // PostgreSQL's SSLRequest: it answers N (no SSL) once it accepts connections.
  postgres: { image: 'localhost/library/postgres:sdocker-test', probe: "printf '\\000\\000\\000\\010\\004\\322\\026\\057' | /bin/nc -w 2 127.0.0.1 5432", answer: /^N/ },
};

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: app
          image: nginx:1.27
          ports:
            - containerPort: 80
`;

let podman: Podman;

test.before(() => {
  const problem = engineProblem() ?? podmanProblem();
  if (problem !== undefined) throw new Error(problem);
  podman = new Podman();
  podman.load(Object.values(STAND_INS).map((s) => s.image));
});

test.after.always(() => podman?.cleanup());

function objects(text: string): Record<string, unknown>[] {
  return parseAllDocuments(text).map((d) => d.toJS() as Record<string, unknown>).filter((o) => o !== null);
}

function imagesOf(object: unknown): string[] {
  return JSON.stringify(object).match(/"image":"[^"]*"/g)?.map((m) => m.slice(9, -1)) ?? [];
}

/**
 * Whether the pod does its work: a container that runs the image's own server answers its probe
 * (polled for a while: postgres initialises first); one given a command of its own (a loop that
 * writes to its volume) has run for 5 s without a restart. Then every container still runs.
 */
async function serves(pod: string, object: unknown): Promise<boolean> {
  const containers = containersOf(object);
  try {
    for (const c of containers.filter((x) => !x.ownCommand)) {
      const stand = STAND_INS[normalizeImage(c.image)];
      if (stand === undefined) continue;
      await eventually(`${pod} ${c.image}`, async () => {
        const out = podman.probe(pod, stand.probe);
        if (!stand.answer.test(out.stdout)) throw new Error(out.stdout + out.stderr);
      }, 40);
    }
    if (containers.some((c) => c.ownCommand)) {
      await eventually(`${pod} runs`, async () => {
        const states = podman.containers(pod);
        if (!states.every((c) => c.state === 'running' && c.restarts === 0 && c.upSeconds >= 5)) throw new Error(JSON.stringify(states));
      }, 40);
    }
    return podman.containers(pod).every((c) => c.state === 'running' && c.restarts === 0);
  } catch {
    return false;
  }
}

function containersOf(object: unknown): { image: string; ownCommand: boolean }[] {
  const o = object as { kind?: string; spec?: { containers?: unknown[]; template?: { spec?: { containers?: unknown[] } } } };
  const list = (o.kind === 'Pod' ? o.spec?.containers : o.spec?.template?.spec?.containers) ?? [];
  return list.map((c) => c as { image?: unknown; command?: unknown; args?: unknown }).map((c) => ({ image: String(c.image), ownCommand: c.command !== undefined || c.args !== undefined }));
}

const STANDS = Object.fromEntries([...Object.keys(STAND_INS)].map((k) => [k, STAND_INS[k]?.image ?? '']));
const standIns = (images: readonly string[]): Record<string, string> => Object.fromEntries(images.map((i) => [i, STANDS[normalizeImage(i)] ?? i]));

test.serial('a hardened Deployment under podman kube play: the securityContext is applied and nginx serves on port 80', async (t) => {
  const before = objects(DEPLOYMENT)[0];
  const original = podman.play(before, standIns(['nginx:1.27']));
  t.true(await serves(original, before), 'the unhardened manifest serves');
  const hardened = objects((await hardenManifests(DEPLOYMENT, '/x/m.yaml', OPTIONS)).output)[0];
  const pod = podman.play(hardened, standIns(['nginx:1.27']));
  t.true(await serves(pod, hardened), 'the hardened manifest serves the same');
  const status = podman.exec(`${pod}-app`, ['/bin/cat', '/proc/1/status']).stdout;
  t.regex(status, /^Uid:\s+101\s+101\s+101\s+101$/m);
  t.regex(status, /^NoNewPrivs:\s+1$/m);
  t.regex(status, /^Seccomp:\s+2$/m);
  t.regex(status, /^CapBnd:\s+0000000000000400$/m, 'only NET_BIND_SERVICE');
  t.regex(podman.exec(`${pod}-app`, ['/usr/bin/touch', '/etc/x']).stderr, /Read-only file system/);
  t.is(podman.exec(`${pod}-app`, ['/usr/bin/stat', '-c', '%a %U', '/var/cache/nginx']).stdout.trim(), '777 root', "a kubelet's emptyDir");
  const limits = JSON.parse(podman.run(['inspect', `${pod}-app`, '--format', '{{json .HostConfig}}']).stdout) as { Memory: number; CpuQuota: number; CpuPeriod: number };
  t.is(limits.Memory, 512 * 1024 * 1024);
  t.is(limits.CpuQuota / limits.CpuPeriod, 1);
  podman.remove(original);
  podman.remove(pod);
});

test.serial('port 80 as a non-root user: the pod sysctl serves where the capability is not given (containerd gives a non-root process no ambient capabilities); without both, nginx cannot bind', async (t) => {
  const hardened = objects((await hardenManifests(DEPLOYMENT, '/x/m.yaml', OPTIONS)).output)[0] as Record<string, never>;
  const spec = (hardened['spec'] as unknown as { template: { spec: { containers: { securityContext: { capabilities: { add?: string[] } } }[]; securityContext: { sysctls?: unknown } } } }).template.spec;
  const container = spec.containers[0];
  if (container !== undefined) delete container.securityContext.capabilities.add;
  const alone = podman.play(hardened, standIns(['nginx:1.27']));
  t.true(await serves(alone, hardened), 'the sysctl alone');
  podman.remove(alone);
  delete spec.securityContext.sysctls;
  const pod = podman.play(hardened, standIns(['nginx:1.27']));
  await eventually('nginx fails to bind', async () => {
    const logs = podman.run(['logs', `${pod}-app`]);
    if (!/bind\(\) to 0\.0\.0\.0:80 failed \(13: Permission denied\)/.test(logs.stderr + logs.stdout)) throw new Error(logs.stderr);
  });
  podman.remove(pod);
  t.pass();
});

test.serial('a compose project written as manifests: redis runs as 999 and saves to its claim (a kubelet makes the claim the fsGroup\'s)', async (t) => {
  const compose = 'services:\n  cache:\n    image: redis:7\n    ports: ["6379:6379"]\n    volumes: ["data:/data"]\nvolumes:\n  data: {}\n';
  const conversion = await convertCompose(compose, '/x/compose.yaml', '/x/compose.k8s.yaml', OPTIONS);
  const all = objects((await hardenManifests(conversion.text, '/x/compose.k8s.yaml', OPTIONS)).output);
  t.deepEqual(all.map((o) => o['kind']), ['Deployment', 'Service', 'PersistentVolumeClaim']);
  const pod = podman.play(all[0], standIns(['redis:7']));
  t.true(await serves(pod, all[0]));
  t.regex(podman.probe(pod, "printf 'SET k v\\r\\nSAVE\\r\\n' | /bin/nc -w 2 127.0.0.1 6379").stdout, /\+OK\r\n\+OK/);
  t.regex(podman.exec(`${pod}-cache`, ['/usr/bin/stat', '-c', '%U %G', '/data/dump.rdb']).stdout, /^redis redis$/m);
  podman.remove(pod);
});

/** Each workload of `text` with only stand-in images and volumes a kubelet makes here: played before and after hardening. */
/** sdocker's own warning that a claim is not the user's (pod-edits.ts): the one reason a pod may serve before and not after. */
const CLAIM_WARNING = /a fresh claim mounted at .* is root's/;

async function runCorpus(t: import('ava').ExecutionContext, label: string, before: Record<string, unknown>[], after: Record<string, unknown>[], said: (object: Record<string, unknown>) => K8sFinding[], tally: Map<string, number>): Promise<void> {
  for (const [i, object] of before.entries()) {
    const images = imagesOf(object);
    const name = `${label} ${String(object['kind'])}/${String((object['metadata'] as { name?: unknown } | undefined)?.name)}`;
    const count = (what: string): void => void tally.set(what, (tally.get(what) ?? 0) + 1);
    if (!['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job'].includes(String(object['kind']))) continue;
    count('workloads');
    if (images.length === 0 || !images.every((image) => STAND_INS[normalizeImage(image)] !== undefined)) continue;
    const volumes = JSON.stringify(object).match(/"volumes":\[[^\]]*\]/g)?.join('') ?? '';
    if (/"(?!name|emptyDir|persistentVolumeClaim|claimName|medium|sizeLimit|readOnly)[a-zA-Z]+":\{/.test(volumes)) {
      count('skipped: a volume of the node or the cluster');
      continue;
    }
    count('on stand-ins');
    const play = (o: unknown): string | undefined => {
      try {
        return podman.play(o, standIns(images));
      } catch (error) {
        t.log(`${name}: ${(error as Error).message}`);
        return undefined;
      }
    };
    const original = play(object);
    const servedBefore = original !== undefined && (await serves(original, object));
    if (original !== undefined) podman.remove(original);
    if (!servedBefore) {
      t.log(`${name}: does not serve before hardening either`);
      count('does not serve before');
      continue;
    }
    count('serves before');
    const findings = said(object);
    if (findings.some((f) => f.level === 'error')) {
      count('refused by sdocker');
      continue;
    }
    const hardened = play(after[i]);
    const ok = hardened !== undefined && (await serves(hardened, after[i]));
    if (hardened !== undefined) podman.remove(hardened);
    const warned = findings.some((f) => CLAIM_WARNING.test(f.message));
    if (!ok) t.log(`${name}: serves before, not after${warned ? ' (sdocker warned: a claim its user does not own)' : ''}`);
    count(ok ? 'serves after' : warned ? 'does not serve after: a claim its user does not own (warned)' : 'does not serve after');
  }
}

test.serial('manifests written by others, on stand-in images: every one that served before serves hardened', async (t) => {
  t.timeout(30 * 60_000);
  const tally = new Map<string, number>();
  for (const name of readdirSync(EXAMPLES).filter((n) => /\.ya?ml$/.test(n))) {
    const file = join(EXAMPLES, name);
    const text = readFileSync(file, 'utf8');
    const result = await hardenManifests(text, file, OPTIONS).catch(() => undefined);
    if (result === undefined) continue;
    const said = (o: Record<string, unknown>): K8sFinding[] => result.findings.filter((f) => f.service.startsWith(`${String(o['kind'])}/${String((o['metadata'] as { name?: unknown }).name)}`));
    await runCorpus(t, name, objects(text), objects(result.output), said, tally);
  }
  const compose = new Map<string, number>();
  for (const name of readdirSync(COMPOSE).filter((n) => /\.ya?ml$/.test(n))) {
    const file = join(COMPOSE, name);
    const conversion = await convertCompose(readFileSync(file, 'utf8'), file, `${file}.k8s.yaml`, OPTIONS);
    const result = await hardenManifests(conversion.text, `${file}.k8s.yaml`, OPTIONS);
    const said = (o: Record<string, unknown>): K8sFinding[] => result.findings.filter((f) => f.service.startsWith(`Deployment/${String((o['metadata'] as { name?: unknown }).name)}`));
    await runCorpus(t, name, objects(conversion.text), objects(result.output), said, compose);
  }
  t.log(`kubernetes/examples: ${JSON.stringify(Object.fromEntries(tally))}`);
  t.log(`awesome-compose as manifests: ${JSON.stringify(Object.fromEntries(compose))}`);
  for (const counts of [tally, compose]) {
    t.true((counts.get('serves before') ?? 0) > 0);
    t.is(counts.get('does not serve after') ?? 0, 0);
  }
});

test.serial("docker's containers still reach each other after podman ran (podman added no bridge and no iptables rule)", (t) => {
  const rules = execFileSync('iptables-save', { encoding: 'utf8' });
  t.notRegex(rules, /CNI-|NETAVARK|cni-podman/);
  const network = uniqueName('sdk8s-net');
  const [server, client] = [uniqueName('sdk8s-srv'), uniqueName('sdk8s-cli')];
  try {
    docker('network', 'create', ...LABEL_ARGS, network);
    docker('run', '-d', '--name', server, ...LABEL_ARGS, '--network', network, 'sdocker-test/busybox:1', '/bin/httpd', '-f', '-p', '8080', '-h', '/www');
    const ip = docker('inspect', '-f', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, server);
    const status = dockerStatus('run', '--rm', '--name', client, ...LABEL_ARGS, '--network', network, 'sdocker-test/busybox:1', '/bin/sh', '-c', `end=$(( $(/bin/date +%s) + 60 )); while [ $(/bin/date +%s) -lt $end ]; do /bin/wget -qO- http://${ip}:8080/ && exit 0; /bin/sleep 0.5; done; exit 1`);
    t.is(status, 0);
  } finally {
    removeContainers(server, client);
    dockerStatus('network', 'rm', network);
  }
});
