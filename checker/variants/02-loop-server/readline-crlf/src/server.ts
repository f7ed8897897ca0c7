// Variant: lines split by node:readline over the socket ('error' handled on the socket AND on the
// Interface), every reply ending in \r\n, open sockets tracked in a Map keyed by HOST:PORT, and
// SIGTERM handled by server.close() (exit in its callback) plus destroying every tracked socket.

import net from 'node:net';
import readline from 'node:readline';
import { parseArgs } from 'node:util';

const MAX_LINE = 64 * 1024;
const IDLE_MS = 5 * 60_000;

const { host, port } = options();
const open = new Map<string, net.Socket>();

const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  const peer = `${socket.remoteAddress}:${socket.remotePort}`;
  open.set(peer, socket);
  console.log(`connected ${peer}`);
  let done = false;
  let waiting = false; // for 'drain'

  const logError = (err: NodeJS.ErrnoException): void => console.error(`${peer} error ${err.code ?? err.message}`);
  socket.on('error', logError);
  socket.on('close', () => {
    open.delete(peer);
    console.log(`disconnected ${peer}`);
  });
  socket.setTimeout(IDLE_MS, () => socket.destroy());

  const stop = (last: string): void => {
    done = true;
    rl.close(); // no more lines; readline lets go of the socket
    socket.end(last);
    socket.resume(); // read and drop the rest, so the client's FIN arrives and 'close' follows
  };

  // readline decodes with one StringDecoder, strips \n and \r\n, and emits a last line without \n
  // when the socket ends.
  const rl = readline.createInterface({ input: socket, crlfDelay: Infinity, terminal: false });
  rl.on('error', logError);
  rl.on('line', (line) => {
    if (done) return;
    if (Buffer.byteLength(line) > MAX_LINE) return stop('error line too long\r\n');
    if (line === 'quit') return stop('bye\r\n');
    if (!socket.write(line.toUpperCase() + '\r\n') && !waiting) {
      // Backpressure: stop reading until the client has taken our replies. (readline may still
      // emit the other lines of the chunk in hand; one 'drain' listener is enough for all of them.)
      waiting = true;
      rl.pause();
      socket.once('drain', () => {
        waiting = false;
        rl.resume();
      });
    }
  });
  rl.on('close', () => {
    if (!done) socket.end(); // the client ended its side and every line is answered
  });

  // readline buffers an unfinished line without limit: count its bytes ourselves. Registered after
  // readline's listener, so the complete lines of a chunk are answered first.
  let unfinished = 0;
  socket.on('data', (chunk: Buffer) => {
    if (done) return;
    const nl = chunk.lastIndexOf(0x0a);
    unfinished = nl >= 0 ? chunk.length - nl - 1 : unfinished + chunk.length;
    if (unfinished > MAX_LINE) stop('error line too long\r\n');
  });
});

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
    server.close(() => process.exit(0)); // called once the last connection has closed
    for (const socket of open.values()) socket.destroy();
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
