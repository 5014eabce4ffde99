// CIS 4.9 "COPY is used instead of ADD" (hadolint DL3020 likewise): ADD also fetches URLs
// (unverified: the history keeps no checksum) and unpacks local tar archives, so what lands in
// the image is not what the build context shows. ADD of a URL, or of a local file or folder that
// is not an archive to unpack, is a warning; an archive (unpacked, which COPY cannot do) and a
// git source are information. The classic builder records a local source only by its hash
// (`file:<sha>`, for a plain file and an archive alike): its layer then tells where it can (a
// regular file at the destination path itself is a plain file: an archive is unpacked into a
// folder there), else it stays information (`ADD x /opt/` leaves x's own name unknown). The oldest entry's `ADD <rootfs> /` is how every
// FROM-scratch base image is made (COPY cannot unpack it) and is not reported, as
// docker-bench-security's 4.9 skips the last history line. Its grep for "ADD" anywhere in the
// line also matches `ENV LISTEN_ADDRESS=...` and RUN text; this reads the step.
import type { LayerEntry } from '../layer-merge.js';
import type { ImageConfig } from '../layout.js';
import type { Finding, ImageSnapshot, RawHistory } from '../types.js';
import { maskUrl, readStep, shortText, type Step } from './image-history.js';

export type AddSource = 'url' | 'git' | 'archive' | 'file' | 'hidden';

export interface AddStep {
  readonly sources: readonly { readonly source: string; readonly kind: AddSource }[];
  readonly dest: string;
}

// ADD unpacks a local tar, plain or compressed with gzip, bzip2 or xz (Dockerfile reference, ADD).
const ARCHIVE = /\.(tar|tgz|tbz2?|txz|tar\.(gz|bz2|xz))$/i;
// The classic builder records the source by hash: `file:` and `dir:` and `multi:` for the build
// context, a bare sha256 for a downloaded URL (measured on engine 20.10).
const CLASSIC_SOURCE = /^(?:(file|dir|multi):)?([0-9a-f]{64})$/;

export function readAdd(step: Step): AddStep | undefined {
  if (step.instruction !== 'ADD') return undefined;
  const words = step.text.split(/\s+/).filter((word) => word !== '' && !word.startsWith('--'));
  if (step.builder === 'classic') {
    const at = words.lastIndexOf('in');
    if (at < 1) return undefined;
    const sources = words.slice(0, at).map((source) => ({ source, kind: classicKind(source) }));
    return { sources, dest: words.slice(at + 1).join(' ') };
  }
  if (words.length < 2) return undefined;
  const sources = words.slice(0, -1).map((source) => ({ source: maskUrl(source), kind: sourceKind(source) }));
  return { sources, dest: words[words.length - 1] ?? '' };
}

function classicKind(source: string): AddSource {
  const match = CLASSIC_SOURCE.exec(source);
  if (match === null) return 'hidden';
  // A folder's contents are copied, never unpacked (archives inside it included).
  return match[1] === undefined ? 'url' : match[1] === 'dir' ? 'file' : 'hidden';
}

function sourceKind(source: string): AddSource {
  // buildkit's dfgitutil.ParseGitRef: git@host:, git://, or an http(s) URL ending in .git (with a #ref).
  if (/^git@|^git:\/\/|^https?:\/\/\S+\.git(#\S*)?$/i.test(source)) return 'git';
  if (/^https?:\/\//i.test(source)) return 'url';
  return ARCHIVE.test(source) ? 'archive' : 'file';
}

const CHECK = 'image-add';
const CIS = '4.9';

const MESSAGES: Readonly<Record<AddSource, Pick<Finding, 'result' | 'message'>>> = {
  url: { result: 'warn', message: 'ADD downloads a URL at build time with no checksum in the image: download it with a pinned sha256 (RUN curl && sha256sum -c) or ADD --checksum, then COPY' },
  git: { result: 'info', message: 'ADD clones a git repository at build time: pin it to a commit' },
  archive: { result: 'info', message: 'ADD unpacks a local archive into the image: fine if meant; otherwise COPY it' },
  file: { result: 'warn', message: 'ADD of a local file or folder, which ADD would unpack were it an archive: use COPY' },
  hidden: { result: 'info', message: 'ADD of a local file, folder or archive (the classic builder does not record which): use COPY unless it unpacks an archive on purpose' },
};

// Worst first, so a step that mixes sources reports its riskiest.
const ORDER: readonly AddSource[] = ['url', 'git', 'archive', 'hidden', 'file'];

export function addFindings(image: ImageSnapshot): Finding[] {
  const target = { kind: 'image', name: image.ref } as const;
  const findings: Finding[] = [];
  image.history.forEach((entry, index) => {
    const add = readAdd(readStep(entry));
    if (add === undefined || isBaseRootfs(image.history, index, add)) return;
    const seen = image.addedFiles?.includes(index) === true ? 'file' : undefined;
    const kind = seen ?? ORDER.find((k) => add.sources.some((s) => s.kind === k)) ?? 'hidden';
    const shown = shortText(`ADD ${add.sources.map((s) => s.source).join(' ')} ${add.dest}`);
    findings.push({ target, check: CHECK, cis: CIS, ...MESSAGES[kind], evidence: `history[${index}].CreatedBy=${JSON.stringify(shown)}` });
  });
  if (findings.length > 0) return findings;
  return [{ target, check: CHECK, cis: CIS, result: 'pass', message: 'no ADD in the image history (besides a base image root filesystem)', evidence: `history: ${image.history.length} entries` }];
}

function isBaseRootfs(history: readonly RawHistory[], index: number, add: AddStep): boolean {
  return index === history.length - 1 && add.dest === '/';
}

/**
 * The history entries (API order, newest first) of classic `ADD file:<sha>` steps whose layer
 * holds a regular file at the destination path: a plain file (an archive is unpacked into a
 * folder at the destination, which it creates).
 */
export function plainFileAdds(history: readonly RawHistory[], config: ImageConfig, layers: readonly { readonly entries: readonly LayerEntry[] }[]): number[] {
  // The API history is the config's, newest first, one entry each (moby image_history.go).
  if (history.length !== config.history.length) return [];
  const layerOf: (number | undefined)[] = [];
  let next = 0;
  for (const entry of config.history) layerOf.push(entry.empty_layer === true ? undefined : next++);
  return history.flatMap((entry, index) => {
    const add = readAdd(readStep(entry));
    const layer = layerOf[history.length - 1 - index];
    if (add === undefined || layer === undefined || !add.sources.every((s) => s.kind === 'hidden' && s.source.startsWith('file:'))) return [];
    return landedAsFile(add.dest, layers[layer]?.entries ?? []) ? [index] : [];
  });
}

function landedAsFile(dest: string, entries: readonly LayerEntry[]): boolean {
  if (dest.endsWith('/')) return false;
  const target = `/${dest.split('/').filter((part) => part !== '' && part !== '.').join('/')}`;
  return entries.some((e) => e.path === target && e.kind === 'file');
}
