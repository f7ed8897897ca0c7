// Mutant of lesson 04's server: lines split by node:readline over the socket. It handles \r\n,
// split characters and a last line without \n, but it has no limit: a line of any length is
// buffered and answered.

import net from 'node:net';
import readline from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9004' } } });
const host = values.host;
const port = Number(values.port);
const sockets = new Set<net.Socket>();

const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => {});
  let count = 0;
  const lines = readline.createInterface({ input: socket, crlfDelay: Infinity });
  lines.on('line', (message) => {
    count += 1;
    socket.write(`${count} ${message}\n`);
  });
  lines.on('close', () => socket.end());
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
