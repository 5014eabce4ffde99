// Fake engine snapshots for the §1/§2/§3 checks: the real `docker system info` of this
// machine's 20.10 engine (test/fixtures/audit/docker-info-20.10.json), varied per test.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EngineSnapshot, Finding, HostFiles, HostStat, Snapshot } from '../../src/audit/types.js';

export const INFO = JSON.parse(readFileSync(fileURLToPath(new URL('../../../test/fixtures/audit/docker-info-20.10.json', import.meta.url)), 'utf8')) as Record<string, unknown>;

const file = (mode: number, uid = 0, gid = 0): HostStat => ({ uid, gid, mode, kind: 'file' });

/** This machine's host files as measured: no daemon.json, no auditd, socket root:docker 0660. */
export function hostFiles(over: Partial<HostFiles> = {}, stats: Record<string, HostStat | null> = {}): HostFiles {
  return {
    stats: {
      '/lib/systemd/system/docker.service': file(0o644), '/lib/systemd/system/docker.socket': file(0o644),
      '/etc/docker': { uid: 0, gid: 0, mode: 0o755, kind: 'dir' }, '/etc/default/docker': file(0o644),
      '/var/run/docker.sock': { uid: 0, gid: 998, mode: 0o660, kind: 'socket' }, '/usr/sbin/dockerd': file(0o755),
      '/var/lib/docker': { uid: 0, gid: 0, mode: 0o710, kind: 'dir' }, ...stats,
    },
    daemonJson: { path: '/etc/docker/daemon.json', text: null },
    dockerdArgs: ['dockerd'],
    auditRules: null,
    dockerGroup: { gid: 998, members: [] },
    ...over,
  };
}

export interface EngineOver {
  info?: Record<string, unknown>;
  bridgeIcc?: string | undefined;
  local?: boolean;
  endpoint?: string;
  hostFiles?: HostFiles | undefined;
}

export function engine(over: EngineOver = {}): EngineSnapshot {
  const e: EngineSnapshot = {
    endpoint: over.endpoint ?? 'unix:///var/run/docker.sock',
    local: over.local ?? true,
    info: { ...INFO, ...over.info },
    version: { Version: '20.10.24+dfsg1', ApiVersion: '1.41' },
    bridgeIcc: 'bridgeIcc' in over ? over.bridgeIcc : 'true',
  };
  const files = 'hostFiles' in over ? over.hostFiles : hostFiles();
  return files ? { ...e, hostFiles: files } : e;
}

export function snapshot(e: EngineSnapshot): Snapshot {
  return { engine: e, containers: [], images: new Map() };
}

/** cis → result, for the findings of one check family (or all). */
export function results(findings: readonly Finding[], check?: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of findings) if (!check || f.check === check) out[f.cis ?? f.check] = f.result;
  return out;
}

export function byCis(findings: readonly Finding[], cis: string): Finding {
  const found = findings.filter((f) => f.cis === cis);
  if (found.length !== 1) throw new Error(`${found.length} findings for CIS ${cis}`);
  return found[0]!;
}

/** The CIS ids of §2 that warn, sorted. */
export function warned2(findings: readonly Finding[]): string[] {
  return findings.filter((f) => f.result === 'warn' && f.cis?.startsWith('2.')).map((f) => f.cis!);
}
