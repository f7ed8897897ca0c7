// Variant: lines split by node:readline over the socket (with 'error' handled on the socket AND on
// the Interface), replies ending in \r\n, open sockets tracked in a Map keyed by HOST:PORT, and
// SIGTERM handled by server.close() plus destroying every tracked socket.

import net from 'node:net';
import readline from 'node:readline';
import { parseArgs } from 'node:util';

const GREETING = '欢迎 welcome\n';
const MAX_LINE = 64 * 1024;
const IDLE_MS = 30_000;

const { host, port } = options();
const open = new Map<string, net.Socket>();

const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  const peer = `${socket.remoteAddress}:${socket.remotePort}`;
  open.set(peer, socket);
  let answered = false;
  let pending = 0; // bytes since the last \n: readline alone would buffer a line without limit

  const finish = (text: string): void => {
    if (answered) return;
    answered = true;
    rl.close(); // no more 'line' events; readline also stops listening to the socket
    socket.end(text);
    socket.resume(); // drain (and ignore) whatever else the client sends, so its FIN is seen
  };

  socket.on('error', (err: NodeJS.ErrnoException) => console.error(`${peer} error ${err.code ?? err.message}`));
  socket.on('close', () => open.delete(peer));
  socket.setTimeout(IDLE_MS, () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    if (answered) return;
    const nl = chunk.lastIndexOf(0x0a);
    pending = nl >= 0 ? chunk.length - nl - 1 : pending + chunk.length;
    if (chunk.indexOf(0x0a) < 0 && pending > MAX_LINE) finish('error line too long\r\n');
  });

  // readline decodes with one StringDecoder (split characters stay whole), strips \n and \r\n,
  // and emits a last line without \n when the socket ends.
  const rl = readline.createInterface({ input: socket, crlfDelay: Infinity, terminal: false });
  rl.on('error', (err: NodeJS.ErrnoException) => console.error(`${peer} error ${err.code ?? err.message}`));
  rl.on('line', (line) => {
    if (Buffer.byteLength(line) > MAX_LINE) finish('error line too long\r\n');
    else finish(line.toUpperCase() + '\r\n');
  });
  rl.on('close', () => {
    if (!answered) finish(''); // the client ended without a line: just close
  });

  socket.write(GREETING);
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
    server.close(() => process.exit(0)); // the callback runs once the last connection is gone
    for (const socket of open.values()) socket.destroy();
  });
}

function options(): { host: string; port: number } {
  try {
    const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9001' } } });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not ${JSON.stringify(values.port)}`);
    return { host: values.host, port };
  } catch (err) {
    console.error(`usage: server.ts [--host HOST] [--port PORT]: ${(err as Error).message}`);
    process.exit(2);
  }
}
