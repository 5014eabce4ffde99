// A container fix run as an operator runs it: the steps as `sdocker audit` prints them (the
// report's own renderer), pasted into POSIX sh, with `sdocker` on PATH as the built bin.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderRollback, renderSteps } from '../../src/audit/fix/steps.js';
import type { Fix } from '../../src/audit/types.js';
import { CLI } from './cli.js';

export interface Shell {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A folder holding `sdocker` (the bin), to put first on PATH; removed by the returned function. */
export function sdockerOnPath(): { path: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'sdtest-bin-'));
  symlinkSync(CLI, join(dir, 'sdocker'));
  return { path: `${dir}:${process.env['PATH'] ?? ''}`, done: () => rmSync(dir, { recursive: true, force: true }) };
}

export function sh(script: string, path: string, env: NodeJS.ProcessEnv = {}): Shell {
  const run = spawnSync('sh', ['-c', script], { encoding: 'utf8', env: { ...process.env, ...env, PATH: path }, timeout: 180_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The steps' lines as printed, one block. */
export function printedSteps(fix: Fix): string {
  return renderSteps(fix.steps ?? []).join('\n');
}

export function printedRollback(fix: Fix): string {
  return renderRollback(fix.rollback ?? []);
}

/** The step lines and the roll back line of the first fix in `sdocker audit` text. */
export function fixBlock(text: string): { steps: string; rollback: string | undefined } {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.startsWith('  fix: re-create it hardened'));
  const steps: string[] = [];
  let rollback: string | undefined;
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('       ')) break;
    const body = line.slice(7);
    if (body.startsWith('roll back (the new one does not come up): ')) rollback = body.slice('roll back (the new one does not come up): '.length);
    else if (!body.startsWith('not recovered from inspect')) steps.push(body);
  }
  return { steps: steps.join('\n'), rollback };
}

/** Names of a container's anonymous volumes (the old one's stay when the steps remove it without -v). */
export function anonymousVolumes(name: string): string[] {
  const run = spawnSync('docker', ['inspect', '--format', '{{range .Mounts}}{{if eq .Type "volume"}}{{.Name}} {{end}}{{end}}', name], { encoding: 'utf8' });
  return run.stdout.split(' ').map((v) => v.trim()).filter((v) => /^[0-9a-f]{64}$/.test(v));
}
