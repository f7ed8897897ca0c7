// Lesson 04 server: newline-delimited messages, each answered `N MESSAGE\n`, N counting the
// messages of that connection from 1. A line over 64 KiB gets `error line too long\n` and the
// connection is closed; nothing after it is answered, and every other connection goes on.

import net from 'node:net';
import { parseArgs } from 'node:util';
import { LineSplitter, LineTooLongError, MAX_LINE_BYTES } from './lines.ts';

const IDLE_MS = 5 * 60_000; // a client silent for this long is closed

const { host, port } = options();
const sockets = new Set<net.Socket>();

const server = net.createServer({ allowHalfOpen: true }, serve);

function serve(socket: net.Socket): void {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', (err: NodeJS.ErrnoException) => console.error(`error ${err.code ?? err.message}`));
  socket.setTimeout(IDLE_MS, () => socket.destroy());

  // TODO: a counter for this connection (not one for the whole server), and a LineSplitter whose
  //       onLine adds 1 to it and writes `${count} ${message}\n`.
  // TODO: on 'data', push the chunk (a Buffer: no setEncoding here, the splitter decodes whole lines).
  //       When push throws LineTooLongError: write `error line too long\n`, close with socket.end()
  //       (not destroy()), and ignore everything the client sends after it.
  // TODO: on 'end', call the splitter's end() (a last line without \n still counts), then socket.end().
  void LineSplitter;
  void LineTooLongError;
  void MAX_LINE_BYTES;
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
