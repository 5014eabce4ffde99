// A history entry's CreatedBy, read back into the Dockerfile instruction that made it. Two
// builders write it differently (both measured on engine 20.10 / read in their sources):
// - the classic builder (moby builder/dockerfile): metadata and COPY/ADD as
//   `/bin/sh -c #(nop)  USER toor`, `/bin/sh -c #(nop) ADD file:<sha> in /opt/ ` (a URL source
//   shows as a bare `<sha>`, a folder as `dir:<sha>`, several as `multi:<sha>`); a RUN as the
//   command itself: `/bin/sh -c apt-get update`, or `|1 FOO=bar /bin/sh -c ...` when build args
//   are in scope, or the exec form's argv joined by spaces;
// - BuildKit (dockerfile2llb convert.go commitToHistory): the instruction as written plus
//   ` # buildkit` for steps with a layer: `RUN /bin/sh -c apk add x # buildkit`,
//   `ADD --chown=1:1 https://x/y.tgz /opt/ # buildkit`; metadata without the suffix: `USER 65532`.
import type { RawHistory } from '../types.js';

export interface Step {
  /** Upper-case instruction (RUN, ADD, COPY, USER...), or '' for an entry with no CreatedBy (an import). */
  readonly instruction: string;
  /** What follows the instruction: a RUN's command (build args removed), an ADD's sources and destination. */
  readonly text: string;
  /** 'classic' for moby's `#(nop)`/bare-command form; 'buildkit' for the instruction as written (BuildKit, and builders that imitate it). */
  readonly builder: 'classic' | 'buildkit' | 'none';
}

const NOP = '#(nop) ';
const BUILDKIT_SUFFIX = ' # buildkit';
const INSTRUCTIONS = new Set(['ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'HEALTHCHECK', 'LABEL', 'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR']);

export function readStep(entry: RawHistory): Step {
  const createdBy = entry.CreatedBy.trim();
  if (createdBy === '') return { instruction: '', text: '', builder: 'none' };
  const buildkit = createdBy.endsWith(BUILDKIT_SUFFIX);
  const nop = createdBy.indexOf(NOP);
  if (!buildkit && nop !== -1) return splitInstruction(createdBy.slice(nop + NOP.length).trim(), 'classic');
  const body = buildkit ? createdBy.slice(0, -BUILDKIT_SUFFIX.length).trim() : createdBy;
  const step = splitInstruction(body, 'buildkit');
  if (step.instruction === 'RUN') return { ...step, text: withoutBuildArgs(step.text) };
  if (step.instruction !== '') return step;
  // The classic builder records a RUN (and `docker commit` its Cmd) as the bare command.
  return { instruction: 'RUN', text: withoutBuildArgs(createdBy), builder: 'classic' };
}

function splitInstruction(body: string, builder: Step['builder']): Step {
  const space = body.search(/\s/);
  const word = space === -1 ? body : body.slice(0, space);
  if (!INSTRUCTIONS.has(word)) return { instruction: '', text: body, builder };
  return { instruction: word, text: space === -1 ? '' : body.slice(space).trim(), builder };
}

/**
 * `|2 A=1 B=2 /bin/sh -c cmd` -> `/bin/sh -c cmd`: both builders prefix the build args in scope
 * (moby dispatchers.go, buildkit runCommandString). Their values are not the command, and may be
 * secrets the evidence must not repeat.
 */
export function withoutBuildArgs(text: string): string {
  const match = /^\|(\d+)\s+/.exec(text);
  if (match === null) return text;
  let rest = text.slice(match[0].length);
  for (let i = 0; i < Number(match[1]); i++) rest = rest.replace(/^\S*\s*/, '');
  return rest;
}

/** The shell command of a RUN text: what follows `/bin/sh -c` (or any `SHELL -c`), else the text. */
export function runCommand(text: string): string {
  const match = /^\S+\s+-c\s+([\s\S]*)$/.exec(text);
  return match?.[1] ?? text;
}

/** Strips URL credentials and query strings: evidence may be printed and uploaded (SARIF). */
export function maskUrl(source: string): string {
  return source.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1***@').replace(/\?\S*/, '?***');
}

/** A CreatedBy for evidence: one line, cut at `max` characters. */
export function shortText(text: string, max = 100): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
