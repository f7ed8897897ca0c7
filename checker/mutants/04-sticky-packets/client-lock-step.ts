// Mutant of lesson 04's client: lock-step. It writes one line, waits for its reply, then writes
// the next: one round trip per line, and a deadlock with a server that answers only once every
// line has arrived.

import net from 'node:net';
import readline from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9004' } } });
const host = values.host;
const port = Number(values.port);

const queue: string[] = [];
let inputEnded = false;
let waiting = false; // a line is out and its reply has not come
let buffered = '';

const socket = net.connect({ host, port, allowHalfOpen: true });
socket.setEncoding('utf8');

function next(): void {
  if (waiting) return;
  const line = queue.shift();
  if (line !== undefined) {
    waiting = true;
    socket.write(line + '\n');
  } else if (inputEnded) {
    socket.destroy();
    process.stdin.destroy();
  }
}

socket.on('connect', () => {
  const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  input.on('line', (line) => {
    queue.push(line);
    next();
  });
  input.on('close', () => {
    inputEnded = true;
    next();
  });
});
socket.on('data', (text: string) => {
  buffered += text;
  let nl: number;
  while ((nl = buffered.indexOf('\n')) >= 0) {
    console.log(buffered.slice(0, nl));
    buffered = buffered.slice(nl + 1);
    waiting = false;
    next();
  }
});
socket.on('error', (err: NodeJS.ErrnoException) => {
  console.error(`cannot connect to ${host}:${port}: ${err.code ?? err.message}`);
  process.exitCode = 1;
});
