// Typed errors carry the exit code cli.ts should return. 125 is what docker itself returns
// for a refused or malformed `run` (the container never started); 2 is misuse of sdocker's
// own options.
export const EXIT_REFUSED = 125;
export const EXIT_USAGE = 2;

export class SdockerError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_REFUSED,
  ) {
    super(message);
    this.name = 'SdockerError';
  }
}

/** `work`'s exit code; an SdockerError is said on stderr and its own exit code returned (anything else is a bug: thrown). */
export async function exitCodeOf(work: () => Promise<number>, stderr: (text: string) => void): Promise<number> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof SdockerError)) throw error;
    stderr(`${error.message}\n`);
    return error.exitCode;
  }
}

/** An error's message for inside another sentence: sdocker's own prefix dropped. */
export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message.replace(/^sdocker: /, '') : String(error);
}
