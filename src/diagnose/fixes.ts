// A fix in the words the user wrote the container in: docker run flags for `sdocker run`,
// compose keys for a service of `sdocker compose`. One grant, two spellings.

/** What a finding says to grant. `owner` is tmpfs's `uid=U,gid=G` ('' when the user is not numeric). */
export type Grant =
  | { readonly kind: 'tmpfs'; readonly path: string; readonly owner: string; readonly profileKey: boolean }
  | { readonly kind: 'tmpfs-unknown' }
  | { readonly kind: 'user'; readonly user: string; readonly account: string | undefined }
  | { readonly kind: 'switch-user'; readonly caps: readonly string[] }
  | { readonly kind: 'seccomp' }
  | { readonly kind: 'cap-add'; readonly caps: readonly string[] }
  | { readonly kind: 'volume-owner'; readonly volume: string; readonly target: string; readonly owner: string; readonly image: string };

export type FixForm = 'run' | 'compose';

export function renderFix(grant: Grant, form: FixForm): string {
  return form === 'run' ? runFix(grant) : composeFix(grant);
}

function runFix(grant: Grant): string {
  switch (grant.kind) {
    case 'tmpfs':
      return `--tmpfs ${tmpfsValue(grant)}${grant.profileKey ? ' (image profile: tmpfs.paths)' : ''}`;
    case 'tmpfs-unknown':
      return 'give the folder it writes to with --tmpfs PATH, or run sdocker learn';
    case 'user':
      return `--user ${grant.user} (${grant.account ?? 'image profile: user'})`;
    case 'switch-user':
      return `run it as the user it switches to (--user UID:GID), or as root with --user 0 --cap-add ${grant.caps.join(' --cap-add ')}`;
    case 'seccomp':
      return 'a seccomp profile that allows the call (--security-opt seccomp=FILE)';
    case 'cap-add':
      return grant.caps.map((cap) => `--cap-add ${cap}`).join(' ');
    case 'volume-owner':
      return `${volumeOwner(grant)}; or remove the volume and let sdocker run create it anew (a new volume is given to the run user)`;
  }
}

/** Compose keys as a service writes them (a list in flow style: it fits the one line of a fix). */
function composeFix(grant: Grant): string {
  switch (grant.kind) {
    case 'tmpfs':
      return `tmpfs: ["${tmpfsValue(grant)}"]`;
    case 'tmpfs-unknown':
      return 'give the folder it writes to under tmpfs:, or learn it (below)';
    case 'user':
      return `user: "${grant.user}"${grant.account === undefined ? '' : ` (${grant.account})`}`;
    case 'switch-user':
      return `user: "UID:GID" (the account it switches to), or user: "0" with cap_add: [${grant.caps.join(', ')}]`;
    case 'seccomp':
      return 'security_opt: ["seccomp:FILE"] with a profile that allows the call';
    case 'cap-add':
      return `cap_add: [${grant.caps.join(', ')}]`;
    case 'volume-owner':
      return `${volumeOwner(grant)}; or remove it and let sdocker compose up create it anew (a new volume in volumes: is given to the service's user)`;
  }
}

/** A volume's data stays: its owner is changed once, by plain docker (a tmpfs there would hide the data). */
function volumeOwner(grant: { readonly volume: string; readonly target: string; readonly owner: string; readonly image: string }): string {
  return `give the volume ${grant.volume} (at ${grant.target}) to ${grant.owner} once: docker run --rm --user 0 --cap-add CHOWN -v ${grant.volume}:/v --entrypoint chown ${grant.image} -R ${grant.owner} /v`;
}

function tmpfsValue(grant: { readonly path: string; readonly owner: string }): string {
  return `${grant.path}${grant.owner === '' ? '' : `:${grant.owner}`}`;
}
