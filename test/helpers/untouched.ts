// Proof that a test run wrote nothing of the user's, in the folders sdocker or docker could
// write: /etc/docker (dockerd's config, audit --fix's daemon.json), ~/.docker (the CLI's
// contexts and credentials), ~/.config, ~/.cache, ~/.local/share and ~/.local/state (sdocker's
// config, caches and trust store; a rootless dockerd's daemon.json).
// - As root, ava runs in a mount namespace of its own where each of these folders that exists is
//   an overlay: what the run writes there lands in the overlay's upper folder (a tmpfs), where it
//   is listed, and never in the folder itself. Exact: another program writing there meanwhile
//   (a test run of another checkout) is not counted.
// - A folder that does not exist (a fresh machine), or every folder without root: its docker-named
//   files are compared before and after the run (a program writing them meanwhile counts too).
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';

export function watchedFolders(home = homedir()): string[] {
  return ['/etc/docker', ...['.docker', '.config', '.cache', '.local/share', '.local/state'].map((folder) => join(home, folder))];
}

// Run by /bin/sh inside `unshare --mount`: $1 the list to write, $2 a folder for the tmpfs, then
// the folders to overlay, `--`, and ava's command line. The trap keeps the shell alive through
// Ctrl-C (a no-op handler, unlike an ignored signal, is not inherited by ava), so the list is
// written whatever ended ava.
const OVERLAY_SCRIPT = `set -e
list=$1; up=$2; shift 2
mount -t tmpfs sdocker-test "$up"
i=0
while [ "$1" != -- ]; do
  i=$((i + 1)); mkdir "$up/$i" "$up/$i/u" "$up/$i/w"
  mount -t overlay overlay -o "lowerdir=$1,upperdir=$up/$i/u,workdir=$up/$i/w" "$1"
  echo "$i $1" >>"$up/map"; shift
done
shift
set +e
trap true INT TERM HUP
"$@"; rc=$?
while read -r n dir; do (cd "$up/$n/u" && find . -mindepth 1 | sed "s|^\\.|$dir|"); done <"$up/map" >"$list"
exit $rc`;

/** The command that runs `argv` with `folders` overlaid, writing what it wrote in them to `list`. */
export function overlaid(folders: readonly string[], list: string, upper: string, argv: readonly string[]): string[] {
  return ['unshare', '--mount', '--propagation', 'private', '/bin/sh', '-c', OVERLAY_SCRIPT, 'sh', list, upper, ...folders, '--', ...argv];
}

/** The watched folders that exist and can be overlaid here (root, unshare, overlayfs), else none. */
export function overlayable(scratch: string): string[] {
  const folders = watchedFolders().filter((folder) => existsSync(folder));
  if (process.getuid?.() !== 0 || folders.length === 0) return [];
  const [command = '', ...args] = overlaid(folders, join(scratch, 'probe.list'), scratch, ['true']);
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0 ? folders : [];
}

export type Snapshot = ReadonlyMap<string, string>;

function walk(path: string, into: Map<string, string>): void {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return;
  }
  into.set(path, `${stat.size} ${stat.mode.toString(8)} ${stat.mtimeMs}`);
  if (stat.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry), into);
}

/**
 * The files of the watched folders that are not overlaid (size, mode, mtime): /etc/docker and
 * ~/.docker whole; of the others only what is named like docker or sdocker, so that the
 * programs that write there all the time do not count.
 */
export function snapshotFolders(except: readonly string[]): Snapshot {
  const files = new Map<string, string>();
  for (const folder of watchedFolders().filter((f) => !except.includes(f))) {
    if (folder === '/etc/docker' || folder.endsWith('/.docker')) walk(folder, files);
    else if (existsSync(folder)) for (const entry of readdirSync(folder).filter((name) => name.includes('docker'))) walk(join(folder, entry), files);
  }
  return files;
}

/** Paths created, changed or removed between two snapshots. */
export function changedPaths(before: Snapshot, after: Snapshot): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((path) => before.get(path) !== after.get(path)).sort();
}
