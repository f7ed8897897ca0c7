// Variant of lesson 08's client: the socket's lines come from a readline Interface over the socket;
// quit sends quit and leaves with process.exit once the server has closed.

import net from 'node:net';
import readline from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9008' } } });
const socket = net.connect(Number(values.port), values.host);
const where = `${values.host}:${values.port}`;

socket.on('error', (e: NodeJS.ErrnoException) => {
  console.error(`${where}: ${e.code === 'ECONNREFUSED' ? 'connection refused' : e.message}`);
  process.exit(1);
});

socket.once('connect', () => {
  socket.write("I'm ready.\n");
  const incoming = readline.createInterface({ input: socket, crlfDelay: Infinity });
  incoming.on('line', (l) => console.log(l));
  incoming.on('error', () => {});
  incoming.on('close', () => process.exit(0)); // the server closed: everything before it is printed

  const typed = readline.createInterface({ input: process.stdin });
  let quit = false;
  typed.on('line', (l) => {
    if (quit || !l.trim()) return;
    socket.write(l + '\n');
    if (l.trim() === 'quit') {
      quit = true; // lines of the same chunk still come after close()
      typed.close();
    }
  });
  typed.on('close', () => socket.end());
});
