// `sdocker audit [TARGET...] [--engine] [--format F] [--fail-on T] [--verbose] [--profile P]`.
import { Command, CommanderError, Option } from 'commander';
import { EXIT_USAGE, SdockerError } from '../common/errors.js';
import { oneLineError } from '../common/suggest.js';
import type { FailOn, Format } from './report.js';

export interface AuditOptions {
  readonly targets: readonly string[];
  readonly engine: boolean;
  readonly format: Format;
  readonly failOn: FailOn;
  readonly verbose: boolean;
  readonly profile: string;
}

export const AUDIT_DESCRIPTION = "audit the engine, its containers (running or not) and their images against the CIS Docker Benchmark; fixes as commands";

/** undefined: help was printed. */
export function parseAudit(args: readonly string[], out: (text: string) => void, env: NodeJS.ProcessEnv): AuditOptions | undefined {
  let parsed: AuditOptions | undefined;
  const command = new Command('sdocker audit')
    .description(AUDIT_DESCRIPTION)
    .argument('[targets...]', 'containers (name or id) or images (reference or id); none: the engine, every container and every image they use')
    .option('--engine', "the engine's own checks (with targets: as well)")
    .addOption(new Option('--format <format>', 'text, json (every finding, fixes as argv) or sarif (warnings)').choices(['text', 'json', 'sarif']).default('text'))
    .addOption(new Option('--fail-on <level>', 'exit 1 when a finding is at or above: warn, info, or none').choices(['warn', 'info', 'none']).default('warn'))
    .option('-v, --verbose', 'list passes and not-applicable checks too (text)')
    .option('--profile <name>', 'the profile whose suppressions apply', env['SDOCKER_PROFILE'] || 'default')
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: (text) => (parseError = text.trim()) })
    .action((targets: string[], o: { engine?: boolean; format: Format; failOn: FailOn; verbose?: boolean; profile: string }) => {
      parsed = { targets, engine: o.engine === true, format: o.format, failOn: o.failOn, verbose: o.verbose === true, profile: o.profile };
    });
  let parseError = '';
  try {
    command.parse([...args], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.exitCode === 0) return undefined;
    // commander's own message ("error: unknown option '--formt'\n(Did you mean --format?)"), one line, its suggestion kept.
    const line = oneLineError(parseError || error.message).trimEnd().replace(/^sdocker: /, 'sdocker audit: ');
    throw new SdockerError(line.includes('; did you mean ') ? line : `${line}; see sdocker audit --help`, EXIT_USAGE);
  }
  return parsed;
}
