// A seccomp profile file named by `--security-opt seccomp=FILE`. The docker CLI reads it on
// the client, where sdocker runs (docker/cli cli/command/container/opts.go parseSecurityOpts:
// os.ReadFile relative to the working folder, then json.Compact), and sends its JSON; the
// daemon decodes it with encoding/json, which matches keys case-insensitively. A profile that
// allows every call not listed is no filter at all.
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/** Actions under which an unlisted call runs (SCMP_ACT_LOG only logs it). */
const PERMISSIVE = new Set(['SCMP_ACT_ALLOW', 'SCMP_ACT_LOG']);

/**
 * Answers by path, size and mtime: harden asks once per service for the policy's profile, and
 * reading and parsing it 1,000 times was ~140 ms of a 1,000-service file.
 */
const judged = new Map<string, string | undefined>();

/** Why the profile at `file` confines nothing, or undefined when it does (or cannot be opened: docker then fails itself). */
export function seccompFileDanger(file: string, cwd: string): string | undefined {
  const path = resolve(cwd, file);
  let key: string;
  try {
    const stat = statSync(path);
    key = `${path}\0${stat.size}\0${stat.mtimeMs}\0${stat.ino}\0${file}`;
  } catch {
    return undefined;
  }
  if (judged.has(key)) return judged.get(key);
  const danger = judgeFile(path, file);
  judged.set(key, danger);
  return danger;
}

function judgeFile(path: string, file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  let profile: unknown;
  try {
    profile = JSON.parse(text);
  } catch {
    return `${file} cannot be read as a JSON profile`;
  }
  if (typeof profile !== 'object' || profile === null || Array.isArray(profile)) return `${file} is not a profile object`;
  const actions = Object.entries(profile).filter(([key]) => key.toLowerCase() === 'defaultaction').map(([, value]) => value);
  if (actions.length === 0 || actions.includes('')) {
    // moby profiles/seccomp setupSeccomp: no default action and no syscalls means no filter.
    return `${file} has no defaultAction`;
  }
  if (actions.some((action) => typeof action !== 'string')) return `${file} has a defaultAction that is not a name`;
  const permissive = actions.find((action) => PERMISSIVE.has(action as string));
  return permissive === undefined ? undefined : `${file} has defaultAction ${permissive as string}: every call it does not list runs`;
}
