// CIS 4.1: the user an image's containers run as, resolved the way runc resolves it when the
// container starts (opencontainers/runc libcontainer/user GetExecUser): the part before `:` is
// the user; empty means root; a number is a uid whether or not /etc/passwd names it (`00` is
// uid 0); a name must be in the image's own /etc/passwd, else the start fails. Measured on
// engine 20.10: `--user 00` and `--user :1000` run as uid 0, `--user toor` (not in passwd) fails
// with "unable to find user toor: no matching entries in passwd file".
import type { ContainerSnapshot, Finding, ImageSnapshot, Snapshot } from '../types.js';

export type UserResolution =
  | { readonly kind: 'root' | 'user'; readonly uid: number; readonly how: string }
  | { readonly kind: 'unresolved' | 'missing'; readonly name: string };

/** name -> uid of each well-formed line of an /etc/passwd text (the first entry of a name wins, as getpwnam). */
export function parsePasswd(text: string): ReadonlyMap<string, number> {
  const users = new Map<string, number>();
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    const fields = trimmed.split(':');
    const uid = fields[2];
    if (fields.length < 4 || fields[0] === '' || trimmed.startsWith('#') || uid === undefined || !/^\d+$/.test(uid)) continue;
    if (!users.has(fields[0] ?? '')) users.set(fields[0] ?? '', Number(uid));
  }
  return users;
}

export function resolveUser(user: string, passwd: string | undefined): UserResolution {
  const name = user.split(':')[0] ?? '';
  if (name === '') return { kind: 'root', uid: 0, how: 'no user: root' };
  if (/^\d+$/.test(name)) {
    const uid = Number(name);
    return { kind: uid === 0 ? 'root' : 'user', uid, how: `uid ${uid}` };
  }
  if (passwd === undefined) {
    // root is uid 0 in every passwd there is; an image where it is not would be exotic enough.
    return name === 'root' ? { kind: 'root', uid: 0, how: 'root' } : { kind: 'unresolved', name };
  }
  const uid = parsePasswd(passwd).get(name);
  if (uid === undefined) return { kind: 'missing', name };
  return { kind: uid === 0 ? 'root' : 'user', uid, how: `${name} is uid ${uid} in the image's /etc/passwd` };
}

const CIS = '4.1';

/** The image's default user (Config.User), judged. */
export function imageUserFinding(image: ImageSnapshot): Finding {
  const user = image.raw.Config.User ?? '';
  const target = { kind: 'image', name: image.ref } as const;
  const evidence = `Config.User=${JSON.stringify(user)}`;
  const judged = judgeUser(user, image.passwd);
  const message = user === '' && judged.result === 'warn'
    ? 'runs as root: the image sets no USER; add a non-root USER to its Dockerfile, or run it with --user'
    : judged.message;
  return { target, check: 'image-user', cis: CIS, result: judged.result, message, evidence };
}

/**
 * Containers whose Config.User is not their image's: `--user` (or compose `user:`) overrode it,
 * so the image's finding does not say how the container runs. The check id is the rule table's
 * `user` (src/policy/rules.ts, CIS 4.1), as for every container finding that has a rule.
 */
export function containerUserFindings(s: Snapshot): Finding[] {
  const findings: Finding[] = [];
  for (const container of s.containers) {
    const image = s.images.get(container.raw.Image);
    const imageUser = image?.raw.Config.User ?? '';
    if (image === undefined || container.raw.Config.User === imageUser) continue;
    findings.push(containerUserFinding(container, image));
  }
  return findings;
}

function containerUserFinding(container: ContainerSnapshot, image: ImageSnapshot): Finding {
  const user = container.raw.Config.User;
  const judged = judgeUser(user, image.passwd);
  return {
    target: { kind: 'container', name: container.raw.Name.replace(/^\//, '') },
    check: 'user',
    cis: CIS,
    result: judged.result,
    message: `${judged.message} (set on the container, over the image's ${JSON.stringify(image.raw.Config.User ?? '')})`,
    evidence: `Config.User=${JSON.stringify(user)}, image ${image.ref} Config.User=${JSON.stringify(image.raw.Config.User ?? '')}`,
  };
}

function judgeUser(user: string, passwd: string | undefined): Pick<Finding, 'result' | 'message'> {
  const shown = JSON.stringify(user);
  const resolved = resolveUser(user, passwd);
  switch (resolved.kind) {
    case 'root':
      return { result: 'warn', message: `runs as root: user ${shown} is uid 0 (${resolved.how}); use a non-root user` };
    case 'user':
      return { result: 'pass', message: `runs as a non-root user: ${resolved.how}` };
    case 'unresolved':
      return { result: 'info', message: `could not resolve user ${JSON.stringify(resolved.name)}: the image's /etc/passwd was not read, so its uid (0 or not) is unknown` };
    case 'missing':
      return { result: 'info', message: `user ${JSON.stringify(resolved.name)} is not in the image's /etc/passwd: its containers fail to start ("unable to find user")` };
  }
}
