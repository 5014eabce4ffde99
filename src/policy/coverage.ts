// What each refusal covers beyond its plain flag (issue 8): the spellings docker and compose
// accept for it, and what a run or a service inherits. docs/rules.md's rule table prints it, so
// "refused" says exactly what it holds against; each line is backed by a test that the engine
// judges (test/engine-spellings, engine-inherit, engine-compose-inherit, engine-differential,
// compose-oracle).
import type { RefuseId } from './rules.js';

export const REACHED_THROUGH: Readonly<Partial<Record<RefuseId, string>>> = {
  privileged: '`--privileged=1|t|T|TRUE|True`; compose `privileged: yes|on|"TRUE"|${VAR:-true}` (anything not clearly false), `build.privileged`; `extends` and merge keys',
  'dangerous-cap': 'any case, with or without `CAP_`, comma lists; compose `cap_add`, `compose run --cap-add`; a profile or config that grants it (`capabilities.add`, `asRoot`)',
  'host-network': '`--net`, `--network name=host` (keys and values folded as Go folds them: `NAME=CONTAİNER:X` is `container:x`, last `name` wins); `build --network host`, buildx `--allow network.host`, `service create --network host`; `container:X` when X (or the end of its chain) is on the host network; compose `network_mode: service:X|container:X`, `build.network: host`, a network named `host` (`networks: [N]` with `N: {external: true, name: host}`, also the `default` network; stack deploy attaches a service to it)',
  'host-pid': '`container:X` when X uses the host PID namespace (chains followed); compose `pid: service:X|container:X`',
  'host-ipc': '`container:X` when X uses the host IPC namespace (chains followed); compose `ipc: service:X|container:X`',
  'docker-socket': 'any folder that holds the engine socket (`/run`, a custom `-H unix://` path); `--volumes-from` a container that mounts it; a named volume that binds it; `--use-api-socket`, compose `use_api_socket`',
  'sensitive-mount': '`-v` sources starting with `.` (`.etc`, `.x/../..`); `-v` and `--mount` in any key or type case (Go\'s folding: `type=bİnd`) (the last `source`/`src` wins, the first CSV line counts), after symlinks, `..`, `~` and compose interpolation (a source still holding `$` or `~` is refused); `--volumes-from` a container that binds one; a named volume whose definition binds one or mounts a kernel filesystem (`type=proc|sysfs|devtmpfs|cgroup2|…` shows the host\'s `/proc`, `/sys`, `/dev`; an unknown type or a relative device is refused) — existing, inline `volume-opt`, compose `driver_opts`, `external`; compose `volumes_from`, `extends`, a `secrets:`/`configs:` entry with `file:` (compose binds the file); the engine data root (`docker info` DockerRootDir)',
  'cgroup-parent': '`build --cgroup-parent`',
  'swappable-source': 'a bind or `--device` source below another writable bind of the same run, of another service of the compose project, or of another container on the engine (its writable bind found by the engine\'s judge); a writable bind above another container\'s source; symlinks met on the way count where they live',
  'seccomp-unconfined': '`seccomp:unconfined`; a profile that is a pipe, or changes after sdocker read it (the text the engine got is judged); compose v1\'s reading of the path (`seccomp:"./p.json"`, `seccomp=./p.json=x`); `build --security-opt`; a profile file whose default action allows (`SCMP_ACT_ALLOW`, `SCMP_ACT_LOG`, none) or that is not a profile, given on the command line, in compose `security_opt`, or as the policy\'s own `seccomp`',
  'label-disable': '`label:disable`, `disable`; `label=type:spc_t` (and `unconfined_t`, `container_runtime_t`)',
  'new-privileges': '`no-new-privileges=false|0|f|F|FALSE|False`, `:` form',
  'all-devices': '`a`, or any type with a wildcard major',
  'host-device': 'a folder (every device node below it), a symlink (`/dev/disk/by-id/...`); `--device-cgroup-rule` for block devices, mem/kmem/port or SCSI generic; compose `devices:` short and long',
  'exec-privileged': '`--privileged=true` spellings; `compose exec --privileged`',
};
