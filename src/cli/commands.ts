// sdocker's own commands (docker has none of these names), parsed with commander. Loaded only
// when one is used, so passing a command through to docker never pays for commander.
import { Command, CommanderError } from 'commander';
import type { HardenFlags } from '../compose/edit/command.js';
import type { Deps } from '../planner/deps.js';
import type { Item } from '../docker/parse.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APPARMOR_DIR, appArmorState, describeState } from '../policy/apparmor.js';
import { PACKAGE_ROOT } from '../common/paths.js';
import type { RulesOptions } from '../policy-view/command.js';
import { shellInit } from '../completion/shell.js';
import { SdockerError, EXIT_USAGE } from '../common/errors.js';
import { COMPOSE_OWN_HELP, OWN_FLAGS_HELP } from './help.js';
import { oneLineError } from '../common/suggest.js';
import { asShell, shellArgument } from '../completion/shell-argument.js';
import { judgedOnTheWay } from '../docker/words.js';

export async function runOwn(args: readonly string[], deps: Deps, globals: readonly Item[] = []): Promise<number> {
  // `sdocker help CMD` is `CMD --help` for sdocker's commands, docker's help for docker's (src/cli/help.ts).
  if (args[0] === 'help') {
    const help = await (await import('./help.js')).helpRequest(args.slice(1), deps, globals);
    if (typeof help === 'number') return help;
    return runOwn(help, deps);
  }
  // `stack deploy|up` (routed here by docker/invocation.ts) reads docker's grammar, not commander's.
  if (args[0] === 'stack') return (await import('../stack/deploy.js')).runStackDeploy(args, deps, globals);
  // build and service create|update (routed here by docker/invocation.ts): docker's own, judged on the way.
  if (args[0] !== undefined && judgedOnTheWay(args[0], args[1])) return (await import('../judge/passthrough.js')).runJudgedOnTheWay(args, deps, globals);
  checkGlobals(args[0], globals);
  // learn takes docker run's own grammar: its words go to it untouched by commander.
  // learn -f FILE: a compose file's services, learned inside their stack (compose-learn/).
  if (args[0] === 'learn' && /^(-f|--file)(=|$)/.test(args[1] ?? '')) return (await import('../compose-learn/command.js')).runLearnFile(args.slice(1), deps);
  if (args[0] === 'learn') return (await import('../learn/learn.js')).runLearn(args.slice(1), deps, globals);
  // audit parses its own options (src/audit/options.ts).
  if (args[0] === 'audit') return (await import('../audit/audit.js')).runAudit(args.slice(1), deps, globals);
  let exitCode = 0;
  const program = new Command('sdocker')
    .description('docker, hardened by default: run/create/exec get least privilege, limits and isolation; every other command goes to docker unchanged.')
    .version(await version(), '--sd-version', 'show sdocker\'s version')
    .addHelpText('after', OWN_FLAGS_HELP)
    .exitOverride()
    .configureOutput({ writeOut: deps.stdout, writeErr: deps.stderr, outputError: (text, write) => write(oneLineError(text)) });
  program
    .command('shell-init')
    .addArgument(shellArgument())
    .description('print a shell function that routes run/create/exec/compose/stack through sdocker')
    .action((shell: string) => {
      deps.stdout(shellInit(asShell(shell)));
    });
  program
    .command('rules')
    .option('--explain', 'the layers merged for a run here, and for each value the file that set it and what it replaced')
    .option('--markdown', "as a Markdown table (docs/rules.md's: the built-in profile, whatever this machine's config says)")
    .option('--profile <name>', 'the profile (default: $SDOCKER_PROFILE, else "default")')
    .option('--image <ref>', "with the image profile that matches this image")
    .description('list every refusal and injected default with the value in force here (your config, the nearest .sdocker.yml), its CIS id and reason')
    .action(async (options: RulesOptions) => {
      exitCode = await (await import('../policy-view/command.js')).runRules(options, deps);
    });
  program
    .command('doctor')
    .option('--format <format>', 'text or json', 'text')
    .description('check what sdocker relies on: the engine, AppArmor, seccomp, its network, config files and their trust, compose, the shell function (exit 1 if something fails)')
    .action(async (options: { format: string }) => {
      exitCode = await (await import('../doctor/doctor.js')).runDoctor(options, deps, globals);
    });
  program
    .command('harden')
    .argument('[files...]', 'compose files (default: compose.yaml, compose.yml, docker-compose.yml or docker-compose.yaml here)')
    .description('apply the run rules to every service of compose files, keeping comments, order and anchors')
    .option('--write', 'write the hardened file in place (atomically)')
    .option('--check', 'list what would change and what is refused; exit 1 if anything (with --override: what the override adds and leaves out)')
    .option('--diff', 'print a unified diff')
    .option('--format <format>', 'findings as text, json or sarif', 'text')
    .option('--override [file]', 'only the additions, as a compose override file (stdout, or FILE); exit 1 if a published port needs rebinding, which an override cannot do')
    .option('--allow <rule>', 'lift a refusal in every service (RULE or RULE:ITEM); repeatable', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--profile <name>', 'the profile', deps.env['SDOCKER_PROFILE'] || 'default')
    .option('--seccomp <path>', "the seccomp profile path to write, as given (default: the policy's, copied to ./.sdocker/seccomp/ beside the file)")
    .option('--segment', 'one network per pair of services that talk (depends_on, links); internal where neither publishes a port')
    .option('--target <target>', 'compose; swarm (docker stack deploy): write what a swarm honours and report what it does not; k8s: harden Kubernetes manifests, or write them for a compose file', 'compose')
    .option('--learn', "learn what each service without an image profile needs, inside its own stack, and write it as compose keys (with --write: in place)")
    .action(async (files: string[], flags: HardenFlags & { learn?: boolean }) => {
      // Learn for compose: a room of its own that reuses learn's search and harden's writer (compose-learn/).
      if (flags.learn === true) exitCode = await (await import('../compose-learn/command.js')).runHardenLearn(files, flags, deps);
      // Kubernetes manifests are a room of their own that reuses harden's pieces (k8s/command.ts).
      else if (flags.target === 'k8s') exitCode = await (await import('../k8s/command.js')).runK8sHarden(files, flags, deps);
      else exitCode = await (await import('../compose/edit/command.js')).runHarden(files, flags, deps);
    });
  program
    .command('compose')
    .argument('[args...]', "docker compose's own arguments")
    .description('run docker compose (or docker-compose) on the hardened model; your files stay untouched')
    .allowUnknownOption()
    // --help is compose's own; sdocker's part of the help is behind --sd-help (and `sdocker help compose`).
    .helpOption('--sd-help', "show sdocker's part of compose (compose's own: sdocker compose --help)")
    .addHelpText('after', COMPOSE_OWN_HELP)
    .action(async (composeArgs: string[]) => {
      const { runCompose } = await import('../compose/run/run.js');
      exitCode = await runCompose(composeArgs, deps, globals);
    });
  const apparmor = program.command('apparmor').description("sdocker's AppArmor profile on this host");
  apparmor
    .command('status')
    .option('--profile <name>', 'the profile', 'sdocker-default')
    .description('say whether AppArmor is available and the profile loaded (exit 1 if not loaded)')
    .action((options: { profile: string }) => {
      const state = appArmorState(checkProfileName(options.profile));
      deps.stdout(`${describeState(options.profile, state)}\n`);
      exitCode = state.kind === 'loaded' ? 0 : 1;
    });
  apparmor
    .command('install')
    .option('--profile <name>', 'the profile', 'sdocker-default')
    .description('load (or reload) the profile with apparmor_parser -r -W; needs root on the engine\'s host')
    .action(async (options: { profile: string }) => {
      const state = appArmorState(checkProfileName(options.profile));
      if (state.kind === 'absent') {
        deps.stderr(`${describeState(options.profile, state)} Nothing was installed.\n`);
        exitCode = 1;
        return;
      }
      const file = join(APPARMOR_DIR, options.profile);
      const { capture } = await import('../common/exec.js');
      const result = await capture('apparmor_parser', ['-r', '-W', file]);
      if (result.exitCode !== 0) throw new SdockerError(`sdocker: apparmor_parser -r -W ${file} failed: ${result.stderr.split('\n')[0] ?? ''}`, 1);
      deps.stdout(`${describeState(options.profile, appArmorState(options.profile))}\n`);
    });
  program
    .command('explain')
    .argument('<containers...>', 'containers, running, restarting or exited')
    .description("say why a container fails under sdocker's hardening: the rule, the path or call from its log, and the fix")
    .action(async (names: string[]) => {
      exitCode = await (await import('../explain/explain.js')).runExplain(names, deps, globals);
    });
  program
    .command('learn')
    .description('find what an image needs to run hardened, prove it, and write an image profile (sdocker learn --help)');
  program
    .command('audit')
    .description('audit the engine, its containers and their images against the CIS Docker Benchmark, with the fix (sdocker audit --help)');
  // Routed before commander (stack/deploy.ts); listed so help and completion name it.
  program
    .command('stack')
    .description("deploy a compose file to a swarm, hardened: stack deploy (or up); other stack commands are docker's");
  program
    .command('trust')
    .argument('[files...]', "the files (default: the nearest .sdocker.yml)")
    .description("trust this exact content: a project's .sdocker.yml may then loosen the policy, a compose file's x-sdocker allow lists count under sdocker compose")
    .option('--list', 'list the trusted files: trusted, changed since you trusted it, or missing')
    .option('--forget', 'take the trust back from these files')
    .action(async (files: string[], flags: { list?: boolean; forget?: boolean }) => {
      exitCode = (await import('./trust-command.js')).runTrust(files, flags, deps);
    });
  (await import('../completion/command.js')).registerCompletion(program, deps);
  // Every command registered above has -h/--help (commander's default, inherited at creation);
  // only the top level answers --sd-help instead, since a bare `sdocker --help` is docker's.
  program.helpOption('--sd-help', "show sdocker's own commands and options");
  if (args[0] === '__complete') return (await import('../completion/complete.js')).runComplete(program, args.slice(1), deps);
  try {
    await program.parseAsync([...args], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
    throw error;
  }
}

/** Commands that talk to the engine take docker's global flags (`docker --context X compose up`). */
const ENGINE_COMMANDS: ReadonlySet<string> = new Set(['compose', 'learn', 'explain', 'audit', 'doctor']);

/** The others have no use for them: an endpoint they would not reach is an error, not a silent default. */
function checkGlobals(command: string | undefined, globals: readonly Item[]): void {
  if (globals.length === 0 || ENGINE_COMMANDS.has(command ?? '')) return;
  const words = globals.flatMap((item) => item.words).join(' ');
  throw new SdockerError(`sdocker: docker's global flags (${words}) mean nothing to 'sdocker ${command ?? ''}'; drop them`, EXIT_USAGE);
}

/** A profile shipped in apparmor/: a plain name, never a path. */
function checkProfileName(name: string): string {
  if (!/^[\w.-]+$/.test(name) || !existsSync(join(APPARMOR_DIR, name))) {
    throw new SdockerError(`sdocker: no AppArmor profile '${name}' in ${APPARMOR_DIR}; the bundled one is sdocker-default`, EXIT_USAGE);
  }
  return name;
}

async function version(): Promise<string> {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
