// `sdocker audit IMAGE` end to end on the images built for it (test/images/audit, issue 10):
// each is wrong in one way only, and the audit's warnings say exactly that one; the clean image
// has none; secrets never appear unmasked in the report.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { CLI } from './helpers/cli.js';
import { engineProblem } from './helpers/engine.js';

test.before(() => {
  const problem = engineProblem();
  if (problem !== undefined) throw new Error(problem);
});

interface Report {
  findings: { target: { kind: string; name: string }; check: string; cis: string | null; result: string; message: string; evidence: string }[];
}

function audit(image: string): { code: number | null; report: Report; raw: string } {
  const result = spawnSync(process.execPath, [CLI, 'audit', image, '--format', 'json', '--fail-on', 'warn'], { encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, report: JSON.parse(result.stdout) as Report, raw: result.stdout };
}

const CASES: [image: string, warns: string[]][] = [
  ['sdtest/audit-root:1', ['image-user']],
  ['sdtest/audit-user0:1', ['image-user']],
  ['sdtest/audit-setuid-removed:1', []],
  ['sdtest/audit-setuid:1', ['image-setuid']],
  ['sdtest/audit-aws-env:1', ['image-secrets']],
  ['sdtest/audit-secret-deleted:1', ['image-secrets', 'image-secrets']],
  ['sdtest/audit-add-url:1', ['image-add']],
  ['sdtest/audit-clean:1', []],
];

for (const [image, warns] of CASES) {
  test(`audit ${image}: warns ${warns.length === 0 ? 'nothing' : warns.join(', ')}`, (t) => {
    const { code, report } = audit(image);
    const warned = report.findings.filter((f) => f.result === 'warn');
    t.deepEqual(warned.map((f) => f.check).sort(), [...warns].sort(), JSON.stringify(warned, null, 2));
    t.is(code, warns.length === 0 ? 0 : 1, 'exit 1 exactly when there is a warning (--fail-on warn)');
    t.true(report.findings.every((f) => f.target.kind === 'image' && f.target.name === image));
    t.true(report.findings.some((f) => f.result === 'pass'), 'passes are listed in JSON');
  });
}

test('a secret is reported masked, with where it is: the layer, and that a later layer deleted it', (t) => {
  const aws = audit('sdtest/audit-aws-env:1');
  t.false(aws.raw.includes('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'), 'never the whole value');
  const deleted = audit('sdtest/audit-secret-deleted:1').report.findings.filter((f) => f.check === 'image-secrets' && f.result === 'warn');
  t.true(deleted.some((f) => /\/app\/id_ed25519.*layer \d+.*deleted in a later layer/.test(f.message)));
  t.true(deleted.some((f) => /\/app\/\.env.*deleted in a later layer/.test(f.message)));
  t.false(deleted.some((f) => /ghp_[0-9a-f]{20,}/.test(`${f.message} ${f.evidence}`)), 'the token is masked');
});
