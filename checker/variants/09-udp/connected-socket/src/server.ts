// Variant: the ready line on 'listening', a TextDecoder, and the reply checked against the limit as bytes.

import dgram from 'node:dgram';
import { parseArgs } from 'node:util';
import { DEFAULT_FORMAT, FormatError, strftime } from './strftime.ts';

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9009' }, mode: { type: 'string', default: 'upper' } } });
const host = values.host;
const port = Number(values.port);
const mode = values.mode;
if (!Number.isInteger(port) || port < 0 || port > 65535 || (mode !== 'upper' && mode !== 'time')) {
  console.error('usage: server.ts [--host HOST] [--port PORT] [--mode upper|time]');
  process.exit(2);
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();
const socket = dgram.createSocket({ type: 'udp4' });

function reply(msg: Buffer): Uint8Array {
  const text = decoder.decode(msg);
  let out: string;
  if (mode === 'upper') out = text.toUpperCase();
  else if (msg.length > 1024) out = 'error format too long';
  else {
    try {
      out = strftime(text || DEFAULT_FORMAT, new Date());
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      out = `error ${e.message}`;
    }
  }
  const bytes = encoder.encode(out);
  return bytes.length > 65_507 ? encoder.encode('error reply too long') : bytes;
}

socket.on('message', (msg, { address, port: from }) => {
  socket.send(reply(msg), from, address, (err) => err && console.error(`reply to ${address}:${from} failed: ${err.message}`));
});

socket.once('listening', () => {
  const a = socket.address();
  console.log(`listening on ${a.address}:${a.port}`);
  socket.on('error', (err) => console.error(`socket error: ${err.message}`));
});

socket.once('error', (err: NodeJS.ErrnoException) => {
  console.error(`cannot bind ${host}:${port}: ${err.code === 'EADDRINUSE' ? 'address already in use' : err.message}`);
  process.exit(1);
});

socket.bind({ port, address: host });

process.on('SIGINT', () => socket.close(() => process.exit(0)));
process.on('SIGTERM', () => socket.close(() => process.exit(0)));
