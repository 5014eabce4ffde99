// One container as the checks read it: typed accessors over the inspect object's loose
// HostConfig, its security options parsed the way the daemon parses them, and the finding
// builder every container check uses (a rule id takes its CIS id from the rule table).
import { parseSecurityOpt } from '../../docker/values.js';
import { INJECTIONS, isRefuseId, REFUSALS, ruleRow, type RuleId } from '../../policy/rules.js';
import type { ContainerSnapshot, Finding, Result, Snapshot, Target } from '../types.js';

/** §5 checks docker-bench has that the rule table does not (CIS v1.6.0 ids, as rules.ts and docker-bench-security v1.6.1 number them). */
export const AUDIT_CIS = {
  sshd: '5.7',
  'privileged-ports': '5.8',
  'open-ports': '5.9',
  'mount-propagation': '5.20',
  'exec-root': '5.24',
  healthcheck: '5.27',
  'image-pinned': '5.28',
} as const;

export type AuditId = keyof typeof AUDIT_CIS;

export interface PortBinding {
  readonly port: string;
  readonly hostIp: string;
  readonly hostPort: string;
}

export class ContainerView {
  readonly target: Target;
  readonly raw: ContainerSnapshot['raw'];
  readonly processes: ContainerSnapshot['processes'];
  readonly securityOpts: readonly { key: string; value: string | undefined; text: string }[];

  constructor(container: ContainerSnapshot, readonly snapshot: Snapshot) {
    this.raw = container.raw;
    this.processes = container.processes;
    this.target = { kind: 'container', name: container.raw.Name.replace(/^\//, '') };
    this.securityOpts = this.list('SecurityOpt').map((text) => ({ ...parseSecurityOpt(text), text }));
  }

  str(key: string): string {
    const value = this.raw.HostConfig[key];
    return typeof value === 'string' ? value : '';
  }

  num(key: string): number {
    const value = this.raw.HostConfig[key];
    return typeof value === 'number' ? value : 0;
  }

  list(key: string): string[] {
    const value = this.raw.HostConfig[key];
    return Array.isArray(value) ? value.map(String) : [];
  }

  /** The last value given for a security option key (the daemon applies them in order). */
  securityOpt(key: string): { value: string | undefined; text: string } | undefined {
    return this.securityOpts.filter((opt) => opt.key === key).at(-1);
  }

  /**
   * Published ports: HostConfig.PortBindings is what was asked, and is there before the
   * container starts (NetworkSettings.Ports is empty for a created or stopped container);
   * `-P` (PublishAllPorts) publishes every exposed port on all interfaces.
   */
  ports(): PortBinding[] {
    const bindings = this.raw.HostConfig['PortBindings'];
    const out: PortBinding[] = [];
    if (typeof bindings === 'object' && bindings !== null) {
      for (const [port, list] of Object.entries(bindings as Record<string, unknown>)) {
        for (const b of Array.isArray(list) ? (list as { HostIp?: string; HostPort?: string }[]) : []) out.push({ port, hostIp: b.HostIp ?? '', hostPort: b.HostPort ?? '' });
      }
    }
    if (this.raw.HostConfig['PublishAllPorts'] === true) {
      for (const port of Object.keys(this.raw.Config.ExposedPorts ?? {})) if (!out.some((b) => b.port === port)) out.push({ port, hostIp: '', hostPort: '' });
    }
    return out;
  }

  /** The container another one's `container:X` mode names, found in the snapshot by name or id. */
  joined(mode: string): ContainerView | undefined {
    if (!mode.startsWith('container:')) return undefined;
    const ref = mode.slice('container:'.length);
    const found = this.snapshot.containers.find((c) => c.raw.Id === ref || c.raw.Id.startsWith(ref) || c.raw.Name === `/${ref}`);
    return found === undefined ? undefined : new ContainerView(found, this.snapshot);
  }

  finding(check: RuleId | AuditId, result: Result, message: string, evidence: string): Finding {
    return { target: this.target, check, cis: cisOf(check), result, message, evidence };
  }
}

function cisOf(check: RuleId | AuditId): string | null {
  if (check in AUDIT_CIS) return AUDIT_CIS[check as AuditId];
  const cis = ruleRow(check as RuleId).cis;
  return cis === '-' ? null : cis;
}

/**
 * A warn's message from the rule's own row (rules.ts): one source for why. The problem first,
 * then the fix: a refusal's row names what is there and its danger; an injection's row names
 * what it gives (its `why`) and what a container lacking it risks (its `risk`).
 */
export function why(rule: RuleId): string {
  return `${problem(rule)}; ${remedy(rule)}`;
}

export function problem(rule: RuleId): string {
  if (isRefuseId(rule)) return `${REFUSALS[rule].title}: ${REFUSALS[rule].why}`;
  return INJECTIONS[rule].risk;
}

export function remedy(rule: RuleId): string {
  return isRefuseId(rule) ? 're-create it without it' : `re-create it with ${INJECTIONS[rule].title}`;
}

/** An evidence value, kept to one short line (an inline seccomp profile is kilobytes of JSON). */
export function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  const line = text.replace(/\s+/g, ' ');
  return line.length > 120 ? `${line.slice(0, 60)}… (${line.length} characters)` : line;
}

/** A host binding that listens on every interface: docker's default, and IPv6's. */
export function onAllInterfaces(hostIp: string): boolean {
  return hostIp === '' || hostIp === '0.0.0.0' || hostIp === '::' || hostIp === '[::]';
}

