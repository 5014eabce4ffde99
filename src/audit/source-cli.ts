// The engine through the docker CLI, for endpoints sdocker does not dial itself (remote, TLS,
// contexts): one docker process per question, so containers are inspected in one call.
// `docker history --format '{{json .}}'` is the CLI's own shape (ID, CreatedAt, Size as text):
// turned back into the API's (docker/cli cli/command/image/formatter_history.go).
import { capture } from '../common/exec.js';
import { SdockerError } from '../common/errors.js';
import { ICC_OPTION, PS_ARGS, type AuditSource, type ProcessRows } from './source.js';
import type { RawContainer, RawHistory, RawImage } from './types.js';

export function cliSource(docker: string, globals: readonly string[], socketPath: string | undefined): AuditSource {
  const endpoint = globals.length > 0 ? `docker ${globals.join(' ')}` : 'the current docker context';
  const call = (...args: string[]) => capture(docker, [...globals, ...args]);
  const must = async (...args: string[]): Promise<string> => {
    const result = await call(...args);
    if (result.exitCode !== 0) throw new SdockerError(`sdocker: asking the engine (${endpoint}) failed: ${firstLine(result.stderr)}`);
    return result.stdout;
  };
  return {
    endpoint,
    local: socketPath !== undefined,
    info: async () => JSON.parse(await must('system', 'info', '--format', '{{json .}}')) as Record<string, unknown>,
    version: async () => JSON.parse(await must('version', '--format', '{{json .Server}}')) as Record<string, unknown>,
    bridgeIcc: async () => {
      const result = await call('network', 'inspect', '--format', '{{json .Options}}', 'bridge');
      return result.exitCode === 0 ? (JSON.parse(result.stdout) as Record<string, string> | null)?.[ICC_OPTION] : undefined;
    },
    containerIds: async () => (await must('ps', '--all', '--quiet', '--no-trunc')).split('\n').filter((id) => id !== ''),
    containers: async (ids, done) => {
      if (ids.length === 0) return [];
      // One process for all: a container removed meanwhile makes docker exit 1 but print the others.
      const result = await call('container', 'inspect', ...ids);
      const raws = JSON.parse(result.stdout || '[]') as RawContainer[];
      if (raws.length === 0 && result.exitCode !== 0 && !/no such (object|container)/i.test(result.stderr)) {
        throw new SdockerError(`sdocker: asking the engine (${endpoint}) failed: ${firstLine(result.stderr)}`);
      }
      ids.forEach(() => done());
      return raws;
    },
    top: async (id) => {
      const result = await call('top', id, ...PS_ARGS);
      return result.exitCode === 0 ? topTable(result.stdout) : undefined;
    },
    image: async (ref) => {
      const result = await call('image', 'inspect', ref);
      return result.exitCode === 0 ? (JSON.parse(result.stdout) as RawImage[])[0] : undefined;
    },
    history: async (ref) => {
      const result = await call('history', '--no-trunc', '--human=false', '--format', '{{json .}}', ref);
      return result.exitCode === 0 ? result.stdout.split('\n').filter((line) => line !== '').map(historyRow) : [];
    },
  };
}

/** docker top's table: columns padded with spaces; the last (COMMAND) may hold spaces itself. */
export function topTable(text: string): ProcessRows {
  const [head = '', ...lines] = text.split('\n').filter((line) => line.trim() !== '');
  const titles = head.trim().split(/\s+/);
  return lines.map((line) => {
    const cells = line.trim().split(/\s+/);
    const fixed = cells.slice(0, titles.length - 1);
    return Object.fromEntries(titles.map((title, i) => [title, i < titles.length - 1 ? (fixed[i] ?? '') : cells.slice(titles.length - 1).join(' ')]));
  });
}

function historyRow(line: string): RawHistory {
  const row = JSON.parse(line) as { ID?: string; CreatedAt?: string; CreatedBy?: string; Size?: string; Comment?: string };
  const created = Date.parse(row.CreatedAt ?? '');
  return { Id: row.ID ?? '<missing>', Created: Number.isNaN(created) ? 0 : created / 1000, CreatedBy: row.CreatedBy ?? '', Size: Number(row.Size ?? 0) || 0, Comment: row.Comment ?? '' };
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

