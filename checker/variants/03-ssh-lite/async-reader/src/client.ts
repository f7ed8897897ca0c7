// Variant: the client as one async loop, command after command, read like Python's blocking code.

import net from 'node:net';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { ByteReader } from './byte-reader.ts';

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9003' } } });
const host = values.host;
const port = Number(values.port);

const socket = net.connect({ host, port, allowHalfOpen: true });
socket.on('error', (err: NodeJS.ErrnoException) => {
  console.error(`cannot connect to ${host}:${port}: ${err.code ?? err.message}`);
  process.exit(1);
});

socket.once('connect', async () => {
  const reader = new ByteReader(socket);
  const input = readline.createInterface({ input: process.stdin, terminal: false });
  for await (const raw of input) {
    const line = raw.replace(/\r$/, '');
    if (line === 'quit') break;
    if (!line.trim()) continue;
    socket.write(line + '\n');
    const size = await reader.readLine();
    if (size === null) {
      console.error('connection closed by server');
      process.exit(1);
    }
    let left = Number(size.toString());
    socket.write('ready\n');
    while (left > 0) {
      const piece = await reader.readSome(left);
      if (piece === null) process.exit(1);
      left -= piece.length;
      process.stdout.write(piece);
    }
  }
  input.close();
  socket.end();
  socket.destroy();
  process.stdin.destroy();
});
