// Why a container fails under the hardening, from its own words: which rule broke it, the
// path or call from its log, and the flag that fixes it. Shared by `sdocker explain` and the
// note after a foreground `sdocker run` that failed.
import { dirname } from 'node:path';
import type { ContainerInfo, Containers } from '../engine/containers.js';
import { ruleRow, type RuleId } from '../policy/rules.js';
import { renderFix, type FixForm, type Grant } from './fixes.js';
import { ownerEntry, readSymptomFiles, type SymptomFiles } from './files.js';
import { composeService, learnCommand } from './learn-command.js';
import { tmpfsFolder } from './folders.js';
import { OPERATION_CAPS, findSymptoms, namedAccounts, parsePasswd, type Account, type Symptom } from './symptoms.js';

export interface Finding {
  readonly rule: RuleId;
  readonly what: string;
  readonly line: string;
  /** The fix as docker run flags. */
  readonly fix: string;
  /** What to grant, to be said in the form the container was written in (fixes.ts). */
  readonly grant: Grant;
}

/** Where a diagnosis reads a container: the docker CLI (Containers), or what was kept of one already removed. */
export type DiagnoseSource = Pick<Containers, 'inspect' | 'logs' | 'files' | 'readFile'>;

export interface Diagnosis {
  readonly info: ContainerInfo;
  readonly findings: readonly Finding[];
}

export async function diagnose(containers: DiagnoseSource, ref: string): Promise<Diagnosis | undefined> {
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
  const found = (rule: RuleId, what: string, grant: Grant): Finding[] => [{ rule, what, line, fix: renderFix(grant, 'run'), grant }];
  const owner = ownerIds(info.user);
  const path = symptom.path;
  if ((symptom.kind === 'read-only' || symptom.kind === 'cannot-write') && info.readOnly) {
    const folder = path === undefined ? undefined : tmpfsFolder(symptom, files);
    return found('read-only', `${path ?? 'a write'}: the root filesystem is read-only`, folder === undefined ? { kind: 'tmpfs-unknown' } : { kind: 'tmpfs', path: folder, owner, profileKey: true });
  }
  const entry = path === undefined ? undefined : ownerEntry(files, path);
  if (symptom.kind === 'permission' && entry !== undefined && entry.uid !== 0 && `${entry.uid}` !== info.user.split(':')[0]) {
    const name = accounts.find((a) => a.uid === entry.uid)?.name ?? `uid ${entry.uid}`;
    return found('user', `${path ?? ''} belongs to ${name}; the container runs as ${info.user || 'root'}`, { kind: 'user', user: `${entry.uid}:${entry.gid}`, account: undefined });
  }
  // A path on a volume or a bind: its data must stay, so never a tmpfs over it (that would hide it).
  const volume = path === undefined ? undefined : info.volumes.filter((v) => under(path, v.target)).sort((a, b) => b.target.length - a.target.length)[0];
  if (symptom.kind === 'permission' && entry?.uid === 0 && volume !== undefined && !root(info.user)) {
    return found('user', `${path ?? ''}: the volume ${volume.name} at ${volume.target} belongs to root; the container runs as ${info.user}`, { kind: 'volume-owner', volume: volume.name, target: volume.target, owner: info.user, image: info.imageId || info.image });
  }
  if (path !== undefined && (volume !== undefined || info.binds.some((target) => under(path, target)))) return [];
  if (symptom.kind === 'permission' && info.readOnly && entry?.uid === 0 && path !== undefined) {
    return found('tmpfs', `${path}: its folder belongs to root; the container runs as ${info.user || 'root'}`, { kind: 'tmpfs', path: tmpfsFolder(symptom, files) ?? dirname(path), owner, profileKey: false });
  }
  if (symptom.kind !== 'not-permitted' || symptom.operation === 'other' || symptom.operation === undefined) return [];
  const caps = OPERATION_CAPS[symptom.operation];
  if (!root(info.user)) {
    const account = namedAccounts([line], accounts)[0];
    const grant: Grant = account === undefined ? { kind: 'switch-user', caps } : { kind: 'user', user: `${account.uid}:${account.gid}`, account: account.name };
    return found('user', `${symptom.operation} refused: the image expects to start as root and switch users, and a non-root user has no capabilities`, grant);
  }
  const held = new Set(info.capAdd.map((c) => c.replace(/^CAP_/, '')));
  if (caps.every((cap) => held.has(cap))) return found('seccomp', `${symptom.operation} refused although the container holds ${caps.join(', ')}`, { kind: 'seccomp' });
  return found('cap-drop', `${symptom.operation} needs ${caps.join(', ')}; the container has none (--cap-drop ALL)`, { kind: 'cap-add', caps });
}

function root(user: string): boolean {
  return user === '' || /^(0|root)(:|$)/.test(user);
}

function under(path: string, folder: string): boolean {
  return path === folder || path.startsWith(`${folder.replace(/\/$/, '')}/`);
}

function ownerIds(user: string): string {
  const match = /^(\d+)(?::(\d+))?$/.exec(user);
  return match === null ? '' : `uid=${match[1]}${match[2] === undefined ? '' : `,gid=${match[2]}`}`;
}

/** The diagnosis as text: a compose service's in compose keys and its file's learn command, a run's in docker flags; `seen`: its state as the caller saw it. */
export function renderDiagnosis({ info, findings }: Diagnosis, prefix: string, seen?: string): string {
  const state = seen ?? (info.running ? (info.restarting ? 'restarting' : 'running') : `exited with code ${info.exitCode}${info.oomKilled ? ' (out of memory)' : ''}`);
  const restarts = seen === undefined && info.restartCount > 0 ? `, restarted ${info.restartCount} time${info.restartCount === 1 ? '' : 's'}` : '';
  const service = composeService(info.labels);
  const form: FixForm = service === undefined ? 'run' : 'compose';
  const who = service === undefined ? `${info.name} (${info.image})` : `service ${service.name} (${info.name}, ${info.image})`;
  const lines = [`${prefix}${who} ${state}${restarts}`];
  if (findings.length === 0) lines.push('  its log shows nothing that sdocker\'s hardening refused');
  for (const f of findings) {
    lines.push(`  rule ${f.rule} (CIS ${ruleRow(f.rule).cis}): ${f.what}`, `    its log: ${f.line}`, `    fix: ${renderFix(f.grant, form)}${service === undefined ? '' : ` on service ${service.name}`}`);
  }
  if (findings.length > 0) lines.push(`  or find and prove every grant it needs: ${learnCommand(info.image, service)}`);
  return `${lines.join('\n')}\n`;
}
