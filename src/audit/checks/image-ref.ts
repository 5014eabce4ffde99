// Mutable tags vs digests (CIS 4.2 "trusted base images", which asks for images whose content is
// known): a tag can be moved to other content at any push; `name@sha256:...` cannot. The engine
// lists the registry digests an image was pulled or pushed by in RepoDigests; an image built or
// loaded here has none, and then there is nothing to pin yet.
//
// Not checked: DOCKER_CONTENT_TRUST (CIS 4.5). Docker is retiring Docker Content Trust; the
// Notary v1 service at notary.docker.io shuts down on 8 December 2026
// (docs.docker.com/engine/security/trust, www.docker.com/blog/retiring-docker-content-trust).
// A digest pin is what still tells you the content is the one you reviewed.
import type { Finding, ImageSnapshot } from '../types.js';

export interface ParsedRef {
  /** Repository without tag or digest, in docker's familiar form (`busybox`, not `docker.io/library/busybox`). */
  readonly repository: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
}

/** A reference `[host[:port]/]path[:tag][@digest]`: the tag's colon is after the last slash. */
export function parseRef(ref: string): ParsedRef {
  const at = ref.indexOf('@');
  const digest = at === -1 ? undefined : ref.slice(at + 1);
  const named = at === -1 ? ref : ref.slice(0, at);
  const colon = named.lastIndexOf(':');
  const hasTag = colon > named.lastIndexOf('/');
  return { repository: familiar(hasTag ? named.slice(0, colon) : named), tag: hasTag ? named.slice(colon + 1) : undefined, digest };
}

/** docker/distribution reference.FamiliarName: docker.io's default host and `library/` are implied. */
function familiar(repository: string): string {
  const short = repository.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '');
  return short !== repository && /^library\/[^/]+$/.test(short) ? short.slice('library/'.length) : short;
}

const CHECK = 'image-tag';
const CIS = '4.2';

export function tagFinding(image: ImageSnapshot): Finding {
  const target = { kind: 'image', name: image.ref } as const;
  const digests = image.raw.RepoDigests ?? [];
  const evidence = `ref=${JSON.stringify(image.ref)}, RepoDigests=${JSON.stringify(digests)}`;
  const finding = (result: Finding['result'], message: string): Finding => ({ target, check: CHECK, cis: CIS, result, message, evidence });
  if (isImageId(image.ref, image.raw.Id)) {
    return finding('info', `used by its local image id: fixed here, but no registry can serve it${pinAdvice(digests, undefined)}`);
  }
  const ref = parseRef(image.ref);
  if (ref.digest !== undefined) return finding('pass', `pinned by digest ${ref.digest}`);
  const tag = ref.tag ?? 'latest';
  if (digests.length === 0) {
    return finding('info', `used by the tag ${JSON.stringify(tag)} and built or loaded locally: no registry digest to pin yet; push it and refer to it by digest`);
  }
  const mutable = `used by the tag ${JSON.stringify(tag)}, which can be moved to other content${pinAdvice(digests, ref.repository)}`;
  return finding(tag === 'latest' ? 'warn' : 'info', mutable);
}

function isImageId(ref: string, id: string): boolean {
  const hex = ref.replace(/^sha256:/, '');
  return /^[0-9a-f]{12,64}$/.test(hex) && id.replace(/^sha256:/, '').startsWith(hex);
}

/** `; pin it as repo@sha256:...`, preferring the digest of the repository the ref names. */
function pinAdvice(digests: readonly string[], repository: string | undefined): string {
  const own = digests.find((digest) => repository !== undefined && parseRef(digest).repository === repository);
  const pin = own ?? digests[0];
  return pin === undefined ? '' : `; pin it as ${pin}`;
}
