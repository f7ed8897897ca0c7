// Mutant of lesson 04's client: it pipelines, but counts one reply per 'data' chunk. Replies that
// share a chunk count once, so it waits for replies that already came and never exits.

import net from 'node:net';
import readline from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9004' } } });
const host = values.host;
const port = Number(values.port);

let sent = 0;
let received = 0;
let inputEnded = false;

const socket = net.connect({ host, port, allowHalfOpen: true });
socket.setEncoding('utf8');

function finishIfDone(): void {
  if (inputEnded && received >= sent) {
    socket.destroy();
    process.stdin.destroy();
  }
}

socket.on('connect', () => {
  const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  input.on('line', (line) => {
    sent += 1;
    socket.write(line + '\n');
  });
  input.on('close', () => {
    inputEnded = true;
    finishIfDone();
  });
});
socket.on('data', (text: string) => {
  process.stdout.write(text);
  received += 1; // one chunk, one reply
  finishIfDone();
});
socket.on('error', (err: NodeJS.ErrnoException) => {
  console.error(`cannot connect to ${host}:${port}: ${err.code ?? err.message}`);
  process.exitCode = 1;
});
