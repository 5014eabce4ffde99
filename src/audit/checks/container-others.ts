// The §5 checks docker-bench implements that are not rules of the table: nothing `sdocker run`
// refuses or injects, but what a container's inspect (and its process list) shows.
import type { Finding } from '../types.js';
import { onAllInterfaces, shown, type ContainerView } from './container-view.js';

type Check = (v: ContainerView) => Finding;

/** The engine's /containers/ID/top (ps run on the host): no `docker exec`, so images without ps are judged too. */
const sshd: Check = (v) => {
  if (v.processes === undefined) return v.finding('sshd', 'n/a', 'not running: no processes to look at', `State.Status=${v.raw.State.Status}`);
  const commands = v.processes.map((row) => row['COMMAND'] ?? row['CMD'] ?? row['COMM'] ?? '');
  const found = commands.filter((cmd) => /(^|\/)sshd(\s|:|$)/.test(cmd));
  return v.finding('sshd', found.length > 0 ? 'warn' : 'pass', found.length > 0 ? 'an SSH daemon runs in the container: use docker exec instead' : 'no sshd among its processes', `top: ${shown(found.length > 0 ? found : commands)}`);
};

/** Host ports below 1024 (CIS 5.7: "privileged ports"; docker-bench counts up to 1024). */
const privilegedPorts: Check = (v) => {
  const low = v.ports().filter((p) => p.hostPort !== '' && Number(p.hostPort.split('-')[0]) < 1025);
  const evidence = `HostConfig.PortBindings=${shown(v.ports().map((p) => `${p.hostIp || '0.0.0.0'}:${p.hostPort || '(any)'}->${p.port}`))}`;
  return v.finding('privileged-ports', low.length > 0 ? 'warn' : 'pass', low.length > 0 ? `host port ${low.map((p) => p.hostPort).join(', ')} is a privileged port (below 1025), the range of the host's own system services; publish it on a port above 1024` : 'no privileged host port', evidence);
};

/** A manual check (CIS 5.8: only the needed ports): said, not warned, since publishing a port is not wrong in itself. */
const openPorts: Check = (v) => {
  const ports = v.ports();
  const wide = ports.filter((p) => onAllInterfaces(p.hostIp)).length;
  const evidence = `HostConfig.PortBindings=${shown(ports.map((p) => `${p.hostIp || '0.0.0.0'}:${p.hostPort || '(any)'}->${p.port}`))}`;
  if (ports.length === 0) return v.finding('open-ports', 'pass', 'no port published', evidence);
  return v.finding('open-ports', 'info', `${ports.length} port(s) published${wide > 0 ? `, ${wide} on every interface` : ''}: check each is needed`, evidence);
};

const mountPropagation: Check = (v) => {
  const shared = v.raw.Mounts.flatMap((m, i) => (m.Propagation === 'shared' || m.Propagation === 'rshared' ? [`Mounts[${i}].Propagation=${m.Propagation} (${m.Destination})`] : []));
  return v.finding('mount-propagation', shared.length > 0 ? 'warn' : 'pass', shared.length > 0 ? "a shared mount propagates the container's mounts to the host and back; re-create it without shared propagation (private is the default)" : 'no shared mount propagation', shared.length > 0 ? shared.join('; ') : `Mounts=${v.raw.Mounts.length}`);
};

/** docker keeps no record of past exec sessions (inspect's ExecIDs lists only live ones): nothing to judge. */
const execPrivileged: Check = (v) => v.finding('exec-privileged', 'n/a', 'past docker exec sessions are not recorded by the engine; sdocker exec refuses --privileged', `ExecIDs=${shown(v.raw.ExecIDs ?? null)}`);
const execRoot: Check = (v) => v.finding('exec-root', 'n/a', 'past docker exec sessions are not recorded by the engine', `ExecIDs=${shown(v.raw.ExecIDs ?? null)}`);

/** Config.Healthcheck is the image's merged with --health-*; Test ["NONE"] turns it off. */
const healthcheck: Check = (v) => {
  const test = v.raw.Config.Healthcheck?.Test ?? [];
  const on = test.length > 0 && test[0] !== 'NONE';
  return v.finding('healthcheck', on ? 'pass' : 'warn', on ? 'a health check is set' : 'no health check: the engine cannot tell a hung service from a working one; add HEALTHCHECK to its image, or --health-cmd when re-creating it', `Config.Healthcheck.Test=${shown(test)}`);
};

/** CIS 5.27 is manual: a digest pins the image; a tag may have moved since the container was made. */
const imagePinned: Check = (v) => {
  const ref = v.raw.Config.Image;
  const pinned = ref.includes('@sha256:');
  return v.finding('image-pinned', pinned ? 'pass' : 'info', pinned ? 'created from a digest' : 'created from a tag, which may have moved since: pull and re-create, or pin a digest', `Config.Image=${ref}`);
};

export const OTHER_CHECKS: readonly Check[] = [sshd, privilegedPorts, openPorts, mountPropagation, execPrivileged, execRoot, healthcheck, imagePinned];
