// sdocker's own commands (docker has none of these names), parsed with commander. Loaded only
// when one is used, so passing a command through to docker never pays for commander.
import { Command, CommanderError } from 'commander';
import type { Deps } from './main.js';
import { findProjectConfig } from './policy/load.js';
import { INJECTIONS, REFUSALS, type RuleRow } from './policy/rules.js';
import { trustFile } from './policy/trust.js';
import { SHELLS, shellInit, type Shell } from './shell.js';
import { SdockerError, EXIT_USAGE } from './errors.js';

export async function runOwn(args: readonly string[], deps: Deps): Promise<number> {
  const program = new Command('sdocker')
    .description('docker, hardened by default: run/create/exec get least privilege, limits and isolation; every other command goes to docker unchanged.')
    .helpOption('--sd-help', 'show sdocker\'s own commands and options')
    .version(await version(), '--sd-version', 'show sdocker\'s version')
    .addHelpText('after', OWN_FLAGS_HELP)
    .exitOverride()
    .configureOutput({ writeOut: deps.stdout, writeErr: deps.stderr });
  program
    .command('shell-init')
    .argument('<shell>', `one of ${SHELLS.join(', ')}`)
    .description('print a shell function that routes run/create/exec through sdocker')
    .action((shell: string) => {
      if (!(SHELLS as readonly string[]).includes(shell)) throw new SdockerError(`sdocker: unknown shell '${shell}'; use one of ${SHELLS.join(', ')}`, EXIT_USAGE);
      deps.stdout(shellInit(shell as Shell));
    });
  program
    .command('rules')
    .option('--markdown', 'as a Markdown table (the README\'s)')
    .description('list every refusal and every injected default, with its CIS id and reason')
    .action((options: { markdown?: boolean }) => deps.stdout(options.markdown === true ? rulesMarkdown() : rulesText()));
  program
    .command('trust')
    .argument('[file]', "the project's .sdocker.yml (default: the nearest one)")
    .description("let a project's .sdocker.yml loosen the policy, for this exact content")
    .action((file: string | undefined) => {
      const target = file ?? findProjectConfig(deps.cwd);
      if (target === undefined) throw new SdockerError('sdocker: no .sdocker.yml here or above; name the file', EXIT_USAGE);
      deps.stdout(`sdocker: trusted ${trustFile(target, deps.env)} (any edit revokes it)\n`);
    });
  try {
    await program.parseAsync([...args], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
    throw error;
  }
}

const OWN_FLAGS_HELP = `
Options read by run, create and exec (before the image, removed before docker runs):
  --sd-dry-run         print the hardened docker command, each addition and refusal with its reason; run nothing
  --sd-allow RULE      lift one refusal (RULE or RULE:ITEM, e.g. dangerous-cap:SYS_PTRACE); repeatable
  --sd-profile NAME    the profile to use (default: $SDOCKER_PROFILE, else "default")
Every other command and option is docker's: see docker --help.
`;

async function version(): Promise<string> {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function rows(): [string, 'refuses' | 'adds', RuleRow][] {
  return [
    ...Object.entries(REFUSALS).map(([id, row]) => [id, 'refuses', row] as [string, 'refuses', RuleRow]),
    ...Object.entries(INJECTIONS).map(([id, row]) => [id, 'adds', row] as [string, 'adds', RuleRow]),
  ];
}

function rulesText(): string {
  const width = Math.max(...rows().map(([id]) => id.length));
  return rows().map(([id, kind, row]) => `${id.padEnd(width)}  ${kind.padEnd(7)}  CIS ${row.cis.padEnd(4)}  ${row.title}: ${row.why}\n`).join('');
}

export function rulesMarkdown(): string {
  const header = '| rule | sdocker | CIS | what | why |\n|---|---|---|---|---|\n';
  return header + rows().map(([id, kind, row]) => `| \`${id}\` | ${kind} | ${row.cis} | ${row.title.replaceAll('|', '\\|')} | ${row.why.replaceAll('|', '\\|')} |\n`).join('');
}
