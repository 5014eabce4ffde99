// The secret scanner is called once per small file of every layer: it must stay cheap per call
// and must not pile up secretlint's profiler marks (secretlint issues 1633/1653: on by default
// in 11.x library use; its observer rescans every earlier mark, so cost and memory grow). What it
// costs per file is measured by bench/secrets.mjs: a timed assertion fails on a busy machine.
import test from 'ava';
import { performance } from 'node:perf_hooks';
import { SecretLintProfiler, secretLintProfiler } from '@secretlint/profiler';
import { findSecrets } from '../src/audit/secrets.js';
import { secretEngine } from '../src/audit/secret-engine.js';
import { fakeGithubToken } from './helpers/secrets.js';
import { seeded } from './helpers/seed.js';

const coreMarks = (): number => performance.getEntriesByType('mark').filter((e) => e.name.startsWith('@core>')).length;

/** A config file of about 2 KiB, the usual size of what a layer's /etc and /app hold. */
const CONFIG = Array.from({ length: 60 }, (_, i) => `setting_${i} = value-${i} # comment ${i}`).join('\n');

test.serial("secretlint's profiler is off: scanning leaves no marks in the performance timeline", async (t) => {
  await findSecrets(CONFIG, { kind: 'file', name: '/etc/app.conf', layer: 0 });
  performance.clearMarks();
  for (let i = 0; i < 50; i++) await findSecrets(CONFIG, { kind: 'file', name: `/etc/app${i}.conf`, layer: 0 });
  t.is(coreMarks(), 0);
  // The same timeline does record a mark the profiler's own method makes: the check can see one.
  SecretLintProfiler.prototype.mark.call(secretLintProfiler, { type: '@core>lint::start', id: 'probe' });
  t.is(coreMarks(), 1);
  performance.clearMarks();
});

test.serial('the engine is loaded once: every call after the first reuses it, and still scans', async (t) => {
  const first = await secretEngine();
  for (let i = 0; i < 20; i++) await findSecrets(CONFIG, { kind: 'file', name: `/etc/f${i}.conf`, layer: 1 });
  t.is(await secretEngine(), first);
  // The calls did scan: the same call finds a token in the same file.
  const hits = await findSecrets(`${CONFIG}\ntoken = ${fakeGithubToken(seeded(t))}\n`, { kind: 'file', name: '/etc/f.conf', layer: 1 });
  t.is(hits.length, 1);
});
