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

// One 'message' per datagram, whole: its boundaries are kept, it never sticks to the next one.
socket.on('message', (msg, rinfo) => {
  const reply = Buffer.from(answer(msg), 'utf8');
  socket.send(reply, rinfo.port, rinfo.address, (err) => {
    // With a callback, a failed send (EMSGSIZE, say) is reported here and not as an 'error' event.
    if (err) console.error(`${rinfo.address}:${rinfo.port} cannot reply: ${err.message}`);
  });
});

/** The reply to one datagram. Bad input gets an `error ...` reply: never silence, never a crash. */
function answer(msg: Buffer): string {
  const text = msg.toString('utf8'); // bytes that are not UTF-8 become U+FFFD
  if (mode === 'upper') {
    const upper = text.toUpperCase();
    return Buffer.byteLength(upper) > MAX_DATAGRAM ? 'error reply too long for one datagram' : upper;
  }
  if (msg.length > MAX_FORMAT) return `error format too long: ${msg.length} bytes, the limit is ${MAX_FORMAT}`;
  try {
    return strftime(text === '' ? DEFAULT_FORMAT : text, new Date());
  } catch (err) {
    if (err instanceof FormatError) return `error ${err.message}`;
    throw err;
  }
}

socket.on('error', (err: NodeJS.ErrnoException) => {
  if (bound) {
    console.error(`socket error: ${err.code ?? err.message}`); // keep serving
    return;
  }
  const why = err.code === 'EADDRINUSE' ? 'address already in use' : err.code === 'EACCES' ? 'permission denied' : err.message;
  console.error(`cannot listen on ${host}:${port}: ${why}`);
  process.exit(1);
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
