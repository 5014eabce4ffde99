// Where the seccomp profile named by the policy is: a file in sdocker's seccomp/ folder, or
// an absolute path. docker's CLI reads the file and sends its JSON (the daemon refuses a bare
// path), so the path must exist on the machine running sdocker.
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { SECCOMP_DIR } from '../common/paths.js';
import { SdockerError, EXIT_USAGE } from '../common/errors.js';


/** Absolute path of the profile, or '' when the policy sets none (docker's own default applies). */
export function resolveSeccomp(name: string): string {
  if (name === '') return '';
  const file = isAbsolute(name) ? name : join(SECCOMP_DIR, name);
  if (!existsSync(file)) throw new SdockerError(`sdocker: seccomp profile ${file} does not exist; fix 'seccomp' in your profile or config`, EXIT_USAGE);
  return file;
}
