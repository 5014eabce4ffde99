// A compose project that compose learn runs: the user's file under plain docker-compose (the
// reference), or a hardened trial file beside it, under a private project name, and removed with
// its volumes afterwards. docker-compose runs in the file's folder, as v1 reads relative paths.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { capture } from '../common/exec.js';

export class LearnProject {
  readonly name: string;

  constructor(private readonly compose: string, readonly file: string, prefix: string) {
    this.name = `${prefix}${randomBytes(4).toString('hex')}`;
  }

  /** `up -d`: docker-compose's last line when it fails. */
  async up(): Promise<string | undefined> {
    const result = await this.call('up', '-d', '--no-color');
    return result.exitCode === 0 ? undefined : result.stderr.trim().split('\n').at(-1) ?? `exit ${result.exitCode}`;
  }

  /** The id of the service's container. */
  async container(service: string): Promise<string | undefined> {
    const result = await this.call('ps', '-q', service);
    return result.stdout.trim().split('\n')[0] || undefined;
  }

  /** Its containers, networks and volumes gone. */
  async down(): Promise<void> {
    await this.call('down', '-v', '--remove-orphans', '-t', '1');
  }

  /** Down, and a trial file of its own (`.sdocker-learn-*`) removed too: what Ctrl-C leaves is nothing. */
  async remove(): Promise<void> {
    await this.down();
    if (basename(this.file).startsWith('.sdocker-learn-')) rmSync(this.file, { force: true });
  }

  private call(...args: string[]): ReturnType<typeof capture> {
    return capture(this.compose, ['-p', this.name, '-f', this.file, ...args], undefined, dirname(this.file));
  }
}
