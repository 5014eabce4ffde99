// A service reaches the host's network namespace without `network_mode: host`: a top-level
// network whose name is `host` puts it there. Measured here (docker 28.2 client, engine 20.10):
// `docker stack deploy` of `networks: {hn: {external: true, name: host}}` starts the task with
// HostConfig.NetworkMode host (docker/cli cli/command/stack/swarm/deploy_composefile.go
// validateExternalNetworks skips names that are not user-defined), and docker-compose 1.29
// creates the container with NetworkMode host. Both must be the host-network refusal.
import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hardenCompose } from '../src/compose/edit/harden.js';

const FILE = join(mkdtempSync(join(tmpdir(), 'sdocker-host-networks-')), 'compose.yaml');

async function refused(text: string, target: 'compose' | 'swarm'): Promise<string[]> {
  const result = await hardenCompose(text, FILE, { profile: 'default', env: { NET: 'host' }, cliAllow: [], seccomp: undefined, target });
  return result.findings.filter((f) => f.level === 'error').map((f) => `${f.rule}: ${f.message}`);
}

const svc = (networks: string): string => `services:\n  s:\n    image: sdocker-test/busybox:1\n${networks}`;

const HOST_CASES: [string, string][] = [
  ['a list entry naming an external network called host', svc('    networks: [hn]\nnetworks:\n  hn:\n    external: true\n    name: host\n')],
  ['a map entry', svc('    networks:\n      hn: {}\nnetworks:\n  hn:\n    external: true\n    name: host\n')],
  ['the key itself, external', svc('    networks: [host]\nnetworks:\n  host:\n    external: true\n')],
  ['the v3 external: {name: host} form', svc('    networks: [hn]\nnetworks:\n  hn:\n    external:\n      name: host\n')],
  ['the default network, joined without a networks key', svc('networks:\n  default:\n    external: true\n    name: host\n')],
  ['a name read from the environment', svc('    networks: [hn]\nnetworks:\n  hn:\n    external: true\n    name: ${NET}\n')],
];

for (const [what, text] of HOST_CASES) {
  for (const target of ['compose', 'swarm'] as const) {
    test(`${target}: ${what} is refused as host-network`, async (t) => {
      const errors = await refused(text, target);
      t.true(errors.some((line) => line.startsWith('host-network: ')), errors.join('\n'));
    });
  }
}

test('a network of the project, or an external one of another name, is no refusal', async (t) => {
  t.deepEqual(await refused(svc('    networks: [hn, other]\nnetworks:\n  hn: {}\n  other:\n    external: true\n    name: backend\n'), 'swarm'), []);
  t.deepEqual(await refused(svc('    network_mode: bridge\n'), 'compose'), []);
});
