// Lesson 03 server: a tiny remote shell. Each line a client sends is a command for the system
// shell; the reply is the output's length in bytes on a line of its own, then, once the client has
// answered `ready`, exactly that many bytes of output.
//
// Anyone who can connect can run any command as the user running this server. It listens on
// 127.0.0.1 unless told otherwise, and says so loudly when told otherwise.

import net from 'node:net';
import { parseArgs } from 'node:util';
import { runCommand, type Limits, type RunningCommand } from './command.ts';

const MAX_LINE = 64 * 1024; // bytes of one line (a command, or `ready`) without its \n or \r\n
const MAX_PENDING = 4 * MAX_LINE; // bytes a client may send ahead of what the server has read
const IDLE_MS = 5 * 60_000; // a client silent this long (between commands, or instead of `ready`) is closed
const MAX_CLIENTS = 64; // connections beyond this are closed at once by Node

const { host, port, limits } = options();
const sockets = new Set<net.Socket>();
const running = new Set<RunningCommand>();

const server = net.createServer({ allowHalfOpen: true }, serve);
server.maxConnections = MAX_CLIENTS;

/**
 * One connection, as an explicit state machine:
 *   command → running → ready → command ...
 * `command`: waiting for a whole command line. `running`: the command runs; bytes that arrive
 * meanwhile wait in the buffer. `ready`: the length has been sent; waiting for the line `ready`.
 */
type State = 'command' | 'running' | 'ready' | 'closed';

function serve(socket: net.Socket): void {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));

  // TODO: log `connected HOST:PORT`, and `disconnected HOST:PORT` on 'close'; an 'error' listener too.
  // TODO: keep the received bytes in a Buffer. A command is a whole line: run nothing before its \n
  //       has arrived (a `\r\n` ending is accepted). A line over MAX_LINE bytes closes the connection.
  // TODO: run it with runCommand(line, limits) (src/command.ts). Meanwhile read no further line.
  // TODO: when its output is there, send its length in BYTES and "\n" (`${output.length}\n`), then
  //       wait for the line `ready`, and only then write the output. Then the next command.
  // TODO: when the connection closes while a command runs, kill it (running.kill()).
  void runCommand;
  void running;
  void MAX_PENDING;
  void IDLE_MS;
}

server.on('error', (err: NodeJS.ErrnoException) => {
  const why = err.code === 'EADDRINUSE' ? 'address already in use' : err.code === 'EACCES' ? 'permission denied' : err.message;
  console.error(`cannot listen on ${host}:${port}: ${why}`);
  process.exit(1);
});

if (!isLoopback(host)) {
  console.error(
    `WARNING: --host ${host} lets anyone who can reach this machine run any command as ${process.env['USER'] ?? 'you'}. ` +
      'This server has no authentication and no encryption. Use --host 127.0.0.1 unless you mean it.',
  );
}

server.listen(port, host, () => {
  const { address, port: actual } = server.address() as net.AddressInfo;
  console.log(`listening on ${address}:${actual}`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    for (const cmd of running) cmd.kill();
    for (const s of sockets) s.destroy();
    process.exit(0);
  });
}

function isLoopback(h: string): boolean {
  return /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::1' || h === 'localhost';
}

function options(): { host: string; port: number; limits: Limits } {
  try {
    const { values } = parseArgs({
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '9003' },
        timeout: { type: 'string', default: '10' },
        'max-output': { type: 'string', default: String(8 * 1024 * 1024) },
      },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not ${JSON.stringify(values.port)}`);
    const timeout = Number(values.timeout);
    if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 86_400) throw new Error(`--timeout must be a number of seconds above 0, not ${JSON.stringify(values.timeout)}`);
    const maxOutput = Number(values['max-output']);
    if (!Number.isInteger(maxOutput) || maxOutput < 1 || maxOutput > 2 ** 30) throw new Error(`--max-output must be a whole number of bytes from 1 to 1073741824, not ${JSON.stringify(values['max-output'])}`);
    return { host: values.host, port, limits: { timeoutMs: timeout * 1000, timeoutText: String(timeout), maxOutput } };
  } catch (err) {
    console.error(`usage: server.ts [--host HOST] [--port PORT] [--timeout SECONDS] [--max-output BYTES]: ${(err as Error).message}`);
    process.exit(2);
  }
}
