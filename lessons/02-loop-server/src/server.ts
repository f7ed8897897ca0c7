// Lesson 02 server: many clients at once, every line answered upper-cased, `quit` says bye.
//
// Python needs two loops: `while True: conn = accept()` (the connection loop) around
// `while True: data = recv()` (the communication loop). In Node the event loop is both:
// 'connection' fires once per client, 'data' once per read, and no client waits for another.

import net from 'node:net';
import { parseArgs } from 'node:util';

const MAX_LINE = 64 * 1024; // bytes; a longer line gets an error and the connection is closed
const IDLE_MS = 5 * 60_000; // a client silent for this long is closed

const { host, port } = options();
const sockets = new Set<net.Socket>();

const server = net.createServer({ allowHalfOpen: true }, serve);

function serve(socket: net.Socket): void {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));

  // TODO: log `connected HOST:PORT` now (socket.remoteAddress, socket.remotePort) and
  //       `disconnected HOST:PORT` when the socket closes.
  // TODO: listen for 'error' on the socket, so a client's reset (ECONNRESET) cannot kill the server.
  // TODO: decode with socket.setEncoding('utf8'). On 'data', add the text to a buffer and answer every
  //       complete line in it: `quit` gets "bye\n" and the connection is closed; any other line gets
  //       itself upper-cased plus "\n". Keep the unfinished rest for the next 'data'.
  // TODO: on 'end', answer a last line without "\n" if there is one, then end your side: socket.end().
}

// TODO: listen for the server's 'error' event. For EADDRINUSE print one line to stderr,
//       `cannot listen on HOST:PORT: address already in use`, and exit with code 1.

server.listen(port, host, () => {
  const { address, port: actual } = server.address() as net.AddressInfo;
  console.log(`listening on ${address}:${actual}`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    for (const s of sockets) s.destroy();
    process.exit(0);
  });
}

function options(): { host: string; port: number } {
  try {
    const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9002' } } });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not ${JSON.stringify(values.port)}`);
    return { host: values.host, port };
  } catch (err) {
    console.error(`usage: server.ts [--host HOST] [--port PORT]: ${(err as Error).message}`);
    process.exit(2);
  }
}
