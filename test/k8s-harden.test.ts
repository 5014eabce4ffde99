// harden --target k8s on Kubernetes manifests: every workload kind's pod gets the run rules in
// Kubernetes' words; the result is valid for the Kubernetes 1.34 API (its own schema) and meets
// Pod Security Standards "restricted" by a checker written from the standard's text (both in
// test/helpers, independent of src/); the input does not. Comments, other documents and
// untouched bytes stay; hardening twice changes nothing; refusals are lifted by the same allows.
import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { hardenManifests } from '../src/k8s/harden.js';
import { runMain } from './helpers/fakes.js';
import { schemaErrors } from './helpers/k8s-schema.js';
import { podOfObject, restrictedViolations } from './helpers/pod-security.js';

const ENV = { HOME: '/nonexistent-home', XDG_CONFIG_HOME: '/nonexistent-home/.config' };
const OPTIONS = { profile: 'default', env: ENV, cliAllow: [] };

const POD_SPEC = `      containers:
        - name: app   # the app
          image: nginx:1.27
          ports:
            - containerPort: 80
`;

/** Each kind, its pod template written where the kind keeps it. */
const KINDS: Record<string, string> = {
  Pod: `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n${POD_SPEC.replace(/^ {4}/gm, '')}`,
  Deployment: `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  selector:\n    matchLabels: {app: d}\n  template:\n    metadata:\n      labels: {app: d}\n    spec:\n${POD_SPEC}`,
  StatefulSet: `apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: s\nspec:\n  serviceName: s\n  selector:\n    matchLabels: {app: s}\n  template:\n    metadata:\n      labels: {app: s}\n    spec:\n${POD_SPEC}`,
  DaemonSet: `apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: ds\nspec:\n  selector:\n    matchLabels: {app: ds}\n  template:\n    metadata:\n      labels: {app: ds}\n    spec:\n${POD_SPEC}`,
  ReplicaSet: `apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: rs\nspec:\n  selector:\n    matchLabels: {app: rs}\n  template:\n    metadata:\n      labels: {app: rs}\n    spec:\n${POD_SPEC}`,
  Job: `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n${POD_SPEC}`,
  CronJob: `apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: cj\nspec:\n  schedule: "0 * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n${POD_SPEC.replace(/^/gm, '    ')}`,
};

function objects(text: string): unknown[] {
  return parseAllDocuments(text).map((d) => d.toJS() as unknown);
}

for (const [kind, text] of Object.entries(KINDS)) {
  test(`${kind}: valid before and after, fails restricted before, meets it after, idempotent`, async (t) => {
    const [before] = objects(text);
    t.deepEqual(schemaErrors(before), [], 'the input is valid');
    t.true(restrictedViolations(podOfObject(before) as never).length > 0, 'the input fails restricted');
    const once = await hardenManifests(text, '/x/m.yaml', OPTIONS);
    const [after] = objects(once.output);
    t.deepEqual(schemaErrors(after), []);
    t.deepEqual(restrictedViolations(podOfObject(after) as never), []);
    t.true(once.output.startsWith(text.split('# the app')[0] as string), 'the text before the first change is kept byte for byte');
    t.true(once.output.includes('- name: app   # the app'), 'comments stay');
    t.is((await hardenManifests(once.output, '/x/m.yaml', OPTIONS)).output, once.output);
    t.false(once.findings.some((f) => f.level === 'error' || f.rule === 'pod-security'));
  });
}

test('a stream: other kinds, comments between documents and an empty document come back as written', async (t) => {
  const service = '# the service\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports: [{port: 80}]   # kept\n';
  const text = `${service}---\n${KINDS['Pod'] ?? ''}---\n# nothing here\n---\n${service}`;
  const result = await hardenManifests(text, '/x/m.yaml', OPTIONS);
  const parts = result.output.split('---\n');
  t.is(parts[0], service);
  t.is(parts[2], '# nothing here\n');
  t.is(parts[3], service);
  t.deepEqual(result.objects, ['Pod/p']);
  const pod = parseAllDocuments(result.output)[1]?.toJS() as unknown;
  t.deepEqual(restrictedViolations(podOfObject(pod) as never), []);
  const clean = await hardenManifests(`${service}---\n${service}`, '/x/m.yaml', OPTIONS);
  t.is(clean.output, `${service}---\n${service}`, 'nothing to harden: byte for byte');
});

test('the image profile: nginx runs as 101 with its scratch paths as memory emptyDirs, port 80 by NET_BIND_SERVICE and the port-start sysctl', async (t) => {
  const result = await hardenManifests(KINDS['Deployment'] ?? '', '/x/m.yaml', OPTIONS);
  const spec = (objects(result.output)[0] as { spec: { template: { spec: Record<string, unknown> } } }).spec.template.spec;
  const container = (spec['containers'] as Record<string, unknown>[])[0] as Record<string, unknown>;
  t.like(container['securityContext'], { runAsUser: 101, runAsGroup: 101, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } });
  t.deepEqual((container['volumeMounts'] as { mountPath: string }[]).map((m) => m.mountPath), ['/tmp', '/var/cache/nginx', '/var/run']);
  t.deepEqual((spec['volumes'] as { emptyDir: unknown }[]).map((v) => v.emptyDir), Array(3).fill({ medium: 'Memory', sizeLimit: '64Mi' }));
  t.deepEqual(container['resources'], { limits: { memory: '512Mi', cpu: '1' } });
  t.like(spec, { automountServiceAccountToken: false, securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] } });
});

test("what the file sets is kept: its own user, limits (warned above the profile's), token, seccomp and drop list", async (t) => {
  const text = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  automountServiceAccountToken: true\n  securityContext:\n    runAsUser: 1234\n    seccompProfile: {type: Localhost, localhostProfile: my.json}\n  containers:\n    - name: a\n      image: busybox\n      resources:\n        limits: {memory: 2Gi}\n        requests: {cpu: "2"}\n      securityContext:\n        capabilities: {drop: [NET_RAW]}\n`;
  const result = await hardenManifests(text, '/x/m.yaml', OPTIONS);
  const pod = objects(result.output)[0] as { spec: Record<string, unknown> };
  t.like(pod.spec, { automountServiceAccountToken: true, securityContext: { runAsUser: 1234, runAsNonRoot: true, seccompProfile: { type: 'Localhost', localhostProfile: 'my.json' } } });
  const c = (pod.spec['containers'] as Record<string, Record<string, unknown>>[])[0] as Record<string, Record<string, unknown>>;
  t.deepEqual(c['resources'], { limits: { memory: '2Gi', cpu: '2' }, requests: { cpu: '2' } }, 'the cpu limit is the request, which is above the profile');
  t.deepEqual((c['securityContext'] as { capabilities: unknown }).capabilities, { drop: ['NET_RAW', 'ALL'] });
  t.is((c['securityContext'] as Record<string, unknown>)['runAsUser'], undefined, 'the pod-level user stands');
  t.true(result.findings.some((f) => f.level === 'warning' && f.message === "limits.memory 2Gi is above the profile's 512Mi"));
  t.deepEqual(restrictedViolations(podOfObject(pod) as never), []);
});

const DANGER = `apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  selector:\n    matchLabels: {app: agent}\n  template:\n    metadata:\n      labels: {app: agent}\n    spec:\n      hostNetwork: true\n      hostPID: true\n      containers:\n        - name: agent\n          image: busybox\n          securityContext:\n            privileged: true\n            capabilities:\n              add: [SYS_ADMIN, NET_BIND_SERVICE]\n          volumeMounts:\n            - {name: sock, mountPath: /var/run/docker.sock}\n            - {name: certs, mountPath: /certs, readOnly: true}\n      volumes:\n        - name: sock\n          hostPath: {path: /var/run/docker.sock}\n        - name: certs\n          hostPath: {path: /etc/ssl/certs}\n`;

test('refusals in Kubernetes words at their line: host namespaces, privileged, a dangerous capability, the engine socket; a read-only hostPath below /etc is not refused', async (t) => {
  const result = await hardenManifests(DANGER, '/x/m.yaml', OPTIONS);
  const errors = result.findings.filter((f) => f.level === 'error').map((f) => `${f.line}:${f.rule}`);
  t.deepEqual(errors.sort(), ['12:host-network', '13:host-pid', '18:privileged', '20:dangerous-cap', '26:docker-socket'].sort());
  const message = result.findings.find((f) => f.rule === 'dangerous-cap')?.message ?? '';
  t.regex(message, /^refusing capabilities\.add: SYS_ADMIN: .*or allow it: annotation x-sdocker\/allow: "dangerous-cap:SYS_ADMIN" on the object, or --allow dangerous-cap:SYS_ADMIN$/);
  t.true(result.findings.some((f) => f.rule === 'pod-security' && /privileged, not restricted: hostNetwork: true; hostPID: true; hostPath volume sock; hostPath volume certs; agent: privileged; agent: capability SYS_ADMIN/.test(f.message)));
  t.is(result.findings.filter((f) => f.rule === 'sensitive-mount').length, 0);
});

test('lifted by the same allow rules: the annotation x-sdocker/allow on the object, or --allow; refusals become warnings', async (t) => {
  const allowed = DANGER.replace('  name: agent\n', '  name: agent\n  annotations:\n    x-sdocker/allow: "host-network, host-pid,privileged"\n');
  const result = await hardenManifests(allowed, '/x/m.yaml', { ...OPTIONS, cliAllow: ['dangerous-cap:SYS_ADMIN', 'docker-socket'] });
  t.deepEqual(result.findings.filter((f) => f.level === 'error'), []);
  t.is(result.findings.filter((f) => f.level === 'warning' && f.message.startsWith('allowed: ')).length, 5);
  await t.throwsAsync(hardenManifests(DANGER.replace('  name: agent\n', '  name: agent\n  annotations:\n    x-sdocker/allow: privilegd\n'), '/x/m.yaml', OPTIONS), { message: /'privilegd' in annotation x-sdocker\/allow of DaemonSet\/agent in \/x\/m\.yaml is not a refusal rule; did you mean privileged\?/ });
});

test('an image profile that needs root leaves baseline, said with the pod: capabilities the file grants keep root, as compose does', async (t) => {
  const text = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: db\n      image: postgres:16\n      securityContext:\n        capabilities: {add: [CHOWN]}\n`;
  const result = await hardenManifests(text, '/x/m.yaml', OPTIONS);
  const pod = objects(result.output)[0];
  const c = (pod as { spec: { containers: { securityContext: Record<string, unknown> }[] } }).spec.containers[0]?.securityContext;
  t.is(c?.['runAsUser'], undefined);
  t.deepEqual(c?.['capabilities'], { add: ['CHOWN', 'SETUID', 'SETGID', 'DAC_OVERRIDE'], drop: ['ALL'] });
  t.true(result.findings.some((f) => f.rule === 'pod-security' && f.message.startsWith('meets Pod Security Standards baseline, not restricted: db: capability CHOWN; db: capability SETUID')));
  t.true(restrictedViolations(podOfObject(pod) as never).includes('Capabilities: spec.containers[0] adds CHOWN'));
});

test('harden --target k8s on the command line: --check lists and sums up, --write writes, sarif names the rules', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-k8s-'));
  writeFileSync(join(dir, 'm.yaml'), KINDS['Deployment'] ?? '');
  const check = await runMain(['harden', '--target', 'k8s', '--check', 'm.yaml'], { cwd: dir });
  t.is(check.code, 1);
  t.regex(check.stdout, /^m\.yaml:\d+:\d+: change user \[Deployment\/d\/app\]: add runAsUser: 101$/m);
  t.regex(check.stdout.trimEnd().split('\n').at(-1) ?? '', /^1 file, 1 workload: \d+ changes, 0 refused$/);
  const sarif = JSON.parse((await runMain(['harden', '--target', 'k8s', '--format', 'sarif', 'm.yaml'], { cwd: dir })).stdout) as { runs: { tool: { driver: { rules: { id: string; properties: { cis: string } }[] } } }[] };
  t.like(sarif.runs[0]?.tool.driver.rules.find((r) => r.id === 'service-account-token'), { properties: { cis: 'K8s 5.1.6' } });
  const write = await runMain(['harden', '--target', 'k8s', '--write', 'm.yaml'], { cwd: dir });
  t.is(write.code, 0);
  t.regex(write.stderr, /^sdocker: hardened m\.yaml \(\d+ additions\)\n$/);
  const again = await runMain(['harden', '--target', 'k8s', '--check', 'm.yaml'], { cwd: dir });
  t.is(again.code, 0, again.stdout);
  t.deepEqual(restrictedViolations(podOfObject(objects(readFileSync(join(dir, 'm.yaml'), 'utf8'))[0]) as never), []);
  const bad = await runMain(['harden', '--target', 'k8s', '--override', 'm.yaml'], { cwd: dir });
  t.is(bad.code, 2);
});

test('a stream with a directive, a document end marker and CRLF: each document edited alone, the markers kept', async (t) => {
  const pod = (KINDS['Pod'] ?? '').replace(/\n/g, '\r\n');
  const text = `%YAML 1.2\r\n---\r\n${pod}...\r\n%YAML 1.2\r\n---\r\n${pod}`;
  const result = await hardenManifests(text, '/x/m.yaml', OPTIONS);
  t.is(result.objects.length, 2);
  t.true(result.output.startsWith('%YAML 1.2\r\n---\r\napiVersion: v1\r\n'));
  t.is(result.output.split('...\r\n%YAML 1.2\r\n---\r\n').length, 2);
  t.false(/[^\r]\n/.test(result.output), 'CRLF throughout');
  for (const object of objects(result.output)) t.deepEqual(restrictedViolations(podOfObject(object) as never), []);
  const line = result.findings.filter((f) => f.service === 'Pod/p/app' && f.rule === 'user').at(-1);
  t.true((line?.line ?? 0) > 10, 'positions count the lines of the documents before');
});

test('a compose project as manifests on the command line: --write writes FILE.k8s.yaml; what does not translate is said on stderr at its compose line', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-k8s-'));
  const compose = 'services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: example\n    volumes: [data:/var/lib/postgresql/data]\n    depends_on: [cache]\n    healthcheck:\n      test: [CMD, pg_isready]\n  cache:\n    image: redis:7\n    ports: ["6379:6379"]\n    command: redis-server --save 60 1\nvolumes:\n  data: {}\n';
  writeFileSync(join(dir, 'compose.yaml'), compose);
  const result = await runMain(['harden', '--target', 'k8s', '--write'], { cwd: dir });
  t.is(result.code, 0, result.stderr);
  t.regex(result.stderr, /^compose\.yaml:7:17: warning k8s-convert \[db\]: depends_on is not translated: /m);
  t.regex(result.stderr, /^compose\.yaml:9:7: warning k8s-convert \[db\]: healthcheck is not translated: write a readinessProbe or livenessProbe$/m);
  t.regex(result.stderr, /^sdocker: wrote compose\.k8s\.yaml from compose\.yaml \(2 workloads\)$/m);
  const written = objects(readFileSync(join(dir, 'compose.k8s.yaml'), 'utf8'));
  t.deepEqual(written.map((o) => (o as { kind: string }).kind), ['Deployment', 'Deployment', 'Service', 'PersistentVolumeClaim']);
  for (const object of written) t.deepEqual(schemaErrors(object), []);
  for (const object of written.slice(0, 2)) t.deepEqual(restrictedViolations(podOfObject(object) as never), []);
  const db = JSON.stringify(written[0]);
  t.true(db.includes('{"name":"POSTGRES_PASSWORD","value":"example"}') && db.includes('"claimName":"data"') && db.includes('"fsGroup":999') && db.includes('"strategy":{"type":"Recreate"}'));
  t.true(JSON.stringify(written[1]).includes('"args":["redis-server","--save","60","1"]'));
  const again = await runMain(['harden', '--target', 'k8s', '--check'], { cwd: dir });
  t.is(again.code, 0, 'the written file is what it would write');
  t.is((await runMain(['harden', '--target', 'k8s', '--diff'], { cwd: dir })).stdout, '');
});

test('a hostPort is bound to 127.0.0.1 as docker -p is; one with its own hostIP is kept', async (t) => {
  const text = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: busybox\n      ports:\n        - {containerPort: 8080, hostPort: 8080}\n        - {containerPort: 9090, hostPort: 9090, hostIP: 10.0.0.1}\n        - {containerPort: 7070}\n`;
  const ports = (objects((await hardenManifests(text, '/x/m.yaml', OPTIONS)).output)[0] as { spec: { containers: { ports: unknown[] }[] } }).spec.containers[0]?.ports;
  t.deepEqual(ports, [{ containerPort: 8080, hostPort: 8080, hostIP: '127.0.0.1' }, { containerPort: 9090, hostPort: 9090, hostIP: '10.0.0.1' }, { containerPort: 7070 }]);
});
