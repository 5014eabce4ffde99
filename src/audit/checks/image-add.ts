// CIS 4.9 "COPY is used instead of ADD": ADD also fetches URLs (unverified: the history keeps
// no checksum) and unpacks local tar archives, so what lands in the image is not what the
// build context shows. A URL is a warning; other ADDs are information. The oldest entry's
// `ADD <rootfs> /` is how every FROM-scratch base image is made (COPY cannot unpack it) and is
// not reported, as docker-bench-security's 4.9 skips the last history line. Its grep for "ADD"
// anywhere in the line also matches `ENV LISTEN_ADDRESS=...` and RUN text; this reads the step.
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
  return match[1] === undefined ? 'url' : 'hidden';
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
  url: { result: 'warn', message: 'ADD downloads a URL at build time with no checksum in the image: download with a pinned sha256 (RUN curl && sha256sum -c) or ADD --checksum, then COPY' },
  git: { result: 'info', message: 'ADD clones a git repository at build time: pin it to a commit' },
  archive: { result: 'info', message: 'ADD unpacks a local archive into the image: fine if meant; otherwise COPY it' },
  file: { result: 'info', message: 'ADD of a local file: COPY does the same without URL fetching or archive unpacking' },
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
    const kind = ORDER.find((k) => add.sources.some((s) => s.kind === k)) ?? 'hidden';
    const shown = shortText(`ADD ${add.sources.map((s) => s.source).join(' ')} ${add.dest}`);
    findings.push({ target, check: CHECK, cis: CIS, ...MESSAGES[kind], evidence: `history[${index}].CreatedBy=${JSON.stringify(shown)}` });
  });
  if (findings.length > 0) return findings;
  return [{ target, check: CHECK, cis: CIS, result: 'pass', message: 'no ADD in the image history (besides a base image root filesystem)', evidence: `history: ${image.history.length} entries` }];
}

function isBaseRootfs(history: readonly RawHistory[], index: number, add: AddStep): boolean {
  return index === history.length - 1 && add.dest === '/';
}
