// Mutant of lesson 04's client: it pipelines and counts replies by \n, but prints each 'data'
// chunk as it comes, with console.log, as if a chunk were a reply.

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
socket.on('data', (chunk: Buffer) => {
  console.log(chunk.toString('utf8').replace(/\n$/, '')); // the chunk is the reply
  for (const byte of chunk) if (byte === 0x0a) received += 1;
  finishIfDone();
});
socket.on('error', (err: NodeJS.ErrnoException) => {
  console.error(`cannot connect to ${host}:${port}: ${err.code ?? err.message}`);
  process.exitCode = 1;
});
