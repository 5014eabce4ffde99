// The networks the container is on, minus docker's default bridge (sdocker puts a container
// on its own bridge instead, CIS 5.29), with the aliases, addresses, DNS and links the user gave.
import { flag, hostConfig, list, networkMode, type Intent, type Origin } from './intent.js';

type Endpoint = { readonly Aliases?: readonly string[] | null; readonly IPAMConfig?: { readonly IPv4Address?: string; readonly IPv6Address?: string; readonly LinkLocalIPs?: readonly string[] | null } | null };

/** `default` and `bridge` are docker0: the engine's, not the user's. */
const DEFAULT_BRIDGE = new Set(['', 'default', 'bridge']);

export function readNetwork(origin: Origin, out: Intent): void {
  const { raw } = origin;
  const name = raw.Name.replace(/^\//, '');
  const networks = raw.NetworkSettings.Networks ?? {};
  const joined = Object.keys(networks).filter((n) => !DEFAULT_BRIDGE.has(n));
  // On docker0 and connected to networks of the user's since: the first of them stands for docker0.
  const mode = DEFAULT_BRIDGE.has(networkMode(raw)) ? (joined[0] ?? 'default') : networkMode(raw);
  if (!DEFAULT_BRIDGE.has(mode)) out.pieces.push(flag('network', mode));
  const own = networks[mode] as Endpoint | undefined;
  if (own !== undefined && mode !== 'host' && mode !== 'none') readEndpoint(own, raw.Id, out);
  // docker 20.10 refuses several --network at once (measured): the others are joined after.
  for (const other of joined.filter((n) => n !== mode && n !== 'host' && n !== 'none')) {
    out.lost.push(`its network ${other}: one --network per run on this engine; join it after: docker network connect ${other} ${name}`);
  }
  const host = hostConfig(raw);
  for (const dns of list(host.Dns)) out.pieces.push(flag('dns', dns));
  for (const option of list(host.DnsOptions)) out.pieces.push(flag('dns-option', option));
  for (const search of list(host.DnsSearch)) out.pieces.push(flag('dns-search', search));
  for (const entry of list(host.ExtraHosts)) out.pieces.push(flag('add-host', entry));
  // HostConfig.Links: `/target:/this/alias`.
  for (const link of list(host.Links)) {
    const [target = '', alias = ''] = link.split(':');
    const short = alias.split('/').at(-1) ?? '';
    const bare = target.replace(/^\//, '');
    out.pieces.push(flag('link', short === '' || short === bare ? bare : `${bare}:${short}`));
  }
}

/** The engine adds the container's short id as an alias on a user-defined network (measured on 20.10). */
function readEndpoint(endpoint: Endpoint, id: string, out: Intent): void {
  for (const alias of list(endpoint.Aliases)) {
    if (alias !== id.slice(0, 12)) out.pieces.push(flag('network-alias', alias));
  }
  const ipam = endpoint.IPAMConfig;
  if (ipam?.IPv4Address) out.pieces.push(flag('ip', ipam.IPv4Address));
  if (ipam?.IPv6Address) out.pieces.push(flag('ip6', ipam.IPv6Address));
  for (const ip of list(ipam?.LinkLocalIPs)) out.pieces.push(flag('link-local-ip', ip));
}
