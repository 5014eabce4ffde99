// Which folder to make writable for a write the read-only root refused: the deepest one that
// hides no content of the image and is not a system folder.
import { dirname, posix } from 'node:path';
import type { SymptomFiles } from './files.js';
import type { Symptom } from './symptoms.js';

/** Folders a tmpfs would empty of the image's own software or configuration. */
const NEVER_TMPFS = new Set(['/', '/bin', '/boot', '/dev', '/etc', '/home', '/lib', '/lib32', '/lib64', '/opt', '/proc', '/root', '/sbin', '/srv', '/sys', '/usr', '/var', '/var/lib', '/usr/local', '/usr/share', '/usr/lib']);

/** The folder that should be writable: the path itself when it is (or is to be) a folder, else its parent. */
export function tmpfsFolder(symptom: Symptom, files: SymptomFiles): string | undefined {
  const path = symptom.path as string;
  const entries = files.get(path);
  const self = entries?.[0];
  let folder = self?.type === 'dir' || (entries === undefined && symptom.folder) ? path : dirname(path);
  // A folder to be made inside an empty one: the empty parent takes its siblings too, and hides nothing.
  const parentEntries = files.get(dirname(path));
  const parentEmpty = parentEntries?.length === 1 && parentEntries[0]?.type === 'dir';
  if (entries === undefined && folder === path && parentEmpty) folder = dirname(path);
  // A missing path in a folder with content of the image (/app/cache in /app): a tmpfs on the
  // folder would hide that content, so the path itself becomes the (new) folder.
  // A name with an extension (nginx.pid, app.sock) is taken for a file: its folder is the choice.
  const fileLike = /\.[a-z0-9]{1,8}$/i.test(posix.basename(path));
  if (entries === undefined && folder !== path && parentEntries !== undefined && !parentEmpty && !fileLike) folder = path;
  const parent = files.get(folder)?.[0];
  if (parent?.type === 'symlink') folder = posix.resolve(dirname(folder), parent.linkTarget);
  return isSystemFolder(folder) ? undefined : folder;
}

/** A folder a tmpfs must never cover: it would empty the image's software or configuration, or a system folder. */
export function isSystemFolder(folder: string): boolean {
  return NEVER_TMPFS.has(folder) || /^\/(etc|usr|bin|sbin|lib\w*|boot|proc|sys|dev)(\/|$)/.test(folder) || !folder.startsWith('/');
}

