// Mutant of lesson 04's server: no splitter. Each 'data' chunk is answered as one message, as the
// tutorial's server takes one recv(1024) for one command.

import net from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9004' } } });
const host = values.host;
const port = Number(values.port);
const sockets = new Set<net.Socket>();

const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => {});
  socket.setEncoding('utf8');
  let count = 0;
  socket.on('data', (text: string) => {
    count += 1;
    socket.write(`${count} ${text.replace(/\r?\n$/, '')}\n`); // one read, one message
  });
  socket.on('end', () => socket.end());
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
    server.close();
    for (const s of sockets) s.destroy();
    process.exit(0);
  });
}
