// Lesson 07 server: lesson 02's upper-case line service, built on the framework in socketserver.ts.
// The framework owns the connection loop (accept, queue, close); this file is only the
// communication loop of one connection, as a request handler, and the choice of server class.

import { parseArgs } from 'node:util';
import type net from 'node:net';
import { StreamRequestHandler, ThreadingTCPServer, type TCPServer } from './socketserver.ts';

const SHUTDOWN_MS = 1000; // on a signal, how long the handlers get to finish before the process exits

const { host, port, mode } = options();
const open = new Set<net.Socket>(); // the connections whose handlers are running

class UpperCaseHandler extends StreamRequestHandler {
  readonly peer = `${this.clientAddress[0]}:${this.clientAddress[1]}`;

  override setup(): void {
    open.add(this.request);
    // TODO: log `connected HOST:PORT` now (this.peer), and `disconnected HOST:PORT` when the
    //       connection is gone (the socket's 'close' event).
  }

  override async handle(): Promise<void> {
    // TODO: the communication loop. Read lines with `await this.readLine()` until it returns null
    //       (the client ended its side). Answer `quit` with "bye\n" and return: the framework closes
    //       the connection after finish(). Answer any other line with itself upper-cased plus "\n",
    //       with `await this.write(...)`. A LineTooLongError gets "error line too long\n".
  }

  override finish(): void {
    open.delete(this.request);
  }
}

// TODO: --mode sequential serves one client at a time: TCPServer. --mode concurrent: ThreadingTCPServer.
void mode;
const server: TCPServer = new ThreadingTCPServer([host, port], UpperCaseHandler);

try {
  await server.listen();
} catch (err) {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'EADDRINUSE' ? 'address already in use' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
  console.error(`cannot listen on ${host}:${port}: ${why}`);
  process.exit(1);
}
console.log(`listening on ${server.serverAddress[0]}:${server.serverAddress[1]}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    // Graceful, but bounded: stop accepting, close every connection (their handlers then see the
    // end of the stream and finish), wait a moment for the handlers, exit 0.
    void server.serverClose();
    for (const socket of open) socket.destroy();
    const stopped = server.shutdown();
    const timer = setTimeout(() => process.exit(0), SHUTDOWN_MS);
    void stopped.then(() => {
      clearTimeout(timer);
      process.exit(0);
    });
  });
}

await server.serveForever();

function options(): { host: string; port: number; mode: 'sequential' | 'concurrent' } {
  try {
    const { values } = parseArgs({
      options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9007' }, mode: { type: 'string', default: 'concurrent' } },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not ${JSON.stringify(values.port)}`);
    if (values.mode !== 'sequential' && values.mode !== 'concurrent') throw new Error(`--mode must be sequential or concurrent, not ${JSON.stringify(values.mode)}`);
    return { host: values.host, port, mode: values.mode };
  } catch (err) {
    console.error(`usage: server.ts [--host HOST] [--port PORT] [--mode sequential|concurrent]: ${(err as Error).message}`);
    process.exit(2);
  }
}
