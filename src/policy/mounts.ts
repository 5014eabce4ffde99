// Which host paths a bind mount may name (CIS 5.6). Secret paths (credentials, the engine's
// state, /proc, /sys, /dev, /run) are refused in any mode; a system folder itself, and any
// folder that holds a secret path or a system folder, too; a plain file or folder below a
// system folder only read-only. The path as written and the path its symlinks lead to are
// both judged, so `/etc/ssl/certs/x -> /etc/shadow` is refused as /etc/shadow.
import { basename } from 'node:path';
import { parseMount, parseVolume, type HostBind } from '../docker/values.js';
import type { HostFacts, OptionView } from './context.js';
import type { Policy } from './schema.js';

/** A host path the options bind, with the option as the user wrote it. */
export interface Bind extends HostBind {
  readonly what: string;
  /** A local volume definition refused outright (an unknown filesystem type, a relative device: local-volume.ts); source is the detail. */
  readonly refusal?: { readonly reason: string; readonly fix: string };
}

export type BindDecision =
  | { readonly kind: 'free' }
  | { readonly kind: 'engine-socket' }
  /** Allowed because it is read-only, below this system folder. */
  | { readonly kind: 'read-only'; readonly folder: string }
  | { readonly kind: 'refused'; readonly path: string; readonly reason: string; readonly fix: string };

type PathLists = Pick<Policy, 'secretPaths' | 'sensitivePaths'>;

/** Socket file names of container engines: mounting any of them hands over the engine. */
const ENGINE_SOCKETS = new Set(['docker.sock', 'containerd.sock', 'podman.sock', 'cri-dockerd.sock', 'crio.sock']);

const OWN_FOLDER = 'mount a folder of its own or a named volume';
const ONE_BELOW = 'mount only the file or folder below it that you need, read-only';
const READ_ONLY = 'mount it read-only (-v SRC:DST:ro, --mount ...,readonly, compose read_only: true)';

export function bindsOf(view: OptionView, cwd: string): Bind[] {
  const binds: Bind[] = [];
  for (const value of view.values('volume')) {
    const bind = parseVolume(value, cwd);
    if (bind !== undefined) binds.push({ ...bind, what: `-v ${value}` });
  }
  for (const value of view.values('mount')) {
    const mount = parseMount(value, cwd);
    // A volume's host path is named: `volume-opt=type=proc` shows /proc without writing it.
    for (const bind of mount.binds) binds.push({ ...bind, what: mount.type === 'bind' || bind.refusal !== undefined ? `--mount ${value}` : `--mount ${value} (mounts ${bind.source})` });
  }
  return binds;
}

export function judgeBind(bind: HostBind & Pick<Bind, 'refusal'>, host: HostFacts, lists: PathLists): BindDecision {
  if (bind.refusal !== undefined) return refused_(bind.source, bind.refusal.reason, bind.refusal.fix);
  const resolved = host.realpath(bind.source);
  const isEngineSocket =
    (host.engineSocket !== undefined && resolved === host.engineSocket) || ENGINE_SOCKETS.has(basename(resolved)) || ENGINE_SOCKETS.has(basename(bind.source));
  if (isEngineSocket) return { kind: 'engine-socket' };
  const decisions = [...new Set([resolved, bind.source])].map((path) => judgePath(path, bind.readOnly, lists));
  const refused = decisions.find((d) => d.kind === 'refused');
  if (refused !== undefined) return refused;
  // A folder above the socket hands it over as well (dockerd -H unix:///srv/d/docker.sock, then -v /srv:/x).
  if (holdsEngineSocket(bind, host)) return { kind: 'engine-socket' };
  // The note names the written path's system folder when it has one (/etc for /etc/localtime, not /usr).
  const readOnly = [...decisions].reverse().find((d) => d.kind === 'read-only');
  if (readOnly === undefined) return { kind: 'free' };
  // What the read-only mount shows must be what it seems: a missing path would be created by
  // docker -v as a root-owned folder (an empty /etc/nologin stops every non-root login), and
  // read-only stops neither connect() on a socket nor writes to a device node.
  const kind = host.kind(resolved);
  if (kind === 'missing') return refused_(resolved, `${resolved} does not exist here, and docker -v would create it as a folder`, 'mount a path that exists');
  if (kind === 'other') return refused_(resolved, `${resolved} is not a plain file or folder (a socket or device stays usable read-only)`, OWN_FOLDER);
  return readOnly;
}

/** The bind's source is a folder that holds the engine's own socket, at any depth. */
export function holdsEngineSocket(bind: HostBind, host: HostFacts): boolean {
  const socket = host.engineSocket;
  return socket !== undefined && isWithin(socket, host.realpath(bind.source));
}

function judgePath(path: string, readOnly: boolean, { secretPaths, sensitivePaths }: PathLists): BindDecision {
  const secret = secretPaths.find((s) => isWithin(path, s));
  if (secret !== undefined) return refused_(path, `${secret === path ? path : `${path} is below ${secret}, which`} is in secretPaths: refused in any mode`, OWN_FOLDER);
  if (sensitivePaths.includes(path)) return refused_(path, `${path} is a system folder: refused in any mode`, ONE_BELOW);
  const holds = [...secretPaths, ...sensitivePaths].find((s) => s !== path && isWithin(s, path));
  if (holds !== undefined) return refused_(path, `${path} holds ${holds}: refused in any mode`, ONE_BELOW);
  // `/` guards only itself: below it is everything, including the user's own folders.
  const folder = sensitivePaths.find((s) => s !== '/' && isWithin(path, s));
  if (folder === undefined) return { kind: 'free' };
  return readOnly ? { kind: 'read-only', folder } : refused_(path, `${path} is below the system folder ${folder}: only read-only`, READ_ONLY);
}

function refused_(path: string, reason: string, fix: string): BindDecision {
  return { kind: 'refused', path, reason, fix };
}

/** `path` is `folder` or below it. */
export function isWithin(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith('/') ? folder : `${folder}/`);
}

/** The notice a read-only bind below a system folder earns (the dry run's and compose's). */
export function readOnlyNote(what: string, folder: string): string {
  return `${what}: allowed read-only below the system folder ${folder} (rule sensitive-mount, CIS 5.6): not secret, and the container can read it but not change it`;
}
