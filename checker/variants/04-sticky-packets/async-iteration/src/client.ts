// Variant of lesson 04's client: the lesson's LineSplitter for the replies, stdout written with
// process.stdout.write, and a half-close once stdin has ended.

import net from 'node:net';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { LineSplitter } from './lines.ts';

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9004' } } });
const host = values.host;
const port = Number(values.port);

let sent = 0;
let got = 0;
let ended = false;
const socket = net.connect({ host, port, allowHalfOpen: true });
const done = () => {
  if (ended && got >= sent) {
    socket.destroy();
    process.stdin.destroy();
  }
};
const replies = new LineSplitter((r) => {
  process.stdout.write(r + '\n');
  got += 1;
  done();
}, 70_000);

socket.on('error', (err: NodeJS.ErrnoException) => {
  process.stderr.write(`cannot connect to ${host}:${port}: ${err.code ?? err.message}\n`);
  process.exitCode = 1;
});
socket.on('data', (c: Buffer) => replies.push(c));
socket.on('connect', () => {
  const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  input.on('line', (l) => {
    sent += 1;
    socket.write(l + '\n');
  });
  input.on('close', () => {
    ended = true;
    socket.end();
    done();
  });
});
