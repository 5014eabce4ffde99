// The first examples of the manual that need a real engine (learn, explain, doctor, audit, a run
// that runs), run as printed on this engine: the command, its words and its promised exit code,
// with two stand-ins only: an image the page names is replaced by the local image built in its
// place (there is no registry here: test/helpers/docs.ts STAND_INS), and a container's name by
// one of this run's. Each page's lines run in order, in a config folder of their own.
import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { commandLines, expectedCodes, needsEngine, pages, ROOT, sdockerCommands, shellBlocks, STAND_INS } from './helpers/docs.js';
import { engineSuite } from './helpers/engine.js';

const { named } = engineSuite(test);

const firstExamples = pages()
  .filter((page) => page.file.startsWith('docs/'))
  .map((page) => ({ file: page.file, lines: commandLines(shellBlocks(page.text)[0] ?? []).flatMap((line) => sdockerCommands(line.command).map((args) => ({ ...line, args: args.slice(1) }))) }))
  .filter((page) => page.lines.some((line) => needsEngine(line.args, line.comment)));

test('the pages whose first example needs the engine: learn, configuration, audit', (t) => {
  t.deepEqual(firstExamples.map((page) => page.file).sort(), ['docs/audit.md', 'docs/configuration.md', 'docs/learn.md']);
});

for (const page of firstExamples) {
  test(`${page.file}: its first example works as printed`, async (t) => {
    const home = mkdtempSync(join(tmpdir(), 'sdocker-docs-'));
    const env = { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache') };
    const names = new Map<string, string>();
    // A name given with --name (and used again later, by explain) becomes one of this run's.
    const local = (args: readonly string[]): string[] => {
      for (let i = 0; i < args.length - 1; i += 1) if (args[i] === '--name' && !names.has(args[i + 1] ?? '')) names.set(args[i + 1] ?? '', named('sddocs'));
      return args.map((word) => STAND_INS[word] ?? names.get(word) ?? word);
    };
    for (const line of page.lines) {
      const args = local(line.args);
      const result = await runCli(args, env, undefined, ROOT);
      t.log(`sdocker ${args.join(' ')}: exit ${result.code}`);
      t.true(expectedCodes(line.comment).includes(result.code ?? -1), `sdocker ${args.join(' ')}: exit ${result.code}\n${result.stderr}`);
      t.not(result.stdout + result.stderr, '', 'it says something');
    }
  });
}
