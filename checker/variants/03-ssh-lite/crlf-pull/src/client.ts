// Variant: a pull-style client ('readable' + socket.read()) that ends its lines with \r\n.

import net from 'node:net';
import readline from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9003' } } });
const host = values.host;
const port = Number(values.port);
const queue: string[] = [];
let busy = false;
let noMore = false;
let pending: Buffer = Buffer.alloc(0);
let want = -1; // -1: reading the length line

const socket = net.connect({ host, port, allowHalfOpen: true });
socket.on('error', (err) => {
  console.error(`cannot connect to ${host}:${port}: ${err.message}`);
  process.exitCode = 1;
  process.stdin.destroy();
});
socket.on('connect', () => {
  const rl = readline.createInterface({ input: process.stdin, terminal: false });
  rl.on('line', (l) => {
    if (noMore) return;
    if (l === 'quit') return rl.close();
    if (l.trim()) queue.push(l);
    pump();
  });
  rl.on('close', () => {
    noMore = true;
    pump();
  });
});
socket.on('readable', () => {
  let chunk: Buffer | null;
  while ((chunk = socket.read() as Buffer | null) !== null) {
    pending = Buffer.concat([pending, chunk]);
    parse();
  }
});
socket.on('end', () => {
  process.stdin.destroy();
  socket.destroy();
});

function parse(): void {
  for (;;) {
    if (want < 0) {
      const nl = pending.indexOf('\n');
      if (nl < 0) return;
      want = parseInt(pending.subarray(0, nl).toString(), 10);
      pending = pending.subarray(nl + 1);
      socket.write('ready\r\n');
    }
    const take = Math.min(want, pending.length);
    if (take > 0) process.stdout.write(pending.subarray(0, take));
    pending = pending.subarray(take);
    want -= take;
    if (want > 0) return;
    want = -1;
    busy = false;
    pump();
    if (pending.length === 0) return;
  }
}

function pump(): void {
  if (busy) return;
  const next = queue.shift();
  if (next !== undefined) {
    busy = true;
    socket.write(next + '\r\n');
  } else if (noMore) socket.end();
}
