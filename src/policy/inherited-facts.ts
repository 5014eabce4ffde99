// The engine's answers a run's inherited settings are judged by (inherited.ts): the containers and
// volumes it borrows from, as far as borrowing goes. The planner asks for them (planner/inherited-facts.ts).

export interface MountFact {
  /** bind, volume, tmpfs, ... */
  readonly type: string;
  readonly source: string;
  readonly destination: string;
  readonly rw: boolean;
  /** A volume's name and driver. */
  readonly name?: string;
  readonly driver?: string;
}

/** docker inspect of a container, as far as borrowing from it goes. */
export interface ContainerConfig {
  /** HostConfig.NetworkMode / PidMode / IpcMode: `host`, `container:ID`, ... */
  readonly networkMode: string;
  readonly pidMode: string;
  readonly ipcMode: string;
  /** Mounts: what `--volumes-from` copies (moby daemon/volumes.go: each MountPoint, RW && mode). */
  readonly mounts: readonly MountFact[];
}

/** docker volume inspect: Driver and Options (`docker volume create --opt`). */
export interface VolumeDefinition {
  readonly driver: string;
  readonly options: Readonly<Record<string, string>>;
}

/** The engine's answers; `undefined` for a container or volume that does not exist. */
export interface InheritedFacts {
  readonly containers: ReadonlyMap<string, ContainerConfig | undefined>;
  readonly volumes: ReadonlyMap<string, VolumeDefinition | undefined>;
}
