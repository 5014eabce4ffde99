// `sdocker apparmor status|install`: load sdocker's AppArmor profile with apparmor_parser and
// say where things stand. AppArmor profiles live in the kernel of the engine's host, so this
// runs on that host, as root.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../common/paths.js';

export const APPARMOR_DIR = join(PACKAGE_ROOT, 'apparmor');

export interface AppArmorHost {
  /** /sys/module/apparmor/parameters/enabled: "Y" where the kernel enforces AppArmor. */
  readonly enabledFile: string;
  /** /sys/kernel/security/apparmor/profiles: one `NAME (MODE)` line per loaded profile. */
  readonly profilesFile: string;
}

export const REAL_HOST: AppArmorHost = {
  enabledFile: '/sys/module/apparmor/parameters/enabled',
  profilesFile: '/sys/kernel/security/apparmor/profiles',
};

export type AppArmorState =
  | { readonly kind: 'absent'; readonly why: string }
  | { readonly kind: 'not-loaded' }
  | { readonly kind: 'loaded'; readonly mode: string };

export function appArmorState(profile: string, host: AppArmorHost = REAL_HOST): AppArmorState {
  if (!existsSync(host.enabledFile)) return { kind: 'absent', why: `${host.enabledFile} does not exist: this kernel has no AppArmor` };
  if (readFileSync(host.enabledFile, 'utf8').trim() !== 'Y') return { kind: 'absent', why: `AppArmor is disabled on this host (${host.enabledFile} is not Y)` };
  if (!existsSync(host.profilesFile)) return { kind: 'not-loaded' };
  const line = readFileSync(host.profilesFile, 'utf8').split('\n').find((l) => l.startsWith(`${profile} (`));
  return line === undefined ? { kind: 'not-loaded' } : { kind: 'loaded', mode: line.slice(profile.length + 2, -1) };
}

export function describeState(profile: string, state: AppArmorState): string {
  switch (state.kind) {
    case 'absent':
      return `sdocker: AppArmor is not available: ${state.why}. '${profile}' cannot be loaded here; sdocker run leaves the AppArmor option out with a notice (the strict profile refuses to run).`;
    case 'not-loaded':
      return `sdocker: AppArmor is enabled, but '${profile}' is not loaded: run 'sudo sdocker apparmor install'. Until then containers get docker's own docker-default profile.`;
    case 'loaded':
      return `sdocker: '${profile}' is loaded (${state.mode}); sdocker run uses it where the engine reports AppArmor.`;
  }
}
