// What kind of engine this is and what it says about itself, read from GET /info. Shared by
// the §2 checks (engine.ts, daemon-settings.ts) and the host-file checks (host.ts).
import type { EngineSnapshot, Finding, Result, Target } from '../types.js';

/** local: this host's rootful dockerd; the others have no host files of ours to judge. */
export type EngineKind = 'local' | 'rootless' | 'desktop' | 'remote';

/**
 * `name=seccomp,profile=default` → { name: 'seccomp', profile: 'default' }, one per entry of
 * info.SecurityOptions (moby daemon/info.go fillSecurityOptions: apparmor, seccomp, selinux,
 * userns, rootless, cgroupns).
 */
export function securityOptions(info: Readonly<Record<string, unknown>>): Map<string, Readonly<Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  const raw = Array.isArray(info['SecurityOptions']) ? (info['SecurityOptions'] as unknown[]) : [];
  for (const entry of raw) {
    if (typeof entry !== 'string') continue;
    const fields: Record<string, string> = {};
    for (const part of entry.split(',')) {
      const at = part.indexOf('=');
      if (at > 0) fields[part.slice(0, at)] = part.slice(at + 1);
    }
    if (fields['name']) out.set(fields['name'], fields);
  }
  return out;
}

export function engineKind(engine: EngineSnapshot): EngineKind {
  if (!engine.local) return 'remote';
  // Docker Desktop runs dockerd in a VM: the socket is local, the daemon's files are not ours.
  if (String(engine.info['OperatingSystem'] ?? '').includes('Docker Desktop')) return 'desktop';
  if (securityOptions(engine.info).has('rootless')) return 'rootless';
  return 'local';
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v) ?? 'undefined';
}

/** A finding maker bound to the engine target. */
export function findingFor(engine: EngineSnapshot): (check: string, cis: string | null, result: Result, message: string, evidence: string) => Finding {
  const target: Target = { kind: 'engine', name: engine.endpoint };
  return (check, cis, result, message, evidence) => ({ target, check, cis, result, message, evidence });
}
