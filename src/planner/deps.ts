// What main and every room below it get from the process: the environment, output, and the
// ways to run docker and reach the engine. cli.ts builds it; tests pass fakes.
import type { ContainerInvocation, ExecInvocation } from '../docker/invocation.js';
import type { Engine } from '../engine/engine.js';

export interface Deps {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The docker client sdocker runs. */
  readonly docker: string;
  /** Run a command with inherited stdio (and `env` instead of ours, when given); resolves to its exit code. */
  readonly run: (file: string, args: readonly string[], options?: { stdoutToStderr?: boolean; quiet?: boolean; env?: NodeJS.ProcessEnv; onStderr?: (chunk: Buffer) => void }) => Promise<number>;
  /** Call `cleanUp` on Ctrl-C or SIGTERM (then exit 130/143); returns a function that stops listening. */
  readonly onInterrupt: (cleanUp: () => Promise<void>) => () => void;
  readonly engineFor: (inv: ContainerInvocation | ExecInvocation) => Promise<Engine>;
}
