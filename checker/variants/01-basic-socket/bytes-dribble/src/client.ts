// Variant: a client with a hand-written Buffer line splitter (bytes kept until a \n, then decoded
// whole), that half-closes in the same call that sends its line (socket.end(line)) and exits with
// process.exit(0) as soon as the reply is printed, without waiting for the server's close.

import net from 'node:net';
import { parseArgs } from 'node:util';

const { host, port, message } = options();

let connected = false;
let pending = Buffer.alloc(0);
let count = 0; // lines heard: 1 = greeting, 2 = reply

const socket = net.connect({ host, port, allowHalfOpen: true });
socket.on('connect', () => {
  connected = true;
});

socket.on('data', (chunk: Buffer) => {
  pending = Buffer.concat([pending, chunk]);
  let nl: number;
  while ((nl = pending.indexOf(0x0a)) >= 0) {
    let line = pending.subarray(0, nl);
    pending = pending.subarray(nl + 1);
    if (line.at(-1) === 0x0d) line = line.subarray(0, -1);
    heard(line.toString('utf8'));
  }
});

socket.on('end', () => {
  if (pending.length > 0) heard(pending.toString('utf8')); // a last line without \n counts
  pending = Buffer.alloc(0);
  console.error(`${host}:${port} closed the connection before ${count === 0 ? 'greeting' : 'replying'}`);
  process.exit(1);
});

socket.on('error', (err: NodeJS.ErrnoException) => {
  console.error(`${connected ? 'lost the connection to' : 'cannot connect to'} ${host}:${port}: ${err.code === 'ECONNREFUSED' ? 'connection refused' : err.message}`);
  process.exit(1);
});

function heard(line: string): void {
  count++;
  console.log(line);
  if (count === 1) socket.end(message + '\n'); // our line, and our FIN right behind it
  if (count === 2) process.exit(0);
}

function options(): { host: string; port: number; message: string } {
  try {
    const { values, positionals } = parseArgs({
      options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9001' } },
      allowPositionals: true,
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be a number from 1 to 65535, not ${JSON.stringify(values.port)}`);
    const message = positionals.join(' ');
    if (message.length === 0) throw new Error('give a message to send');
    if (/[\r\n]/.test(message)) throw new Error('the message must be one line');
    return { host: values.host, port, message };
  } catch (err) {
    console.error(`usage: client.ts [--host HOST] [--port PORT] MESSAGE...: ${(err as Error).message}`);
    process.exit(2);
  }
}
