// Running the built sdocker as a user would: a real process, with a chosen docker client.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The bundle users run (scripts/bundle.mjs), not tsc's modules.
export const CLI = fileURLToPath(new URL('../../bin/sdocker.cjs', import.meta.url));
export const FAKE_DOCKER = fileURLToPath(new URL('../fixtures/fake-docker.js', import.meta.url));
chmodSync(FAKE_DOCKER, 0o755);

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stdoutBytes: Buffer;
  stderr: string;
}

/** Started through its shebang (`env -S node --`), as a user's shell starts it. */
export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd?: string): ChildProcess {
  return spawn(CLI, [...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'], ...(cwd === undefined ? {} : { cwd }) });
}

export function finished(child: ChildProcess, input?: Buffer | string): Promise<Finished> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
  // A process that exits without reading its stdin (a run without -i) closes the pipe: the write
  // then fails with EPIPE, which is that process's choice, not the test's failure (measured: an
  // uncaught EPIPE ended engine-judge-run in a CI run at load 4). The test judges what it printed.
  child.stdin?.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  child.stdin?.end(input);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stdoutBytes: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}, input?: Buffer | string, cwd?: string): Promise<Finished> {
  return finished(startCli(args, env, cwd), input);
}
