// Mutant of lesson 01's server: lines read with node:readline over the socket. The socket has an
// 'error' listener, the readline Interface has none; the Interface re-emits the socket's ECONNRESET,
// and with no listener that is thrown: a client that resets kills the server.

import net from 'node:net';
import readline from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9001' } } });
const host = values.host;
const port = Number(values.port);
const sockets = new Set<net.Socket>();

const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', (err: NodeJS.ErrnoException) => console.error(`client error ${err.code ?? err.message}`));
  socket.write('欢迎 welcome\n');
  const rl = readline.createInterface({ input: socket, crlfDelay: Infinity });
  let answered = false;
  rl.on('line', (line) => {
    if (answered) return;
    answered = true;
    socket.end(line.toUpperCase() + '\n');
    rl.close();
  });
  rl.on('close', () => {
    if (!answered) socket.end();
  });
});

server.on('error', (err: NodeJS.ErrnoException) => {
  console.error(`cannot listen on ${host}:${port}: ${err.code === 'EADDRINUSE' ? 'address already in use' : err.message}`);
  process.exit(1);
});
server.listen(port, host, () => {
  const a = server.address() as net.AddressInfo;
  console.log(`listening on ${a.address}:${a.port}`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const s of sockets) s.destroy();
    server.close();
    process.exit(0);
  });
}
