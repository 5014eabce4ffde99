// Isolated networking: a dedicated bridge instead of docker0, and published ports bound to
// loopback unless the user named a host address.
import { parseBool, type Opt } from '../../docker/parse.js';
import { expandPorts, parsePort, renderPort } from '../../docker/values.js';
import type { RuleContext } from '../context.js';
import { bindAddress } from '../defaults.js';
import { injectLinks } from './links.js';
import { add, say, type Inject, type Injected } from './types.js';

const ALL_INTERFACES = new Set(['0.0.0.0', '::', '[::]']);

const network: Inject = (view, ctx, out) => {
  if (view.has('network')) return;
  const publishes = view.has('publish') || view.isOn('publish-all');
  const none = ctx.policy.network.noneWithoutPorts && !publishes;
  // Links where sdocker picks the network; with network.name '' and no `none`, docker's default
  // bridge (inter-container traffic on) carries them as it always did.
  if (view.has('link') && (none || ctx.policy.network.name !== '')) {
    injectLinks(view, ctx, out, none);
    return;
  }
  if (none) {
    add(out, 'network', '--network', 'none');
    return;
  }
  if (ctx.policy.network.name === '') return;
  add(out, 'network', '--network', ctx.policy.network.name);
  out.network = ctx.policy.network.name;
};

const loopbackPorts: Inject = (_view, ctx, out) => {
  if (ctx.policy.ports.bindAddress === '') return;
  // -P publishes only exposed ports that no -p names, so collect the named ones first.
  const opts = ctx.items.flatMap((item) => item.opts);
  const explicit = new Set(opts.filter(isPublish).flatMap((opt) => expandPorts(parsePort(opt.value).container)));
  ctx.items.forEach((item, index) => {
    if (!item.opts.some((opt) => isPublish(opt) || isPublishAll(opt))) return;
    const parts = item.opts.map((opt) => (isPublish(opt) ? ['-p', bindPort(opt.value, ctx, out)] : isPublishAll(opt) ? publishAll(ctx, out, explicit) : renderOpt(opt)));
    const unchanged = item.opts.every((opt, i) => !isPublishAll(opt) && (!isPublish(opt) || parts[i]?.[1] === opt.value));
    if (unchanged) return;
    const words = parts.flat();
    out.rewrites.push({ rule: 'loopback-ports', item: index, words, note: `${item.words.join(' ')} -> ${words.join(' ') || '(nothing exposed)'}` });
  });
};

function isPublish(opt: Opt): boolean {
  return opt.spec.long === 'publish';
}

function isPublishAll(opt: Opt): boolean {
  return opt.spec.long === 'publish-all' && parseBool(opt.value) !== false;
}

/** A -p value with the bind address where it names no host address. */
function bindPort(value: string, ctx: RuleContext, out: Injected): string {
  const spec = parsePort(value);
  warnPrivileged(spec.host, out);
  if (spec.ip !== undefined && spec.ip !== '') {
    if (ALL_INTERFACES.has(spec.ip)) say(out, 'loopback-ports', 'warning', `-p ${value} publishes on every host interface`);
    return value;
  }
  return renderPort({ ...spec, ip: bindAddress(ctx.policy) });
}

/** -P publishes every exposed port on every interface: replaced by one loopback -p per port. */
function publishAll(ctx: RuleContext, out: Injected, explicit: ReadonlySet<string>): string[] {
  const image = ctx.facts.image;
  if (image === undefined) {
    say(out, 'loopback-ports', 'warning', 'the image is not present locally, so its exposed ports are unknown: -P kept as written, on every interface');
    return ['--publish-all'];
  }
  const exposed = [...image.exposedPorts, ...ctx.items.flatMap((it) => it.opts).filter((o) => o.spec.long === 'expose').flatMap((o) => expandPorts(o.value))];
  const ports = [...new Set(exposed)].filter((port) => !explicit.has(port));
  return ports.flatMap((port) => ['-p', `${bindAddress(ctx.policy)}::${port}`]);
}

function warnPrivileged(host: string, out: Injected): void {
  const first = Number(host.split('-')[0]);
  if (host !== '' && Number.isInteger(first) && first > 0 && first < 1024) {
    say(out, 'loopback-ports', 'warning', `host port ${host} is a privileged port (CIS 5.8)`);
  }
}

/** An option written out in its long form, so it can stand alone outside its cluster. */
export function renderOpt(opt: Opt): string[] {
  if (opt.spec.kind === 'bool') return [opt.value === 'true' ? `--${opt.spec.long}` : `--${opt.spec.long}=${opt.value}`];
  return [`--${opt.spec.long}=${opt.value}`];
}

export const NETWORK_INJECTIONS: readonly Inject[] = [network, loopbackPorts];
