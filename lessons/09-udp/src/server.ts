// Lesson 09 server: UDP. There are no connections: every datagram is a request of its own, answered
// with one datagram sent back to the address it came from (Python: recvfrom, then sendto).
// --mode upper replies with the datagram upper-cased; --mode time takes the datagram as a strftime
// format and replies with the local time in it.

import dgram from 'node:dgram';
import { parseArgs } from 'node:util';
import { DEFAULT_FORMAT, FormatError, strftime } from './strftime.ts';

const MAX_DATAGRAM = 65_507; // the most one UDP datagram over IPv4 can carry
const MAX_FORMAT = 1024; // bytes; a longer format gets an error reply

type Mode = 'upper' | 'time';
const { host, port, mode } = options();

const socket = dgram.createSocket('udp4');
let bound = false;

// TODO: on 'message' (msg: Buffer, rinfo: the sender's address and port), work out the reply and send
//       it back with socket.send(reply, rinfo.port, rinfo.address, callback). One datagram in, one out.
//       Pass a callback: a failed send then arrives there (log it) instead of as an 'error' event.
// TODO: the reply, decoded with msg.toString('utf8'):
//       mode upper: the text upper-cased (an empty datagram gets an empty reply; a reply over
//       MAX_DATAGRAM bytes gets `error reply too long for one datagram`).
//       mode time: a format over MAX_FORMAT bytes gets `error format too long: N bytes, the limit is 1024`;
//       otherwise strftime(text, new Date()), with DEFAULT_FORMAT for an empty datagram; a FormatError
//       becomes the reply `error ${err.message}`. Bad input gets an error reply: never silence.
void MAX_DATAGRAM;
void MAX_FORMAT;
void DEFAULT_FORMAT;
void FormatError;
void strftime;
void mode;

socket.on('error', (err: NodeJS.ErrnoException) => {
  if (bound) {
    console.error(`socket error: ${err.code ?? err.message}`); // keep serving
    return;
  }
  // TODO: the port is taken (EADDRINUSE): print one line to stderr,
  //       `cannot listen on HOST:PORT: address already in use`, and exit with code 1.
  throw err;
});

socket.bind(port, host, () => {
  bound = true;
  const { address, port: actual } = socket.address();
  console.log(`listening on ${address}:${actual}`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    socket.close();
    process.exit(0);
  });
}

function options(): { host: string; port: number; mode: Mode } {
  try {
    const { values } = parseArgs({
      options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9009' }, mode: { type: 'string', default: 'upper' } },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not ${JSON.stringify(values.port)}`);
    if (values.mode !== 'upper' && values.mode !== 'time') throw new Error(`--mode must be upper or time, not ${JSON.stringify(values.mode)}`);
    return { host: values.host, port, mode: values.mode };
  } catch (err) {
    console.error(`usage: server.ts [--host HOST] [--port PORT] [--mode upper|time]: ${(err as Error).message}`);
    process.exit(2);
  }
}
