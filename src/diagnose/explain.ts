// Why a container fails under the hardening, from its own words: which rule broke it, the
// path or call from its log, and the flag that fixes it. Shared by `sdocker explain` and the
// note after a foreground `sdocker run` that failed.
import { dirname } from 'node:path';
import type { ContainerInfo, Containers } from '../engine/containers.js';
import { ruleRow, type RuleId } from '../policy/rules.js';
import { ownerEntry, readSymptomFiles, type SymptomFiles } from './files.js';
import { tmpfsFolder } from './folders.js';
import { OPERATION_CAPS, findSymptoms, namedAccounts, parsePasswd, type Account, type Symptom } from './symptoms.js';

export interface Finding {
  readonly rule: RuleId;
  readonly what: string;
  readonly line: string;
  readonly fix: string;
}

export interface Diagnosis {
  readonly info: ContainerInfo;
  readonly findings: readonly Finding[];
}

export async function diagnose(containers: Containers, ref: string): Promise<Diagnosis | undefined> {
  const info = await containers.inspect(ref);
  if (info === undefined) return undefined;
  const symptoms = findSymptoms(await containers.logs(ref));
  const files = await readSymptomFiles(containers, ref, symptoms);
  const accounts = symptoms.length === 0 ? [] : parsePasswd((await containers.readFile(ref, '/etc/passwd')) ?? '');
  const findings = symptoms.flatMap((s) => findingFor(s, info, files, accounts));
  return { info, findings: findings.filter((f, i) => findings.findIndex((o) => o.fix === f.fix) === i) };
}

function findingFor(symptom: Symptom, info: ContainerInfo, files: SymptomFiles, accounts: readonly Account[]): Finding[] {
  const line = symptom.line.trim();
  const owner = ownerIds(info.user);
  const path = symptom.path;
  if ((symptom.kind === 'read-only' || symptom.kind === 'cannot-write') && info.readOnly) {
    const folder = path === undefined ? undefined : tmpfsFolder(symptom, files);
    const fix = folder === undefined ? 'give the folder it writes to with --tmpfs PATH, or run sdocker learn' : `--tmpfs ${folder}${owner === '' ? '' : `:${owner}`} (image profile: tmpfs.paths)`;
    return [{ rule: 'read-only', what: `${path ?? 'a write'}: the root filesystem is read-only`, line, fix }];
  }
  const entry = path === undefined ? undefined : ownerEntry(files, path);
  if (symptom.kind === 'permission' && entry !== undefined && entry.uid !== 0 && `${entry.uid}` !== info.user.split(':')[0]) {
    const name = accounts.find((a) => a.uid === entry.uid)?.name ?? `uid ${entry.uid}`;
    return [{ rule: 'user', what: `${path ?? ''} belongs to ${name}; the container runs as ${info.user || 'root'}`, line, fix: `--user ${entry.uid}:${entry.gid} (image profile: user)` }];
  }
  if (symptom.kind === 'permission' && info.readOnly && entry?.uid === 0 && path !== undefined) {
    return [{ rule: 'tmpfs', what: `${path}: its folder belongs to root; the container runs as ${info.user || 'root'}`, line, fix: `--tmpfs ${tmpfsFolder(symptom, files) ?? dirname(path)}${owner === '' ? '' : `:${owner}`}` }];
  }
  if (symptom.kind !== 'not-permitted' || symptom.operation === 'other' || symptom.operation === undefined) return [];
  const caps = OPERATION_CAPS[symptom.operation];
  const root = info.user === '' || /^(0|root)(:|$)/.test(info.user);
  if (!root) {
    const account = namedAccounts([line], accounts)[0];
    const fix = account === undefined ? `run it as the user it switches to (--user UID:GID), or as root with --user 0 --cap-add ${caps.join(' --cap-add ')}` : `--user ${account.uid}:${account.gid} (${account.name})`;
    return [{ rule: 'user', what: `${symptom.operation} refused: the image expects to start as root and switch users, and a non-root user has no capabilities`, line, fix }];
  }
  const held = new Set(info.capAdd.map((c) => c.replace(/^CAP_/, '')));
  if (caps.every((cap) => held.has(cap))) return [{ rule: 'seccomp', what: `${symptom.operation} refused although the container holds ${caps.join(', ')}`, line, fix: 'a seccomp profile that allows the call (--security-opt seccomp=FILE)' }];
  return [{ rule: 'cap-drop', what: `${symptom.operation} needs ${caps.join(', ')}; the container has none (--cap-drop ALL)`, line, fix: caps.map((cap) => `--cap-add ${cap}`).join(' ') }];
}

function ownerIds(user: string): string {
  const match = /^(\d+)(?::(\d+))?$/.exec(user);
  return match === null ? '' : `uid=${match[1]}${match[2] === undefined ? '' : `,gid=${match[2]}`}`;
}

export function renderDiagnosis({ info, findings }: Diagnosis, prefix: string): string {
  const state = info.running ? (info.restarting ? 'restarting' : 'running') : `exited with code ${info.exitCode}${info.oomKilled ? ' (out of memory)' : ''}`;
  const restarts = info.restartCount > 0 ? `, restarted ${info.restartCount} times` : '';
  const lines = [`${prefix}${info.name} (${info.image}) ${state}${restarts}`];
  if (findings.length === 0) lines.push('  its log shows nothing that sdocker\'s hardening refused');
  for (const f of findings) {
    lines.push(`  rule ${f.rule} (CIS ${ruleRow(f.rule).cis}): ${f.what}`, `    its log: ${f.line}`, `    fix: ${f.fix}`);
  }
  if (findings.length > 0) lines.push(`  or find and prove every grant it needs: sdocker learn ${info.image}`);
  return `${lines.join('\n')}\n`;
}
