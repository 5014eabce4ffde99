// How sdocker reaches the real engine behind its judging socket (proxy.ts): a unix socket of this
// host is connected to directly; any other endpoint (tcp, TLS, ssh, a context) through the user's
// own docker client, `docker [globals] system dial-stdio`, which opens one raw connection to the
// engine the globals name (docker/cli cli/command/system/dial_stdio.go), whatever its transport.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { Duplex } from 'node:stream';

/** A fresh connection to the engine, raw bytes both ways, half-close passed on. */
export type Dial = () => Duplex;

export function socketDial(path: string): Dial {
  return () => connect({ path, allowHalfOpen: true });
}

/** One `docker system dial-stdio` process per connection: the CLI speaks the transport. */
export function cliDial(docker: string, globals: readonly string[]): Dial {
  return () => {
    const child = spawn(docker, [...globals, 'system', 'dial-stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
    const stream = Duplex.from({ writable: child.stdin, readable: child.stdout });
    child.once('error', (error) => stream.destroy(error));
    stream.once('close', () => child.kill());
    return stream;
  };
}
