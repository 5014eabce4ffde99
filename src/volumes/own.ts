// Give a new volume's root folder to the run user, between the container's create and its
// start: a one-folder tar extracted over the mount point (engine/tar.ts folderTar) sets its
// owner and keeps its mode. The engine refuses to extract into a container with a read-only
// root unless the destination is inside a volume, and skips a tar's "." entry (moby
// daemon/archive.go containerExtractToDir, pkg/archive Unpack): so the tar goes through a
// stand-in of the same image mounting the same volumes, which is created after the real
// container (whose create did docker's copy-up) and removed before it starts. No process runs,
// no capability is given, the image needs no chown. Only the root folder: what docker copied in
// from the image keeps the image's owners.
import { basename, dirname } from 'node:path/posix';
import type { Containers } from '../engine/containers.js';
import { folderTar } from '../engine/tar.js';
import { parsePasswd } from '../diagnose/symptoms.js';
import type { NewVolume } from './plan.js';

export interface Owner {
  readonly uid: number;
  readonly gid: number;
}

type Access = Pick<Containers, 'inspect' | 'files' | 'readFile' | 'putArchive' | 'volumeCreated' | 'createStandIn' | 'remove'>;

/**
 * Own each volume of `volumes` that the engine created at or after `since` (ms) for container
 * `id` (created, not started): not one that existed before. One warning per volume not given.
 * `made` is told the stand-in's id as soon as it exists (removed on Ctrl-C by the caller).
 */
export async function ownNewVolumes(containers: Access, id: string, volumes: readonly NewVolume[], user: string, since: number, made: (standIn: string) => void = () => undefined): Promise<string[]> {
  const fresh: NewVolume[] = [];
  for (const volume of volumes) {
    const created = await containers.volumeCreated(volume.name);
    // The engine says CreatedAt to the second.
    if (created !== undefined && created >= Math.floor(since / 1000) * 1000) fresh.push(volume);
  }
  if (fresh.length === 0) return [];
  const owner = await resolveOwner(containers, id, user);
  const info = await containers.inspect(id);
  const standIn = owner === undefined || info === undefined ? undefined : await containers.createStandIn(info.imageId, fresh.map((v) => `${v.name}:${v.target}`), info.name);
  if (standIn !== undefined) made(standIn);
  const warnings: string[] = [];
  try {
    for (const volume of fresh) {
      const problem = owner === undefined ? `user '${user}' is not in the image's /etc/passwd` : standIn === undefined ? 'docker could not create a stand-in' : await own(containers, standIn, volume, owner);
      if (problem !== undefined) warnings.push(`sdocker: warning: the new volume '${volume.name}' at ${volume.target} keeps the image folder's owner (${problem}); user ${user} may not write there: run with --user set to its owner`);
    }
  } finally {
    if (standIn !== undefined) await containers.remove(standIn);
  }
  return warnings;
}

async function own(containers: Access, standIn: string, volume: NewVolume, owner: Owner): Promise<string | undefined> {
  const root = (await containers.files(standIn, volume.target, 1024))?.[0];
  if (root === undefined || root.type !== 'dir') return `${volume.target} is not a folder in the container`;
  if (root.uid === owner.uid && root.gid === owner.gid) return undefined;
  const name = basename(volume.target);
  if (name === '' || Buffer.byteLength(name) > 99) return `a mount point named ${name || '/'} cannot be given`;
  const failed = await containers.putArchive(standIn, dirname(volume.target), folderTar(name, root.mode, owner.uid, owner.gid, new Date()));
  if (failed !== undefined) return failed;
  const after = (await containers.files(standIn, volume.target, 1024))?.[0];
  return after?.uid === owner.uid && after.gid === owner.gid ? undefined : 'the engine did not keep the new owner';
}

/** `uid:gid` as numbers; a name (or a uid without a group) from the image's /etc/passwd and /etc/group. */
export async function resolveOwner(containers: Pick<Containers, 'readFile'>, id: string, user: string): Promise<Owner | undefined> {
  const [who = '', group] = user.split(':');
  if (/^\d+$/.test(who) && group !== undefined && /^\d+$/.test(group)) return { uid: Number(who), gid: Number(group) };
  const accounts = parsePasswd((await containers.readFile(id, '/etc/passwd')) ?? '');
  const account = accounts.find((a) => a.name === who || (/^\d+$/.test(who) && a.uid === Number(who)));
  const uid = /^\d+$/.test(who) ? Number(who) : account?.uid;
  if (uid === undefined) return undefined;
  if (group === undefined) return { uid, gid: account?.gid ?? 0 };
  if (/^\d+$/.test(group)) return { uid, gid: Number(group) };
  // /etc/group: name:password:gid:members.
  const line = ((await containers.readFile(id, '/etc/group')) ?? '').split('\n').map((l) => l.split(':')).find((fields) => fields[0] === group);
  const gid = line?.[2];
  return gid === undefined || !/^\d+$/.test(gid) ? undefined : { uid, gid: Number(gid) };
}
