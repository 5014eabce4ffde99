// The words that can make an argv more than a pass-through: docker's hardened subcommands
// and sdocker's own. An argv holding none of them goes to docker without being parsed.
export const HARDENED: ReadonlySet<string> = new Set(['run', 'create', 'exec']);

/** sdocker's own commands; docker has none of these names. */
export const OWN_COMMANDS: ReadonlySet<string> = new Set(['shell-init', 'rules', 'trust', 'apparmor', 'harden', 'compose', 'learn', 'explain', 'audit', 'doctor', 'status']);

export function mayNeedSdocker(argv: readonly string[]): boolean {
  return argv[0]?.startsWith('--sd-') === true || argv.some((word) => HARDENED.has(word) || OWN_COMMANDS.has(word));
}
