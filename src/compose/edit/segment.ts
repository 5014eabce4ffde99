// --segment: instead of one project network shared by every service, one network for each
// pair of services that talk (depends_on, links), so a service reaches only what it depends
// on. A network is internal (no way out of the host) unless one of its two services publishes
// a port. Services that set networks or network_mode, and services that talk to no one, keep
// what they have.
import { list, type ServiceEdit, type ServiceView } from '../keys/types.js';

export interface Segmentation {
  readonly edits: ServiceEdit[];
  /** Top-level networks to define: name -> definition. */
  readonly networks: Record<string, { internal?: boolean }>;
}

function peersOf(data: Readonly<Record<string, unknown>>): string[] {
  const depends = data['depends_on'];
  const names = Array.isArray(depends) ? depends.map(String) : Object.keys((depends ?? {}) as object);
  const links = list(data['links']).map((link) => String(link).split(':')[0] as string);
  return [...names, ...links];
}

export function segmentNetworks(services: readonly ServiceView[], existing: Readonly<Record<string, unknown>>): Segmentation {
  const byName = new Map(services.map((s) => [s.name, s]));
  const pairs = new Map<string, [string, string]>();
  for (const service of services) {
    for (const peer of peersOf(service.data)) {
      if (!byName.has(peer) || peer === service.name) continue;
      const pair = [service.name, peer].sort() as [string, string];
      pairs.set(`sd-${pair[0]}-${pair[1]}`, pair);
    }
  }
  const publishes = (name: string): boolean => list(byName.get(name)?.data['ports']).length > 0;
  const free = (name: string): boolean => {
    const data = byName.get(name)?.data ?? {};
    return data['networks'] === undefined && data['network_mode'] === undefined;
  };
  const joined = new Map<string, string[]>();
  const networks: Record<string, { internal?: boolean }> = {};
  for (const [network, [a, b]] of [...pairs].sort()) {
    if (!free(a) || !free(b)) continue;
    for (const name of [a, b]) joined.set(name, [...(joined.get(name) ?? []), network]);
    if (existing[network] === undefined) networks[network] = publishes(a) || publishes(b) ? {} : { internal: true };
  }
  const edits: ServiceEdit[] = [...joined].map(([service, names]) => ({
    rule: 'network',
    service,
    edit: { kind: 'set', path: ['networks'], value: names },
    note: `networks: ${names.join(', ')}`,
  }));
  return { edits, networks };
}
