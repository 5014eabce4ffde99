// Proof that a test run wrote nothing of the user's: every file (path, size, mode, mtime) under
// the folders sdocker or docker could write on this machine, taken before and after the run.
// Whole trees: /etc/docker (dockerd's config, audit --fix's daemon.json) and ~/.docker (the CLI's
// contexts and credentials); in ~/.config, ~/.cache, ~/.local/share and ~/.local/state, every
// entry named like docker or sdocker (sdocker's config, caches and trust store; a rootless
// dockerd's daemon.json), so that other programs writing there do not count.
import { lstatSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type Snapshot = ReadonlyMap<string, string>;

function walk(path: string, into: Map<string, string>): void {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return;
  }
  into.set(path, `${stat.size} ${stat.mode.toString(8)} ${stat.mtimeMs}`);
  if (!stat.isDirectory()) return;
  for (const entry of readdirSync(path)) walk(join(path, entry), into);
}

/** The folders checked, for the message. */
export function watchedFolders(home = homedir()): string[] {
  const xdg = ['.config', '.cache', '.local/share', '.local/state'].map((folder) => `${join(home, folder)}/*docker*`);
  return ['/etc/docker', join(home, '.docker'), ...xdg];
}

export function snapshotUserFolders(home = homedir()): Snapshot {
  const files = new Map<string, string>();
  walk('/etc/docker', files);
  walk(join(home, '.docker'), files);
  for (const folder of ['.config', '.cache', '.local/share', '.local/state']) {
    let entries: string[] = [];
    try {
      entries = readdirSync(join(home, folder));
    } catch {
      continue;
    }
    for (const entry of entries.filter((name) => name.toLowerCase().includes('docker'))) walk(join(home, folder, entry), files);
  }
  return files;
}

/** Paths created, changed or removed between two snapshots. */
export function changedPaths(before: Snapshot, after: Snapshot): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((path) => before.get(path) !== after.get(path)).sort();
}
