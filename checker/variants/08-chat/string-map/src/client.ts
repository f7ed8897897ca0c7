// Variant of lesson 08's client: text decoded by the socket, lines cut in a string buffer, and
// process.stdout.write. At quit it does not send quit: it ends its side, and the server removes it.

import net from 'node:net';
import readline from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9008' } } });
const host = values.host;
const port = Number(values.port);

const sock = net.connect({ host, port, allowHalfOpen: true });
sock.setEncoding('utf8');
let rest = '';
let up = false;

sock.on('connect', () => {
  up = true;
  sock.write("I'm ready.\n");
  const rl = readline.createInterface({ input: process.stdin });
  let done = false; // readline still hands out the lines of the chunk it was reading after close()
  rl.on('line', (line) => {
    if (done) return;
    if (line.trim() === 'quit') {
      done = true;
      return rl.close();
    }
    if (line.trim()) sock.write(line + '\n');
  });
  rl.on('close', () => sock.end());
});
sock.on('data', (t: string) => {
  rest += t;
  const lines = rest.split('\n');
  rest = lines.pop() ?? '';
  for (const l of lines) process.stdout.write(l + '\n');
});
sock.on('end', () => {
  if (rest) process.stdout.write(rest + '\n');
  sock.destroy();
  process.stdin.destroy();
});
sock.on('error', (e: NodeJS.ErrnoException) => {
  console.error(`${up ? 'lost' : 'cannot connect to'} ${host}:${port}: ${e.code === 'ECONNREFUSED' ? 'connection refused' : e.message}`);
  process.exitCode = 1;
  process.stdin.destroy();
});
