// The only module that starts processes.
//
// The two hot paths (passing a command through, and running the final `docker run`) use
// node:child_process directly: they need inherited stdio, relayed signals and the child's exit
// code, which spawn gives as is, and importing execa costs ~150 ms on these machines against
// a budget of 10 ms over Node's own start (bench/). execa serves the captured calls, which are
// off the hot path.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { isatty } from 'node:tty';
import { SdockerError } from './errors.js';

/** Signals relayed to docker. A terminal sends SIGINT, SIGQUIT and SIGHUP to the whole
 *  foreground process group, docker included; relaying them again would deliver them twice
 *  (docker's sig-proxy would pass both to the container), so those three are relayed only when
 *  no standard stream is a terminal. SIGTERM never comes from a terminal: always relayed. */
const TERMINAL_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGQUIT', 'SIGHUP'];
const RELAYED: readonly NodeJS.Signals[] = ['SIGTERM', ...TERMINAL_SIGNALS];

export interface RunOptions {
  /** Send the child's stdout to our stderr (a pull's progress must not pollute `run`'s output). */
  readonly stdoutToStderr?: boolean;
  /** Drop the child's stdout (docker create's id, where docker run prints none). */
  readonly quiet?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  /** Also hand each piece of the child's stderr here (it still goes to ours): docker's error words decide an exit code. */
  readonly onStderr?: (chunk: Buffer) => void;
}

/** Run a command with our stdio; resolves to its exit code, 128 + signal number when it was killed. */
export function runInherit(file: string, args: readonly string[], options: RunOptions = {}): Promise<number> {
  return new Promise((resolvePromise, rejectPromise) => {
    const tee = options.onStderr;
    const child = spawn(file, args, {
      stdio: ['inherit', options.quiet === true ? 'ignore' : options.stdoutToStderr === true ? 2 : 'inherit', tee === undefined ? 'inherit' : 'pipe'],
      env: options.env ?? process.env,
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      tee?.(chunk);
    });
    // isatty, not process.stdin.isTTY: the process.stdin getter builds a stream we never use.
    const fromTerminal = [0, 1, 2].some((fd) => isatty(fd));
    const relay = (signal: NodeJS.Signals): void => {
      if (!fromTerminal || !TERMINAL_SIGNALS.includes(signal)) child.kill(signal);
    };
    for (const signal of RELAYED) process.on(signal, relay);
    const cleanUp = (): void => {
      for (const signal of RELAYED) process.off(signal, relay);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      cleanUp();
      rejectPromise(
        error.code === 'ENOENT'
          ? new SdockerError(`sdocker: '${file}' not found on PATH; install the docker client, or set SDOCKER_DOCKER to its path`, 127)
          : error,
      );
    });
    child.once('exit', (code, signal) => {
      cleanUp();
      resolvePromise(code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0)));
    });
  });
}

export interface Captured {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run a command and capture its output (no shell; never throws for a non-zero exit); `cwd`: its working directory. */
export async function capture(file: string, args: readonly string[], input?: string | Uint8Array, cwd?: string): Promise<Captured> {
  const { execa } = await import('execa');
  const result = await execa(file, args, { reject: false, stripFinalNewline: true, ...(input === undefined ? {} : { input }), ...(cwd === undefined ? {} : { cwd }) });
  if (result.failed && result.exitCode === undefined) {
    throw new SdockerError(`sdocker: could not run '${file}': ${result.shortMessage}`, 127);
  }
  return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** Run a command and keep at most `limit` bytes of its stdout (it is stopped past that): for
 *  reading the start of a tar stream without reading a whole folder. */
export function captureHead(file: string, args: readonly string[], limit: number): Promise<{ exitCode: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolvePromise, rejectPromise) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let cut = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (cut) return;
      out.push(chunk);
      size += chunk.length;
      if (size >= limit) {
        cut = true;
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', rejectPromise);
    child.once('close', (code) => resolvePromise({ exitCode: cut ? 0 : (code ?? 1), stdout: Buffer.concat(out).subarray(0, limit), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

export interface Streamed {
  /** The child's stdout as it arrives, with backpressure (the child waits while it is not read). */
  readonly stdout: AsyncIterable<Buffer>;
  /** Its exit code (128 + signal when killed) and stderr, once it has ended. */
  readonly done: Promise<{ exitCode: number; stderr: string }>;
  /** End the child (a reader that gave up). */
  readonly stop: () => void;
}

/** Run a command and hand its stdout on as a stream (for `docker save`: gigabytes, never buffered). */
export function streamStdout(file: string, args: readonly string[]): Streamed {
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const err: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const done = new Promise<{ exitCode: number; stderr: string }>((resolvePromise, rejectPromise) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      rejectPromise(error.code === 'ENOENT' ? new SdockerError(`sdocker: '${file}' not found on PATH; install the docker client, or set SDOCKER_DOCKER to its path`, 127) : error),
    );
    child.once('close', (code, signal) => resolvePromise({ exitCode: code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0)), stderr: Buffer.concat(err).toString('utf8') }));
  });
  return { stdout: child.stdout, done, stop: () => child.kill('SIGTERM') };
}
