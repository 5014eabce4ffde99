// The engine through the docker CLI, for endpoints sdocker does not talk to itself: -H,
// contexts, TCP and TLS. Slower (one docker process per question) but exactly docker's view.
import { capture } from '../exec.js';
import { SdockerError } from '../errors.js';
import { MANAGED_LABEL, NETWORK_OPTIONS, hasAppArmor, imageFacts, type Engine, type EngineInfo, type NetworkState, type VolumeState } from './engine.js';
import type { ImageFacts } from '../policy/context.js';

export class CliEngine implements Engine {
  readonly socketPath = undefined;
  readonly endpoint: string;

  constructor(
    private readonly docker: string,
    private readonly globals: readonly string[],
  ) {
    this.endpoint = globals.length > 0 ? `docker ${globals.join(' ')}` : 'the current docker context';
  }

  async inspectImage(ref: string): Promise<ImageFacts | undefined> {
    const result = await this.docker_('image', 'inspect', '--format', '{{json .Config}}', ref);
    if (result.exitCode !== 0) {
      if (/no such image/i.test(result.stderr)) return undefined;
      throw this.failure(result.stderr);
    }
    return imageFacts(JSON.parse(result.stdout) as Parameters<typeof imageFacts>[0]);
  }

  async info(): Promise<EngineInfo> {
    const result = await this.docker_('info', '--format', '{"SecurityOptions":{{json .SecurityOptions}},"LoggingDriver":{{json .LoggingDriver}}}');
    if (result.exitCode !== 0) throw this.failure(result.stderr);
    const body = JSON.parse(result.stdout) as { SecurityOptions?: string[]; LoggingDriver?: string };
    return { apparmor: hasAppArmor(body.SecurityOptions), loggingDriver: body.LoggingDriver ?? 'json-file' };
  }

  async inspectNetwork(name: string): Promise<NetworkState | undefined> {
    const result = await this.docker_('network', 'inspect', '--format', '{{json .Labels}}', name);
    if (result.exitCode !== 0) {
      if (/not found|no such network/i.test(result.stderr)) return undefined;
      throw this.failure(result.stderr);
    }
    const labels = JSON.parse(result.stdout || 'null') as Record<string, string> | null;
    return { managed: labels?.[MANAGED_LABEL] === 'true' };
  }

  async createNetwork(name: string): Promise<void> {
    const options = Object.entries(NETWORK_OPTIONS).flatMap(([key, value]) => ['-o', `${key}=${value}`]);
    const result = await this.docker_('network', 'create', '--label', `${MANAGED_LABEL}=true`, ...options, name);
    if (result.exitCode !== 0 && !/already exists/i.test(result.stderr)) throw this.failure(result.stderr);
  }

  async inspectVolume(name: string): Promise<VolumeState | undefined> {
    const result = await this.docker_('volume', 'inspect', '--format', '{{json .Driver}}', name);
    if (result.exitCode !== 0) {
      // docker 28 and 20.10: "Error response from daemon: get NAME: no such volume".
      if (/no such volume/i.test(result.stderr)) return undefined;
      throw this.failure(result.stderr);
    }
    return { driver: (JSON.parse(result.stdout || '""') as string) || 'local' };
  }

  private docker_(...args: string[]) {
    return capture(this.docker, [...this.globals, ...args]);
  }

  private failure(stderr: string): SdockerError {
    return new SdockerError(`sdocker: asking the engine (${this.endpoint}) failed: ${stderr.split('\n')[0] ?? ''}`);
  }
}
