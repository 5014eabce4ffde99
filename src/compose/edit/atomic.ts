// Writing a file users keep: a temp file beside the target, then rename, so the original is
// never half-written (rename(2) within one folder is atomic).
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

export function writeAtomically(file: string, text: string): void {
  const temp = join(resolve(file, '..'), `.${basename(file)}.sdocker-${process.pid}.tmp`);
  try {
    writeFileSync(temp, text);
    renameSync(temp, file);
  } finally {
    rmSync(temp, { force: true });
  }
}
