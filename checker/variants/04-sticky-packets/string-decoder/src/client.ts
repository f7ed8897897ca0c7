// Variant of lesson 04's client: reads the whole of stdin first, sends every line in one write,
// half-closes, and reads the replies with node:readline over the socket (fine for a client that
// trusts its server: readline has no limit).

import net from 'node:net';
import readline from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9004' } } });
const host = values.host;
const port = Number(values.port);

const stdinLines: string[] = [];
const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
input.on('line', (l) => stdinLines.push(l));
input.on('close', () => {
  const socket = net.connect({ host, port, allowHalfOpen: true });
  socket.on('error', (err: NodeJS.ErrnoException) => {
    console.error(`cannot connect to ${host}:${port}: ${err.code ?? err.message}`);
    process.exitCode = 1;
  });
  socket.on('connect', () => {
    if (stdinLines.length === 0) {
      socket.destroy();
      return;
    }
    socket.end(stdinLines.map((l) => l + '\n').join(''));
    let got = 0;
    const replies = readline.createInterface({ input: socket, crlfDelay: Infinity });
    replies.on('line', (reply) => {
      console.log(reply);
      if (++got === stdinLines.length) socket.destroy();
    });
  });
});
