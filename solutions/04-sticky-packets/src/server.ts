// Lesson 04 server: newline-delimited messages, each answered `N MESSAGE\n`, N counting the
// messages of that connection from 1. A line over 64 KiB gets `error line too long\n` and the
// connection is closed; nothing after it is answered, and every other connection goes on.

import net from 'node:net';
import { parseArgs } from 'node:util';
import { LineSplitter, LineTooLongError, MAX_LINE_BYTES } from './lines.ts';

const IDLE_MS = 5 * 60_000; // a client silent for this long is closed
const LINGER_MS = 2_000; // after the error, how long a client may take to close its side

const { host, port } = options();
const sockets = new Set<net.Socket>();

const server = net.createServer({ allowHalfOpen: true }, serve);

function serve(socket: net.Socket): void {
  // A client that reset before this handler ran has no address left: "?:?", not "undefined:undefined".
  const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
  sockets.add(socket);
  console.log(`connected ${peer}`);
  socket.on('close', () => {
    sockets.delete(socket);
    console.log(`disconnected ${peer}`);
  });
  socket.on('error', (err: NodeJS.ErrnoException) => console.error(`${peer} error ${err.code ?? err.message}`));
  socket.setTimeout(IDLE_MS, () => socket.destroy());

  let count = 0; // this connection's own count: every connection starts at 1
  let refused = false; // after a too-long line, the rest of the input is read and thrown away
  const splitter = new LineSplitter((message) => {
    count += 1;
    socket.write(`${count} ${message}\n`);
  });

  socket.on('data', (chunk: Buffer) => {
    if (refused) return;
    try {
      splitter.push(chunk);
    } catch (err) {
      if (!(err instanceof LineTooLongError)) throw err;
      refused = true;
      console.error(`${peer} error line too long (over ${MAX_LINE_BYTES} bytes)`);
      // end(), not destroy(): closing a socket that still has unread input sends RST, and the
      // error line itself may be lost. Keep reading (and ignoring) until the client closes.
      socket.end('error line too long\n');
      setTimeout(() => socket.destroy(), LINGER_MS).unref();
      return;
    }
    // Backpressure: a client that sends but does not read its replies must not grow our memory.
    if (socket.writableNeedDrain) {
      socket.pause();
      socket.once('drain', () => socket.resume());
    }
  });

  // The client ended its side: a last line without \n still counts. Then we end ours.
  socket.on('end', () => {
    if (!refused) splitter.end();
    socket.end();
  });
}

server.on('error', (err: NodeJS.ErrnoException) => {
  const why = err.code === 'EADDRINUSE' ? 'address already in use' : err.code === 'EACCES' ? 'permission denied' : err.message;
  console.error(`cannot listen on ${host}:${port}: ${why}`);
  process.exit(1);
});

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
    const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9004' } } });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not ${JSON.stringify(values.port)}`);
    return { host: values.host, port };
  } catch (err) {
    console.error(`usage: server.ts [--host HOST] [--port PORT]: ${(err as Error).message}`);
    process.exit(2);
  }
}
