// sdocker audit: the shapes every part of the audit room shares. The engine is read once into a
// Snapshot (snapshot.ts); every check is a pure function of it (checks/*.ts) returning Findings
// that cite the inspect field they rest on; fixes are argv arrays (fix/*.ts); the report
// renders text, JSON or SARIF (report.ts). Field names of the raw objects are the Docker
// Engine API's (v1.41, engine 20.10), typed only as far as the audit reads them.

export type TargetKind = 'engine' | 'image' | 'container';

export interface Target {
  readonly kind: TargetKind;
  /** The container's name (no leading slash), the image reference, or the engine's endpoint. */
  readonly name: string;
}

export type Result = 'pass' | 'warn' | 'info' | 'n/a';

/** One check on one target: the JSON contract for CI (issue 10). */
export interface Finding {
  readonly target: Target;
  /** sdocker's id for the check: a rule id of src/policy/rules.ts where one exists, else an audit id. */
  readonly check: string;
  /** CIS Docker Benchmark v1.6.0 id, or null. */
  readonly cis: string | null;
  readonly result: Result;
  readonly message: string;
  /** The field and value it rests on, e.g. `HostConfig.Privileged=true`; secrets masked. */
  readonly evidence: string;
}

export interface Fix {
  readonly target: Target;
  /** The command that re-creates the target hardened, as argv (no shell quoting to undo). */
  readonly command: readonly string[];
  /** What could not be recovered from inspect and is therefore missing from the command. */
  readonly lost?: readonly string[];
  /** Advice instead of a command (a compose-managed container: harden its file). */
  readonly advice?: string;
  /** The steps that replace the container, the old one kept until the new one runs (fix/steps.ts); each only after the one before succeeded. */
  readonly steps?: readonly FixStep[];
  /** The steps that put the old container back, when the new one does not come up. */
  readonly rollback?: readonly FixStep[];
}

/** One command of a fix, as argv; it must exit 0, and the steps after it run only then. */
export interface FixStep {
  readonly argv: readonly string[];
  /** Its output must be this: after waiting `after` seconds (a container that crashes has restarted by then). */
  readonly expect?: string;
  readonly after?: number;
  /** Poll it once a second until its output is this (at most WAIT_SECONDS of fix/steps.ts). */
  readonly until?: string;
  /** Its failure does not stop the steps after it (removing what may not exist). */
  readonly optional?: true;
  /** What the step is for. */
  readonly note: string;
}

export interface AuditReport {
  readonly findings: readonly Finding[];
  readonly fixes: readonly Fix[];
  /** The merged daemon.json that fixes the engine's findings, or null when none is needed. */
  readonly daemonJson: Readonly<Record<string, unknown>> | null;
  /** Why each key of daemonJson changed, the restart it needs and its caveat (fix/daemon.ts). */
  readonly daemonJsonNotes?: readonly string[];
}

// ---- the snapshot: what the engine said, read once ----

export interface RawMount {
  readonly Type: string;
  readonly Name?: string;
  readonly Source: string;
  readonly Destination: string;
  readonly Driver?: string;
  readonly Mode: string;
  readonly RW: boolean;
  readonly Propagation: string;
}

/** GET /containers/ID/json, as far as the audit reads it (extend as needed). */
export interface RawContainer {
  readonly Id: string;
  readonly Name: string;
  readonly Image: string;
  /** When it was created (RFC 3339). */
  readonly Created?: string;
  readonly Path: string;
  readonly Args: readonly string[];
  readonly State: { readonly Status: string; readonly Running: boolean; readonly Pid: number; readonly Health?: { readonly Status: string } };
  readonly AppArmorProfile: string;
  readonly Config: Readonly<Record<string, unknown>> & {
    readonly Hostname: string;
    readonly User: string;
    readonly Env: readonly string[] | null;
    readonly Cmd: readonly string[] | null;
    readonly Entrypoint: readonly string[] | null;
    readonly Image: string;
    readonly Labels: Readonly<Record<string, string>> | null;
    readonly ExposedPorts?: Readonly<Record<string, unknown>> | null;
    readonly Healthcheck?: { readonly Test?: readonly string[] } | null;
    readonly WorkingDir: string;
  };
  readonly HostConfig: Readonly<Record<string, unknown>>;
  readonly Mounts: readonly RawMount[];
  /** Live exec sessions only: the engine forgets an exec once it ends. */
  readonly ExecIDs?: readonly string[] | null;
  readonly NetworkSettings: Readonly<Record<string, unknown>> & { readonly Networks?: Readonly<Record<string, Readonly<Record<string, unknown>>>> };
}

/** GET /images/NAME/json. */
export interface RawImage {
  readonly Id: string;
  readonly RepoTags: readonly string[] | null;
  readonly RepoDigests: readonly string[] | null;
  readonly Config: Readonly<Record<string, unknown>> & {
    readonly User?: string;
    readonly Env?: readonly string[] | null;
    readonly Labels?: Readonly<Record<string, string>> | null;
    readonly Healthcheck?: { readonly Test?: readonly string[] } | null;
    readonly Cmd?: readonly string[] | null;
    readonly Entrypoint?: readonly string[] | null;
    readonly Volumes?: Readonly<Record<string, unknown>> | null;
    readonly ExposedPorts?: Readonly<Record<string, unknown>> | null;
    readonly WorkingDir?: string;
  };
  readonly RootFS?: { readonly Layers?: readonly string[] };
}

/** GET /images/NAME/history, newest first. */
export interface RawHistory {
  readonly Id: string;
  readonly Created: number;
  readonly CreatedBy: string;
  readonly Size: number;
  readonly Comment: string;
  /** The tags of the local image this entry is the top of (the base image's entry carries the base's tags). */
  readonly Tags?: readonly string[] | null;
}

export interface ContainerSnapshot {
  readonly raw: RawContainer;
  /** GET /containers/ID/top of a running container: one row per process (UID, PID, CMD, ...). */
  readonly processes: readonly Readonly<Record<string, string>>[] | undefined;
}

export interface ImageSnapshot {
  /** The reference the containers or the user named it by. */
  readonly ref: string;
  readonly raw: RawImage;
  readonly history: readonly RawHistory[];
  /**
   * The image's own /etc/passwd as text, when the snapshot reader could read it (from the image's
   * layers, or `GET /containers/ID/archive?path=/etc/passwd` of a container of the image).
   * checks/image-user.ts resolves a named USER with it; without it a name other than root is
   * reported as unresolved. Optional: added for the image checks (CIS 4.1).
   */
  readonly passwd?: string;
  /**
   * History entries (API order) of classic-builder ADD steps whose layer shows a plain file
   * rather than an unpacked archive (checks/image-add.ts plainFileAdds), when the layers were read.
   */
  readonly addedFiles?: readonly number[];
}

export interface EngineSnapshot {
  /** Where the engine is (for messages), and whether its host's files are this host's. */
  readonly endpoint: string;
  readonly local: boolean;
  /** GET /info and GET /version. */
  readonly info: Readonly<Record<string, unknown>>;
  readonly version: Readonly<Record<string, unknown>>;
  /** The default bridge network's `com.docker.network.bridge.enable_icc` option. */
  readonly bridgeIcc: string | undefined;
  /** The engine host's files, read only when `local` (audit/host-files.ts); absent otherwise. */
  readonly hostFiles?: HostFiles;
}

/** What stat(2) said about one path of the engine's host. */
export interface HostStat {
  readonly uid: number;
  readonly gid: number;
  /** The permission bits (mode & 0o7777). */
  readonly mode: number;
  readonly kind: 'file' | 'dir' | 'socket' | 'other';
}

/** The engine host's files the §1/§2/§3 checks read, gathered once; checks stay pure. */
export interface HostFiles {
  /** Each path the §3 checks name (and the TLS files daemon.json names): its stat, or null when absent. */
  readonly stats: Readonly<Record<string, HostStat | null>>;
  /** The daemon.json dockerd reads: its path and text; text null when absent, error when unreadable. */
  readonly daemonJson: { readonly path: string; readonly text: string | null; readonly error?: string };
  /** dockerd's own argv (from /proc), or null when its process cannot be found. */
  readonly dockerdArgs: readonly string[] | null;
  /** Lines of the audit rules (/etc/audit/audit.rules, rules.d/*.rules), or null when auditd has none. */
  readonly auditRules: readonly string[] | null;
  /** The `docker` group (§3.15 wants the socket root:docker; §1.1.2 lists its members), or null. */
  readonly dockerGroup: { readonly gid: number; readonly members: readonly string[] } | null;
}

export interface Snapshot {
  readonly engine: EngineSnapshot;
  readonly containers: readonly ContainerSnapshot[];
  /** By image id. */
  readonly images: ReadonlyMap<string, ImageSnapshot>;
}
