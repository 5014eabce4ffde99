// A seccomp profile file named by `--security-opt seccomp=FILE`. The docker CLI reads it on
// the client, where sdocker runs (docker/cli cli/command/container/opts.go parseSecurityOpts:
// os.ReadFile relative to the working folder, then json.Compact), and sends its JSON; the
// daemon decodes it with encoding/json, which matches keys case-insensitively. A profile that
// allows every call not listed is no filter at all.
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { foldsTo, goString, isObject, parseGoJson, type GoJson } from '../docker/go-json.js';

/** Actions under which an unlisted call runs (SCMP_ACT_LOG only logs it). */
const PERMISSIVE = new Set(['SCMP_ACT_ALLOW', 'SCMP_ACT_LOG']);

/**
 * Answers by path, size and mtime: harden asks once per service for the policy's profile, and
 * reading and parsing it 1,000 times was ~140 ms of a 1,000-service file.
 */
const judged = new Map<string, string | undefined>();

/**
 * Why the profile at `file` confines nothing, or undefined when it does (or cannot be opened:
 * docker then fails itself). Only a regular file is read: a pipe or a device gives each reader
 * what it likes (a strict profile to sdocker, an allow-all one to docker), so it is refused.
 */
export function seccompFileDanger(file: string, cwd: string): string | undefined {
  const path = resolve(cwd, file);
  let key: string;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return `${file} is not a regular file: a pipe or device can give docker another profile than the one judged`;
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
  return seccompTextDanger(text, file);
}

/** The same judgement of a profile's JSON text (what the engine holds: `seccomp=<JSON>` in SecurityOpt); `name` names it in the reason. */
export function seccompTextDanger(text: string, name: string): string | undefined {
  let profile: GoJson;
  try {
    profile = parseGoJson(text, true);
  } catch {
    return `${name} cannot be read as a JSON profile`;
  }
  if (!isObject(profile)) return `${name} is not a profile object`;
  // The daemon decodes it with encoding/json: keys match in any case (ſ and K fold too), the last wins.
  const given = profile.entries.filter(([key, value]) => foldsTo(key, 'defaultAction') && value !== null);
  if (given.some(([, value]) => typeof value !== 'string')) return `${name} has a defaultAction that is not a name`;
  const action = goString(profile, 'defaultAction');
  // moby profiles/seccomp setupSeccomp: no default action and no syscalls means no filter.
  if (action === undefined || action === '') return `${name} has no defaultAction`;
  return PERMISSIVE.has(action) ? `${name} has defaultAction ${action}: every call it does not list runs` : undefined;
}
