// The hardened model sdocker compose and sdocker stack deploy hand to docker: a file in a private
// temp folder (mode 0700, mkdtemp), removed whatever happens; the user's files stay untouched.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `use` given the path of a private temp file `name` holding `text`, in a folder `PREFIX*`; the folder is removed afterwards. */
export async function withPrivateFile<T>(prefix: string, name: string, text: string, use: (file: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    const file = join(dir, name);
    writeFileSync(file, text);
    return await use(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
