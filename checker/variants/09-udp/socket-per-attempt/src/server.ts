// Variant: every reply a moment later, after a random pause of up to 3 ms (so replies to a burst leave
// out of order), sent as a list of buffers.

import dgram from 'node:dgram';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_FORMAT, FormatError, strftime } from './strftime.ts';

const opts = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9009' }, mode: { type: 'string', default: 'upper' } } }).values;
const port = Number(opts.port);
const socket = dgram.createSocket('udp4');

function answer(msg: Buffer): Buffer[] {
  if (opts.mode === 'time') {
    if (msg.length > 512) return [Buffer.from('error '), Buffer.from('format over 512 bytes')];
    try {
      return [Buffer.from(strftime(msg.length ? msg.toString() : DEFAULT_FORMAT, new Date()))];
    } catch (err) {
      if (err instanceof FormatError) return [Buffer.from('error '), Buffer.from(err.message)];
      throw err;
    }
  }
  const up = Buffer.from(msg.toString().toUpperCase());
  return up.length > 65_507 ? [Buffer.from('error too long')] : [up];
}

socket.on('message', async (msg, rinfo) => {
  await sleep(Math.random() * 3);
  socket.send(answer(msg), rinfo.port, rinfo.address, () => {});
});

socket.on('error', (err: NodeJS.ErrnoException) => {
  console.error(`${opts.host}:${port}: ${err.code ?? err.message}`);
  process.exit(1);
});

socket.bind(port, opts.host, () => console.log(`listening on ${socket.address().address}:${socket.address().port}`));

for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(0));
