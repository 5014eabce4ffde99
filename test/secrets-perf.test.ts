// The secret scanner is called once per small file of every layer: it must stay cheap per call
// and must not pile up secretlint's profiler marks (secretlint issues 1633/1653: on by default
// in 11.x library use; its observer rescans every earlier mark, so cost and memory grow).
import test from 'ava';
import { performance } from 'node:perf_hooks';
import { SecretLintProfiler, secretLintProfiler } from '@secretlint/profiler';
import { findSecrets } from '../src/audit/secrets.js';
import { fakeGithubToken } from './helpers/secrets.js';

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

test.serial('per-file cost: a 2 KiB file, then 1 MiB, timed after the engine is loaded', async (t) => {
  await findSecrets(CONFIG, { kind: 'file', name: '/warm', layer: 0 });
  const files = 2000;
  let start = performance.now();
  for (let i = 0; i < files; i++) await findSecrets(CONFIG, { kind: 'file', name: `/etc/f${i}.conf`, layer: 1 });
  const small = (performance.now() - start) / files;
  const big = `${CONFIG}\n`.repeat(Math.floor((1 << 20) / (CONFIG.length + 1)));
  start = performance.now();
  for (let i = 0; i < 10; i++) await findSecrets(big, { kind: 'file', name: `/srv/big${i}.txt`, layer: 1 });
  const large = (performance.now() - start) / 10;
  t.log(`${small.toFixed(3)} ms per 2 KiB file, ${large.toFixed(1)} ms per 1 MiB file`);
  // Generous bounds (measured ~0.03 and ~5 ms here): a regression to per-call engine set-up or a
  // growing profiler shows as 10x and more.
  t.true(small < 1, `${small} ms per small file`);
  t.true(large < 100, `${large} ms per 1 MiB file`);
  // The loop did scan: the same call finds a token in the same file.
  const hits = await findSecrets(`${CONFIG}\ntoken = ${fakeGithubToken()}\n`, { kind: 'file', name: '/etc/f.conf', layer: 1 });
  t.is(hits.length, 1);
});
