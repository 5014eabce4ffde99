// Least privilege: capabilities, no-new-privileges, seccomp, AppArmor, read-only root with
// writable tmpfs, and a non-root user (user.ts). A value the user set is kept: sdocker adds, and
// rewrites only what the user's item needs to keep working under the user it injected.
import { parseBool } from '../../docker/parse.js';
import { parseSecurityOpt, parseMount, parseVolume, tmpfsTarget } from '../../docker/values.js';
import type { OptionView, RuleContext } from '../context.js';
import { normalizeCap } from '../refusals.js';
import { grantedCaps, tmpfsOwner, tmpfsPath, tmpfsValue } from '../defaults.js';
import { basename, dirname } from 'node:path';
import { PROFILES_DIR } from '../../common/paths.js';
import { privateCgroupns } from '../../docker/api-version.js';
import { add, say, type Inject } from './types.js';
import { runUser, USER_INJECTIONS } from './user.js';

const capDrop: Inject = (view, ctx, out) => {
  const dropped = view.values('cap-drop').flatMap((v) => v.split(',')).map(normalizeCap);
  if (!dropped.includes('ALL')) add(out, 'cap-drop', '--cap-drop', 'ALL');
  const added = new Set(view.values('cap-add').flatMap((v) => v.split(',')).map(normalizeCap));
  for (const cap of grantedCaps(ctx.policy, runUser(view, ctx).user)) {
    if (!added.has(cap)) add(out, 'cap-drop', '--cap-add', cap);
  }
};

function securityOpts(view: OptionView): Map<string, string | undefined> {
  return new Map(view.values('security-opt').map((text) => {
    const { key, value } = parseSecurityOpt(text);
    return [key, value];
  }));
}

const noNewPrivileges: Inject = (view, ctx, out) => {
  if (!ctx.policy.noNewPrivileges || securityOpts(view).has('no-new-privileges')) return;
  add(out, 'no-new-privileges', '--security-opt', 'no-new-privileges');
};

const seccomp: Inject = (view, ctx, out) => {
  if (ctx.seccompFile === '' || securityOpts(view).has('seccomp')) return;
  add(out, 'seccomp', '--security-opt', `seccomp=${ctx.seccompFile}`);
};

/** docker sends --cgroupns from API 1.41 on (docker/cli opts.go: `version: 1.41`); older engines have no choice to make. */
const cgroupns: Inject = (view, ctx, out) => {
  if (!view.has('cgroupns') && privateCgroupns(ctx.facts)) add(out, 'cgroupns', '--cgroupns', 'private');
};

const apparmor: Inject = (view, ctx, out) => {
  const { profile, required } = ctx.policy.apparmor;
  if (profile === '' || securityOpts(view).has('apparmor')) return;
  const { apparmor: present, apparmorLoaded } = ctx.facts;
  if (present === true && apparmorLoaded === true) {
    add(out, 'apparmor', '--security-opt', `apparmor=${profile}`);
    return;
  }
  if (required) {
    say(out, 'apparmor', 'error', appArmorRefusal(present, profile, ctx.policy.origins?.['apparmor.required']));
    return;
  }
  if (present === undefined) say(out, 'apparmor', 'notice', 'could not ask the engine whether it has AppArmor; leaving the AppArmor option out');
  else if (!present) say(out, 'apparmor', 'notice', 'the engine has no AppArmor; skipping the AppArmor profile');
  else say(out, 'apparmor', 'notice', `AppArmor profile '${profile}' is not loaded on the engine's host; docker's default profile applies (load it with apparmor_parser -r -W apparmor/${profile})`);
};

/** The policy requires AppArmor (the strict profile does) and it cannot be had: the run is refused, said as one. */
function appArmorRefusal(present: boolean | undefined, profile: string, origin: string | undefined): string {
  const why = present === undefined ? 'the engine could not be asked whether it has AppArmor' : !present ? 'the engine has no AppArmor' : `AppArmor profile '${profile}' is not loaded on the engine's host`;
  // apparmor.required comes from one of sdocker's profiles (strict), or from a config file the user can edit.
  const bundled = origin === undefined || dirname(origin) === PROFILES_DIR;
  const who = origin === undefined ? 'the policy' : bundled ? `the ${basename(origin, '.yml')} profile` : origin;
  const fix = bundled ? 'use --sd-profile default' : `set apparmor.required: false in ${origin}`;
  const remedy = present === true ? `load it with 'sudo sdocker apparmor install', or ${fix}` : `run it on a host with AppArmor, or ${fix}`;
  return `refusing to run: ${who} requires AppArmor (apparmor.required) and ${why}, so the container would run without AppArmor confinement; ${remedy}`;
}

const readOnly: Inject = (view, ctx, out) => {
  if (view.has('read-only')) {
    if (parseBool(view.last('read-only') ?? '') === false) say(out, 'read-only', 'warning', 'root filesystem left writable (--read-only=false)');
    return;
  }
  if (ctx.policy.readOnly) add(out, 'read-only', '--read-only');
};

/** Container paths the user already mounts something on. */
function mountedTargets(view: OptionView, ctx: RuleContext): Set<string> {
  const targets = view.values('tmpfs').map(tmpfsTarget);
  for (const value of view.values('volume')) targets.push(parseVolume(value, ctx.cwd)?.target ?? value.split(':')[1] ?? value);
  for (const value of view.values('mount')) targets.push(parseMount(value, ctx.cwd).target);
  return new Set(targets.map((target) => target.replace(/\/+$/, '') || '/'));
}

const tmpfs: Inject = (view, ctx, out) => {
  const readOnlyRoot = view.has('read-only') ? view.isOn('read-only') : ctx.policy.readOnly;
  if (!readOnlyRoot) return;
  const taken = mountedTargets(view, ctx);
  const { user } = runUser(view, ctx);
  const owner = tmpfsOwner(user);
  if (owner === undefined) say(out, 'tmpfs', 'notice', `user '${user}' is a name: the tmpfs mounts stay owned by root (give the user as UID:GID to let it write there)`);
  for (const path of ctx.policy.tmpfs.paths.filter((p) => !taken.has(tmpfsPath(p)))) {
    add(out, 'tmpfs', '--tmpfs', tmpfsValue(ctx.policy, path, owner ?? []));
  }
};

export const SECURITY_INJECTIONS: readonly Inject[] = [capDrop, noNewPrivileges, seccomp, apparmor, cgroupns, readOnly, tmpfs, ...USER_INJECTIONS];
