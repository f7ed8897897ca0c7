// Variant of lesson 04's server: replies end in \r\n and leave in two writes each; the error
// line is followed by end() and the rest of the input is drained.

import net from 'node:net';
import { parseArgs } from 'node:util';
import { LineSplitter, LineTooLongError } from './lines.ts';

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9004' } } });
const host = values.host;
const port = Number(values.port);
const sockets = new Set<net.Socket>();

const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => {});
  let n = 0;
  let closed = false;
  const splitter = new LineSplitter((message) => {
    n += 1;
    socket.write(`${n} `);
    socket.write(`${message}\r\n`);
  });
  socket.on('data', (chunk: Buffer) => {
    if (closed) return;
    try {
      splitter.push(chunk);
    } catch (e) {
      if (!(e instanceof LineTooLongError)) throw e;
      closed = true;
      socket.write('error line too long\r\n');
      socket.end();
    }
  });
  socket.on('end', () => {
    if (!closed) splitter.end();
    socket.end();
  });
});

server.on('error', (err: NodeJS.ErrnoException) => {
  console.error(`cannot listen on ${host}:${port}: ${err.code === 'EADDRINUSE' ? 'address already in use' : err.message}`);
  process.exit(1);
});
server.listen(port, host, () => {
  const { address, port: actual } = server.address() as net.AddressInfo;
  console.log(`listening on ${address}:${actual}`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const s of sockets) s.destroy();
    server.close(() => process.exit(0));
  });
}
