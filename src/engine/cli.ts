// The engine through the docker CLI, for endpoints sdocker does not talk to itself: -H,
// contexts, TCP and TLS. Slower (one docker process per question) but exactly docker's view.
// `socketPath`: the engine's socket when that endpoint is a unix socket on this host.
import { capture } from '../common/exec.js';
import { SdockerError } from '../common/errors.js';
import { MANAGED_LABEL, SDOCKER_NETWORK, alreadyConnected, containerConfig, hasAppArmor, imageFacts, volumeDefinition, type ContainerState, type RawContainerConfig, type Engine, type EngineInfo, type NetworkSpec, type NetworkState, type VolumeState } from './engine.js';
import type { ImageFacts } from '../policy/context.js';

export class CliEngine implements Engine {
  readonly endpoint: string;

  constructor(
    private readonly docker: string,
    private readonly globals: readonly string[],
    readonly socketPath: string | undefined = undefined,
  ) {
    this.endpoint = globals.length > 0 ? `docker ${globals.join(' ')}` : 'the current docker context';
  }

  async inspectImage(ref: string): Promise<ImageFacts | undefined> {
    const result = await this.docker_('image', 'inspect', '--format', '{"Id":{{json .Id}},"Config":{{json .Config}}}', ref);
    if (result.exitCode !== 0) {
      if (/no such image/i.test(result.stderr)) return undefined;
      throw this.failure(result.stderr);
    }
    const body = JSON.parse(result.stdout) as { Id?: string; Config?: Parameters<typeof imageFacts>[0] };
    return imageFacts(body.Config, body.Id);
  }

  async info(): Promise<EngineInfo> {
    const result = await this.docker_('info', '--format', '{"SecurityOptions":{{json .SecurityOptions}},"LoggingDriver":{{json .LoggingDriver}},"DockerRootDir":{{json .DockerRootDir}}}');
    if (result.exitCode !== 0) throw this.failure(result.stderr);
    const body = JSON.parse(result.stdout) as { SecurityOptions?: string[]; LoggingDriver?: string; DockerRootDir?: string };
    return { apparmor: hasAppArmor(body.SecurityOptions), loggingDriver: body.LoggingDriver ?? 'json-file', ...(body.DockerRootDir ? { rootDir: body.DockerRootDir } : {}) };
  }

  async inspectNetwork(name: string): Promise<NetworkState | undefined> {
    const format = '{"Labels":{{json .Labels}},"Created":{{json .Created}},"Containers":{{json .Containers}}}';
    const result = await this.docker_('network', 'inspect', '--format', format, name);
    if (result.exitCode !== 0) {
      if (/not found|no such network/i.test(result.stderr)) return undefined;
      throw this.failure(result.stderr);
    }
    const body = JSON.parse(result.stdout) as { Labels: Record<string, string> | null; Created: string; Containers: Record<string, { Name: string }> | null };
    const labels = body.Labels ?? {};
    return { managed: labels[MANAGED_LABEL] === 'true', labels, created: body.Created, containers: Object.values(body.Containers ?? {}).map((c) => c.Name) };
  }

  async createNetwork(name: string, spec: NetworkSpec = SDOCKER_NETWORK): Promise<void> {
    const labels = Object.entries(spec.labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]);
    const options = Object.entries(spec.options).flatMap(([key, value]) => ['-o', `${key}=${value}`]);
    const result = await this.docker_('network', 'create', ...labels, ...options, ...(spec.internal ? ['--internal'] : []), name);
    if (result.exitCode !== 0 && !/already exists/i.test(result.stderr)) throw this.failure(result.stderr);
  }

  async listNetworks(label: string): Promise<string[]> {
    const result = await this.docker_('network', 'ls', '--filter', `label=${label}`, '--format', '{{.Name}}');
    if (result.exitCode !== 0) throw this.failure(result.stderr);
    return result.stdout.split('\n').filter((line) => line !== '');
  }

  async removeNetwork(name: string): Promise<void> {
    const result = await this.docker_('network', 'rm', name);
    if (result.exitCode !== 0 && !/not found|no such network/i.test(result.stderr)) throw this.failure(result.stderr);
  }

  async connectNetwork(network: string, container: string, aliases: readonly string[]): Promise<void> {
    const result = await this.docker_('network', 'connect', ...aliases.flatMap((alias) => ['--alias', alias]), network, container);
    if (result.exitCode !== 0 && !alreadyConnected(result.stderr)) throw this.failure(result.stderr);
  }

  async disconnectNetwork(network: string, container: string): Promise<void> {
    const result = await this.docker_('network', 'disconnect', '--force', network, container);
    if (result.exitCode !== 0) throw this.failure(result.stderr);
  }

  async inspectContainer(ref: string): Promise<ContainerState | undefined> {
    const format = '{"Name":{{json .Name}},"Networks":{{json .NetworkSettings.Networks}},"HostConfig":{{json .HostConfig}},"Mounts":{{json .Mounts}}}';
    const result = await this.docker_('container', 'inspect', '--format', format, ref);
    if (result.exitCode !== 0) {
      if (/no such (object|container)/i.test(result.stderr)) return undefined;
      throw this.failure(result.stderr);
    }
    const body = JSON.parse(result.stdout) as RawContainerConfig & { Name: string; Networks: Record<string, unknown> | null };
    return { name: body.Name.replace(/^\//, ''), networks: Object.keys(body.Networks ?? {}), config: containerConfig(body) };
  }

  async inspectVolume(name: string): Promise<VolumeState | undefined> {
    const result = await this.docker_('volume', 'inspect', '--format', '{"Driver":{{json .Driver}},"Options":{{json .Options}}}', name);
    if (result.exitCode !== 0) {
      // docker 28 and 20.10: "Error response from daemon: get NAME: no such volume".
      if (/no such volume/i.test(result.stderr)) return undefined;
      throw this.failure(result.stderr);
    }
    return volumeDefinition(JSON.parse(result.stdout || '{}') as Parameters<typeof volumeDefinition>[0]);
  }

  private docker_(...args: string[]) {
    return capture(this.docker, [...this.globals, ...args]);
  }

  private failure(stderr: string): SdockerError {
    return new SdockerError(`sdocker: asking the engine (${this.endpoint}) failed: ${stderr.split('\n')[0] ?? ''}`);
  }
}
