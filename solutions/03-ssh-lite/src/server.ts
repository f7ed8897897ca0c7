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
  // A client that reset before this handler ran has no address left: "?:?", not "undefined:undefined".
  const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
  sockets.add(socket);
  console.log(`connected ${peer}`);

  let state: State = 'command';
  let buffered: Buffer = Buffer.alloc(0); // bytes received and not yet used; a line is cut only once its \n is here
  let ended = false; // the client has sent FIN: no more lines will come
  let current: RunningCommand | undefined; // the command that runs for this client now
  let reply: Buffer | undefined; // its output, sent once `ready` arrives
  let draining = false; // waiting for 'drain' before reading the next command

  socket.setTimeout(IDLE_MS, () => socket.destroy());
  socket.on('error', (err: NodeJS.ErrnoException) => console.error(`${peer} error ${err.code ?? err.message}`));
  socket.on('close', () => {
    state = 'closed';
    sockets.delete(socket);
    // A client that leaves does not leave its command running.
    if (current) current.kill();
    console.log(`disconnected ${peer}`);
  });

  const refuse = (why: string): void => {
    console.error(`${peer} error ${why}`);
    state = 'closed';
    current?.kill();
    socket.destroy();
  };

  /** The next whole line, without its \n or \r\n; undefined until its \n has arrived. */
  const nextLine = (): string | undefined => {
    const nl = buffered.indexOf(0x0a);
    if (nl < 0) return undefined;
    let line = buffered.subarray(0, nl);
    buffered = buffered.subarray(nl + 1);
    if (line.at(-1) === 0x0d) line = line.subarray(0, -1);
    if (line.length > MAX_LINE) {
      refuse('line too long');
      return undefined;
    }
    return line.toString('utf8'); // whole lines only, so no character is ever split here
  };

  /** Moves the state machine on as far as the bytes received allow. */
  const advance = (): void => {
    for (;;) {
      if (state === 'closed' || state === 'running') return;
      // Backpressure: the last output has not left yet. Read nothing more until it has.
      if (socket.writableNeedDrain) {
        if (!draining) {
          draining = true;
          socket.once('drain', () => {
            draining = false;
            advance();
          });
        }
        return;
      }
      const line = nextLine();
      if ((state as State) === 'closed') return; // nextLine() refused a line too long
      if (line === undefined) {
        // No whole line yet. If the client has finished sending, none will ever come: close our side.
        if (ended) {
          state = 'closed';
          socket.end();
        }
        return;
      }
      if (state === 'command') {
        start(line);
      } else if (line === 'ready') {
        state = 'command';
        socket.write(reply ?? Buffer.alloc(0));
        reply = undefined;
      } else {
        refuse(`expected "ready", got ${JSON.stringify(line.slice(0, 40))}`);
        return;
      }
    }
  };

  const start = (command: string): void => {
    state = 'running';
    console.log(`${peer} $ ${command}`);
    const cmd = runCommand(command, limits);
    current = cmd;
    running.add(cmd);
    void cmd.output.then((output) => {
      running.delete(cmd);
      current = undefined;
      if (state === 'closed') return;
      // The length in bytes (not characters), in decimal, on a line of its own.
      reply = output;
      state = 'ready';
      socket.write(`${output.length}\n`);
      advance();
    });
  };

  socket.on('data', (chunk: Buffer) => {
    if (state === 'closed') return;
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    // A line that is not finished yet may not grow past the limit either.
    const lastNl = buffered.lastIndexOf(0x0a);
    if (buffered.length - (lastNl + 1) > MAX_LINE + 1) return refuse('line too long');
    if (buffered.length > MAX_PENDING) return refuse('too much input ahead of the replies');
    advance();
  });

  // FIN from the client: lines already buffered are still served (a `ready` among them included).
  // A command whose `ready` can no longer come is killed: the client has left.
  socket.on('end', () => {
    ended = true;
    if (state === 'running' && buffered.indexOf(0x0a) < 0) {
      current?.kill();
      state = 'closed';
      socket.end();
      return;
    }
    advance();
  });
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
