// The manual's promises: the README is a front door (set-up, a tour, links to every page), each
// page of docs/ starts with an example that works as printed (run here in-process, or on the
// engine in engine-docs.test.ts), every link resolves, and every sdocker line of a shell block
// is one sdocker reads: an own command with its own options, a run whose flags the planner takes,
// or a docker command.
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DOCKER_COMMANDS, OWN_COMMANDS } from '../src/docker/words.js';
import { commandLines, expectedCodes, needsEngine, pages, ROOT, sdockerCommands, shellBlocks, words } from './helpers/docs.js';
import { runMain } from './helpers/fakes.js';

const ALL = pages();
const DOCS = ALL.filter((p) => p.file.startsWith('docs/'));
const README = ALL.find((p) => p.file === 'README.md')?.text ?? '';
const ENV = { HOME: '/nonexistent-home', XDG_CONFIG_HOME: '/nonexistent-home/.config' };

test('the README is a front door: at most 150 lines, set-up, a tour, and a link to every page', (t) => {
  t.true(README.split('\n').length <= 150, `${README.split('\n').length} lines`);
  t.regex(README, /^## Set-up$/m);
  t.regex(README, /^## A short tour$/m);
  for (const page of DOCS) t.true(README.includes(`](${page.file})`), `README links ${page.file}`);
  t.true(DOCS.length >= 10, 'one page per command or topic');
});

test('every page starts with an example: its title, then a shell block', (t) => {
  for (const page of DOCS) {
    const [title, ...rest] = page.text.split('\n');
    t.regex(title ?? '', /^# \S/, page.file);
    t.is(rest.find((line) => line !== ''), '```sh', `${page.file}: the first thing after the title is an example`);
  }
});

/** GitHub's anchor of a heading: lower case, punctuation but - and _ dropped, spaces as -. */
function anchor(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}_\- ]/gu, '').replaceAll(' ', '-');
}

function anchorsOf(text: string): Set<string> {
  const outside = text.replace(/^```[\s\S]*?^```$/gm, '');
  return new Set([...outside.matchAll(/^#+ (.*)$/gm)].map((m) => anchor(m[1] ?? '')));
}

test('every link of the README and the pages resolves: the file, and the heading of an #anchor', (t) => {
  let links = 0;
  for (const page of ALL) {
    const prose = page.text.replace(/^```[\s\S]*?^```$/gm, '');
    for (const [, target = ''] of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      links += 1;
      const [path = '', hash] = target.split('#');
      const file = path === '' ? join(ROOT, page.file) : join(ROOT, dirname(page.file), path);
      t.true(existsSync(file), `${page.file}: ${target} names no file`);
      if (hash !== undefined) t.true(anchorsOf(readFileSync(file, 'utf8')).has(hash), `${page.file}: ${target} names no heading`);
    }
  }
  t.true(links > 20, `${links} links checked`);
});

/** `sdocker help CMD`, once per command. */
const helps = new Map<string, Promise<string>>();
function helpOf(command: string): Promise<string> {
  if (!helps.has(command)) helps.set(command, runMain(['help', command], { env: ENV }).then((r) => r.stdout + r.stderr));
  return helps.get(command) as Promise<string>;
}

/** Why sdocker would not read these words (the words after `sdocker`) as written; undefined: it reads them. */
async function misread(args: readonly string[]): Promise<string | undefined> {
  const [command = ''] = args;
  if (command === 'run' || command === 'create') {
    // The planner reads it; placeholders aside, it is not a usage error.
    const result = await runMain(['run', '--sd-dry-run', ...args.slice(1)], { env: ENV });
    const said = result.stdout + result.stderr;
    return result.code === 2 || /unknown (option|flag|shorthand)/.test(said) ? said.trim() : undefined;
  }
  if (OWN_COMMANDS.has(command) && command !== 'help') {
    const help = await helpOf(command);
    const unknown = args.filter((a) => a.startsWith('--')).map((a) => a.split('=')[0] ?? a).filter((option) => !new RegExp(`(^|[\\s,[])${option}($|[\\s,=<[\\]])`, 'm').test(help));
    return unknown.length === 0 ? undefined : `sdocker help ${command} knows no ${unknown.join(', ')}`;
  }
  return command.startsWith('-') || DOCKER_COMMANDS.has(command) || command === 'help' ? undefined : `${command} is neither sdocker's nor docker's`;
}

test('every sdocker line of a shell block is one sdocker reads', async (t) => {
  let checked = 0;
  for (const page of ALL) {
    for (const line of shellBlocks(page.text).flatMap(commandLines)) {
      for (const args of sdockerCommands(line.command).map((w) => w.slice(1))) {
        checked += 1;
        t.is(await misread(args), undefined, `${page.file}: ${line.command}`);
      }
    }
  }
  t.true(checked > 40, `${checked} sdocker lines`);
});

test('the check of those lines fails on a misspelt option, run flag or command', async (t) => {
  for (const bad of [['harden', '--chek'], ['run', '--privilegd', 'alpine'], ['run', '--sd-dryrun', 'alpine'], ['audit', '--engin'], ['lern', 'nginx']]) {
    t.truthy(await misread(bad), bad.join(' '));
  }
  t.is(await misread(['run', '--rm', '-p', '8080:80', 'nginx']), undefined);
});

test("each page's first example works as printed: in-process here, or listed for the engine test", async (t) => {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  for (const page of DOCS) {
    const first = commandLines(shellBlocks(page.text)[0] ?? []);
    t.true(first.length > 0, page.file);
    for (const line of first) {
      const where = `${page.file}: ${line.command}`;
      for (const part of line.command.split('&&').map((p) => words(p.trim()))) {
        if (part[0] === 'npm') t.truthy(scripts[part[1] === 'run' ? part[2] ?? '' : part[1] ?? ''], `${where}: no such npm script`);
        else if (part[0] === 'npx' && part[1] === 'ava') for (const file of part.slice(2)) t.true(existsSync(join(ROOT, file)), `${where}: ${file}`);
        else if (part[0] === 'sdocker' && !needsEngine(part.slice(1), line.comment)) {
          const result = await runMain(part.slice(1), { env: ENV, cwd: ROOT });
          t.true(expectedCodes(line.comment).includes(result.code), `${where}: exit ${result.code}: ${result.stderr}`);
          t.not(result.stdout + result.stderr, '', `${where}: says something`);
          if (result.code === 125) t.regex(result.stderr, /^sdocker: refusing /, `${where}: a refusal, not a mistake`);
        } else t.true(part[0] === 'sdocker', `${where}: a first example runs sdocker, npm or npx ava`);
      }
    }
  }
});
