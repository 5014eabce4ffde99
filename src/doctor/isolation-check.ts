// Isolation between networks, as this host's kernel applies it. dockerd keeps its jumps to
// DOCKER-USER and DOCKER-ISOLATION-STAGE-1 at the top of iptables' FORWARD chain; below them each
// bridge's own `-i BR ! -o BR -j ACCEPT` lets its containers out. Measured on dockerd 20.10 (a
// full test run, issue 18): networks made and removed at the same time left bridges' ACCEPTs
// above the isolation jump, and a container on sdocker's network reached one on a link network.
// dockerd puts its jumps first again whenever it makes a network (measured), hence the fix.
import type { EngineProbe } from './probe.js';
import { check, type Check } from './check.js';

const ISOLATION = '-A FORWARD -j DOCKER-ISOLATION-STAGE-1';
const FIX = "make and remove one network ('docker network create sdocker-order && docker network rm sdocker-order'): dockerd then puts its isolation first again";

/** The line for `iptables -S FORWARD`'s output. */
export function isolationCheck(rules: string): Check {
  const lines = rules.split('\n');
  const jump = lines.indexOf(ISOLATION);
  if (jump === -1) return check('isolation', 'warn', "no jump to DOCKER-ISOLATION-STAGE-1 in iptables' FORWARD chain: containers of two networks may reach each other (is dockerd's iptables off?)");
  // Only dockerd's own shape of rule: a user's firewall rules above the jump are the user's.
  const early = lines.slice(0, jump).map((line) => /^-A FORWARD -i (\S+) ! -o \1 -j ACCEPT$/.exec(line)?.[1]).filter((bridge) => bridge !== undefined);
  if (early.length === 0) return check('isolation', 'ok', "dockerd's isolation between networks comes first in iptables' FORWARD chain");
  return check('isolation', 'warn', `iptables' FORWARD chain lets ${early.join(', ')} out before dockerd's isolation between networks (networks made at the same time): their containers reach other networks; ${FIX}`);
}

/** The line where the engine runs on this host and its FORWARD chain can be read (root); else none. */
export async function hostIsolation(probe: EngineProbe): Promise<Check[]> {
  if (!probe.local || probe.error !== undefined) return [];
  const { capture } = await import('../common/exec.js');
  const listed = await capture('iptables', ['-S', 'FORWARD']).catch(() => undefined);
  return listed === undefined || listed.exitCode !== 0 ? [] : [isolationCheck(listed.stdout)];
}
