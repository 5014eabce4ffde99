// The engine's HTTP API over its unix socket: asking through the socket costs a few
// milliseconds where each `docker` CLI call costs tens.
import { SdockerError } from '../common/errors.js';
import { exchange, type Reply } from './http10.js';
import { MANAGED_LABEL, SDOCKER_NETWORK, alreadyConnected, containerConfig, hasAppArmor, imageFacts, volumeDefinition, type ContainerState, type RawContainerConfig, type Engine, type EngineInfo, type NetworkSpec, type NetworkState, type VolumeState } from './engine.js';
import type { ImageFacts } from '../policy/context.js';

export class SocketEngine implements Engine {
  readonly endpoint: string;

  constructor(readonly socketPath: string) {
    this.endpoint = `unix://${socketPath}`;
  }

  async inspectImage(ref: string): Promise<ImageFacts | undefined> {
    const reply = await this.call('GET', `/images/${encodeURIComponent(ref)}/json`);
    if (reply.status === 404) return undefined;
    const body = this.json<{ Id?: string; Config?: Parameters<typeof imageFacts>[0] }>(reply);
    return imageFacts(body.Config, body.Id);
  }

  async info(): Promise<EngineInfo> {
    const reply = await this.call('GET', '/info');
    const body = this.json<{ SecurityOptions?: string[]; LoggingDriver?: string; DockerRootDir?: string; CgroupVersion?: string }>(reply);
    return {
      apparmor: hasAppArmor(body.SecurityOptions),
      loggingDriver: body.LoggingDriver ?? 'json-file',
      ...(body.DockerRootDir ? { rootDir: body.DockerRootDir } : {}),
      ...(reply.apiVersion === undefined ? {} : { apiVersion: reply.apiVersion }),
      ...(body.CgroupVersion ? { cgroupVersion: body.CgroupVersion } : {}),
    };
  }

  async inspectNetwork(name: string): Promise<NetworkState | undefined> {
    const reply = await this.call('GET', `/networks/${encodeURIComponent(name)}`);
    if (reply.status === 404) return undefined;
    const body = this.json<{ Name?: string; Labels?: Record<string, string> | null; Created?: string; Containers?: Record<string, { Name: string }> | null }>(reply);
    // The API also answers for a network whose ID starts with `name`: only an exact name counts.
    if (body.Name !== name) return undefined;
    const labels = body.Labels ?? {};
    return { managed: labels[MANAGED_LABEL] === 'true', labels, created: body.Created ?? '', containers: Object.values(body.Containers ?? {}).map((c) => c.Name) };
  }

  async createNetwork(name: string, spec: NetworkSpec = SDOCKER_NETWORK): Promise<void> {
    const body = { Name: name, Driver: 'bridge', CheckDuplicate: true, Internal: spec.internal, Options: spec.options, Labels: spec.labels };
    const reply = await this.call('POST', '/networks/create', JSON.stringify(body));
    // 409: another sdocker created it at the same moment; that network is as good as ours.
    if (reply.status !== 201 && reply.status !== 409) this.json(reply);
  }

  async listNetworks(label: string): Promise<string[]> {
    const filters = encodeURIComponent(JSON.stringify({ label: [label] }));
    return this.json<{ Name: string }[]>(await this.call('GET', `/networks?filters=${filters}`)).map((n) => n.Name);
  }

  async removeNetwork(name: string): Promise<void> {
    const reply = await this.call('DELETE', `/networks/${encodeURIComponent(name)}`);
    if (reply.status !== 404) this.nothing(reply);
  }

  async connectNetwork(network: string, container: string, aliases: readonly string[]): Promise<void> {
    const body = { Container: container, EndpointConfig: { Aliases: aliases } };
    const reply = await this.call('POST', `/networks/${encodeURIComponent(network)}/connect`, JSON.stringify(body));
    if (reply.status === 403 && alreadyConnected(reply.body)) return;
    this.nothing(reply);
  }

  async disconnectNetwork(network: string, container: string): Promise<void> {
    const reply = await this.call('POST', `/networks/${encodeURIComponent(network)}/disconnect`, JSON.stringify({ Container: container, Force: true }));
    this.nothing(reply);
  }

  async inspectContainer(ref: string): Promise<ContainerState | undefined> {
    const reply = await this.call('GET', `/containers/${encodeURIComponent(ref)}/json`);
    if (reply.status === 404) return undefined;
    const body = this.json<RawContainerConfig & { Name: string; NetworkSettings?: { Networks?: Record<string, unknown> | null } }>(reply);
    return { name: body.Name.replace(/^\//, ''), networks: Object.keys(body.NetworkSettings?.Networks ?? {}), config: containerConfig(body) };
  }

  /** Any GET of the API as JSON (audit reads inspect objects whole); undefined on 404. */
  async getJson<T>(path: string): Promise<T | undefined> {
    const reply = await this.call('GET', path);
    return reply.status === 404 ? undefined : this.json<T>(reply);
  }

  /** A reply whose body does not matter: only a failure is read. */
  private nothing(reply: Reply): void {
    if (reply.status >= 400) this.json(reply);
  }

  async inspectVolume(name: string): Promise<VolumeState | undefined> {
    const reply = await this.call('GET', `/volumes/${encodeURIComponent(name)}`);
    if (reply.status === 404) return undefined;
    return volumeDefinition(this.json<Parameters<typeof volumeDefinition>[0]>(reply));
  }

  private json<T>(reply: Reply): T {
    if (reply.status >= 400) {
      const message = (JSON.parse(reply.body || '{}') as { message?: string }).message ?? reply.body;
      throw new SdockerError(`sdocker: the engine answered ${reply.status}: ${message}`);
    }
    try {
      return JSON.parse(reply.body) as T;
    } catch {
      // A redirect or an empty answer (a path the API does not route): say so, not a JSON stack trace.
      throw new SdockerError(`sdocker: the engine answered ${reply.status} without JSON (${reply.body.slice(0, 80) || 'empty body'})`);
    }
  }

  private async call(method: string, path: string, body?: string): Promise<Reply> {
    try {
      return await exchange(this.socketPath, method, path, body, 30_000);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new SdockerError(`sdocker: cannot reach the Docker engine at ${this.endpoint} (${reason}); is dockerd running?`);
    }
  }
}
