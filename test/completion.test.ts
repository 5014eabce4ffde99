// Completion in the real shells: bash (COMP_WORDS/COMP_CWORD, then COMPREPLY), zsh (the
// function called with words/CURRENT set, compadd recorded) and fish (complete -C), each
// against the built sdocker and the real docker client's own completion.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completionScript } from '../src/completion/scripts.js';
import { shellInit, type Shell } from '../src/completion/shell.js';
import { CLI } from './helpers/cli.js';

/** A folder with `sdocker` (the build) and the script for `shell`; PATH for the shell. */
function setUp(shell: Shell): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sdocker-complete-'));
  symlinkSync(CLI, join(dir, 'sdocker'));
  writeFileSync(join(dir, `complete.${shell}`), completionScript(shell));
  writeFileSync(join(dir, `init.${shell}`), shellInit(shell));
  return { dir, path: `${dir}:${process.env['PATH'] ?? ''}` };
}

function inShell(shell: Shell, script: string): string[] {
  const { dir, path } = setUp(shell);
  const args = shell === 'zsh' ? ['-f', '-c', script] : ['-c', script];
  const result = spawnSync(shell, args, { encoding: 'utf8', cwd: dir, env: { ...process.env, PATH: path, HOME: dir } });
  if (result.status !== 0) throw new Error(`${shell}: ${result.stderr}`);
  return result.stdout.trimEnd().split('\n');
}

// line typed (the last word is being completed), then what must be offered, then what must not.
const CASES: [line: string, offered: string[], absent: string[]][] = [
  ['sdocker har', ['harden'], []],
  ['sdocker ', ['harden', 'completion', 'ps', 'run'], []],
  ['sdocker harden --al', ['--allow'], []],
  ['sdocker harden --allow dangerous-c', ['dangerous-cap'], []],
  ['sdocker shell-init ', ['bash', 'zsh', 'fish'], []],
  ['sdocker apparmor ', ['status', 'install'], []],
  ['sdocker run --sd-', ['--sd-dry-run', '--sd-allow', '--sd-profile'], []],
  ['sdocker run --sd-allow priv', ['privileged'], []],
  ['sdocker create --sd-profile st', ['strict'], []],
  ['sdocker run --sd-dry-run --netw', ['--network'], ['--sd-dry-run']],
  ['sdocker ps --al', ['--all'], []],
  ['sdocker run img --sd', [], ['--sd-dry-run']],
  ['sdocker learn --probe-p', ['--probe-port'], []],
];

/** bash: the line's words into COMP_WORDS, the function called, COMPREPLY printed on one line. */
function bashCall(line: string): string {
  return `COMP_WORDS=(${line.split(' ').map((w) => `'${w}'`).join(' ')}); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _sdocker_complete; echo "\${COMPREPLY[*]}"`;
}

function bashLines(lines: readonly string[]): string[] {
  return inShell('bash', `. ./complete.bash\n${lines.map(bashCall).join('\n')}\n`);
}

test('bash: sdocker words, rule ids and profiles are sdocker\'s; the rest docker\'s own', (t) => {
  const replies = bashLines(CASES.map(([line]) => line));
  CASES.forEach(([line, offered, absent], i) => {
    const reply = (replies[i] ?? '').split(' ');
    for (const word of offered) t.true(reply.includes(word), `${line} => ${replies[i]}`);
    for (const word of absent) t.false(reply.includes(word), `${line} => ${replies[i]}`);
  });
});

test("bash: the shell-init docker function gets sdocker's words for run, docker's alone for the rest", (t) => {
  const calls = ['docker run --sd-d', 'docker ps --al', 'docker '].map(bashCall).join('\n');
  const [registered, run, ps, first] = inShell('bash', `. ./init.bash\n. ./complete.bash\ncomplete -p docker\n${calls}\n`);
  t.is(registered, 'complete -o default -F _sdocker_complete docker');
  t.is(run, '--sd-dry-run');
  t.is(ps, '--all');
  t.false((first ?? '').split(' ').includes('harden'), "typed as docker, sdocker's own commands are not docker's");
  t.true((first ?? '').split(' ').includes('ps'));
  const without = inShell('bash', '. ./complete.bash\ncomplete -p docker 2>/dev/null || echo none\n');
  t.deepEqual(without, ['none'], 'without the function, docker keeps its own completion');
});

test('zsh: the script parses, and the function offers the same words', (t) => {
  const { dir } = setUp('zsh');
  t.is(spawnSync('zsh', ['-n', join(dir, 'complete.zsh')]).status, 0);
  // compadd and compdef exist only under compinit in a completion widget: recorded instead.
  const calls = CASES.map(([line]) => {
    const words = line.split(' ');
    return `words=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}; _sdocker; print -- '|'`;
  });
  const out = inShell('zsh', `compdef() { print -r -- "compdef $*" }\ncompadd() { while [[ $1 != -- ]]; do shift; done; shift; print -r -- "$*" }\n_files() { print -- _files }\nsource ./complete.zsh\n${calls.join('\n')}\n`);
  t.is(out[0], 'compdef _sdocker sdocker');
  const replies = out.slice(1).join('\n').split('|\n').map((block) => block.replace(/\|$/, '').trim());
  CASES.forEach(([line, offered, absent], i) => {
    const reply = (replies[i] ?? '').split(/\s+/);
    for (const word of offered) t.true(reply.includes(word), `${line} => ${replies[i]}`);
    for (const word of absent) t.false(reply.includes(word), `${line} => ${replies[i]}`);
  });
  t.is(replies[CASES.length], undefined);
  const files = inShell('zsh', `compdef() { : }\ncompadd() { : }\n_files() { print -- _files }\nsource ./complete.zsh\nwords=(sdocker harden ''); CURRENT=3; _sdocker\n`);
  t.deepEqual(files, ['_files'], "harden's files are the shell's file names");
});

test('fish: complete -C offers the same words', (t) => {
  const commands = CASES.map(([line]) => `complete -C '${line}'; echo '|'`);
  const out = inShell('fish', `source ./complete.fish\n${commands.join('\n')}\n`);
  const replies = out.join('\n').split('|').map((block) => block.trim().split('\n').map((row) => row.split('\t')[0]));
  CASES.forEach(([line, offered, absent], i) => {
    for (const word of offered) t.true(replies[i]?.includes(word), `${line} => ${replies[i]?.join(' ')}`);
    for (const word of absent) t.false(replies[i]?.includes(word), `${line} => ${replies[i]?.join(' ')}`);
  });
});
