// Manifests written by others, hardened (issue 24's measure): kubernetes/examples (123 files,
// Apache-2.0) and the awesome-compose corpus written as manifests. For each workload: valid for
// the Kubernetes 1.34 API before and after, and whether it meets Pod Security Standards
// "restricted" by the test's own checker. Held: hardening never makes a valid object invalid; a
// hardened pod sdocker does not refuse meets restricted unless sdocker itself says why not
// (rule pod-security), and then the checker agrees it does not; hardening twice changes nothing.
// The figures are logged (`npx ava --verbose dist/test/k8s-corpus.test.js`).
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { convertCompose } from '../src/k8s/convert.js';
import { hardenManifests } from '../src/k8s/harden.js';
import type { K8sFinding } from '../src/k8s/types.js';
import { schemaErrors, schemaKnows } from './helpers/k8s-schema.js';
import { podOfObject, restrictedViolations } from './helpers/pod-security.js';

const EXAMPLES = fileURLToPath(new URL('../../test/fixtures/k8s-examples/', import.meta.url));
const COMPOSE = fileURLToPath(new URL('../../test/fixtures/awesome-compose/', import.meta.url));
const OPTIONS = { profile: 'default', env: { HOME: '/home/u' }, cliAllow: [] };

interface Tally {
  workloads: number;
  validBefore: number;
  validAfter: number;
  restrictedBefore: number;
  restrictedAfter: number;
  refused: number;
  /** Why a hardened, unrefused pod is not restricted, as sdocker says it: reason -> pods. */
  reasons: Map<string, number>;
}

const tally = (): Tally => ({ workloads: 0, validBefore: 0, validAfter: 0, restrictedBefore: 0, restrictedAfter: 0, refused: 0, reasons: new Map() });

function objects(text: string): unknown[] {
  return parseAllDocuments(text).map((d) => d.toJS() as unknown).filter((o) => o !== null && o !== undefined);
}

/** Compare before and after, object by object (hardening neither adds nor removes documents). */
function measure(t: import('ava').ExecutionContext, into: Tally, before: unknown[], after: unknown[], findings: readonly K8sFinding[]): void {
  t.is(after.length, before.length, 'as many objects after as before');
  before.forEach((object, i) => {
    const pod = podOfObject(object);
    const hardened = after[i];
    if (!schemaKnows(object)) {
      if (pod !== undefined) into.workloads += 1;
      return;
    }
    const valid = schemaErrors(object).length === 0;
    const validAfter = schemaErrors(hardened).length === 0;
    if (valid) t.deepEqual(schemaErrors(hardened), [], `object ${i} stays valid`);
    if (pod === undefined) return;
    into.workloads += 1;
    into.validBefore += valid ? 1 : 0;
    into.validAfter += validAfter ? 1 : 0;
    const label = `${String((object as { kind: unknown }).kind)}/${String((object as { metadata?: { name?: unknown } }).metadata?.name)}`;
    into.restrictedBefore += restrictedViolations(pod).length === 0 ? 1 : 0;
    const violations = restrictedViolations(podOfObject(hardened) ?? pod);
    into.restrictedAfter += violations.length === 0 ? 1 : 0;
    const mine = findings.filter((f) => f.service === label || f.service.startsWith(`${label}/`));
    if (mine.some((f) => f.level === 'error')) into.refused += 1;
    const said = mine.find((f) => f.rule === 'pod-security');
    t.is(said !== undefined, violations.length > 0, `${label}: sdocker says it is not restricted exactly when the checker finds ${JSON.stringify(violations)}`);
    if (said !== undefined && !mine.some((f) => f.level === 'error')) {
      for (const reason of said.message.replace(/^.*not restricted: /, '').split('; ')) {
        const key = reason.replace(/^[^:]+: (?=capability|privileged|hostPort|runAsNonRoot)/, '').replace(/volume \S+/, 'volume');
        into.reasons.set(key, (into.reasons.get(key) ?? 0) + 1);
      }
    }
  });
}

function report(t: import('ava').ExecutionContext, what: string, x: Tally): void {
  t.log(`${what}: ${x.workloads} workloads; valid for Kubernetes 1.34: ${x.validBefore} before, ${x.validAfter} after; restricted: ${x.restrictedBefore} before, ${x.restrictedAfter} after; ${x.refused} with a refusal`);
  for (const [reason, count] of [...x.reasons].sort((a, b) => b[1] - a[1])) t.log(`  not restricted (${count}): ${reason}`);
}

test('kubernetes/examples hardened: valid stays valid; restricted unless refused or said why; idempotent', async (t) => {
  const files = readdirSync(EXAMPLES).filter((name) => /\.ya?ml$/.test(name));
  t.is(files.length, 123);
  const x = tally();
  let unread = 0;
  for (const name of files) {
    const file = join(EXAMPLES, name);
    const text = readFileSync(file, 'utf8');
    let result: Awaited<ReturnType<typeof hardenManifests>>;
    try {
      result = await hardenManifests(text, file, OPTIONS);
    } catch (error) {
      unread += 1;
      t.log(`${name}: not read: ${(error as Error).message}`);
      continue;
    }
    measure(t, x, objects(text), objects(result.output), result.findings);
    t.is((await hardenManifests(result.output, file, OPTIONS)).output, result.output, `${name}: idempotent`);
  }
  report(t, `kubernetes/examples (${files.length - unread} of ${files.length} files read)`, x);
  t.true(x.restrictedAfter > x.restrictedBefore);
});

test('awesome-compose written as manifests: every object valid; restricted unless refused or said why; the translation alone fails restricted', async (t) => {
  const files = readdirSync(COMPOSE).filter((name) => /\.ya?ml$/.test(name));
  const x = tally();
  for (const name of files) {
    const file = join(COMPOSE, name);
    const conversion = await convertCompose(readFileSync(file, 'utf8'), file, `${file}.k8s.yaml`, OPTIONS);
    const result = await hardenManifests(conversion.text, `${file}.k8s.yaml`, OPTIONS);
    const before = objects(conversion.text);
    for (const object of objects(result.output)) t.deepEqual(schemaErrors(object), [], `${name}: ${JSON.stringify(object).slice(0, 80)}`);
    measure(t, x, before, objects(result.output), result.findings);
  }
  report(t, `awesome-compose (${files.length} projects)`, x);
  t.is(x.validAfter, x.workloads);
  t.is(x.restrictedBefore, 0, 'the plain translation meets restricted nowhere');
});
