// Variant: an async client. The challenge comes from an async iterator over the socket, the answer
// from crypto.subtle.sign, and stdin is read with `for await` over readline.

import net from 'node:net';
import { once } from 'node:events';
import { webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import readline from 'node:readline';
import { StringDecoder } from 'node:string_decoder';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9006' }, 'secret-file': { type: 'string' } } });
const host = values.host;
const port = Number(values.port);
let secret: Uint8Array | undefined;
if (values['secret-file'] !== undefined) {
  try {
    secret = new Uint8Array(readFileSync(values['secret-file'])); // a copy we may trim
    if (secret.at(-1) === 0x0a) secret = secret.subarray(0, secret.at(-2) === 0x0d ? -2 : -1);
  } catch {
    secret = undefined;
  }
} else if (process.env['NETLINGS_SECRET']) {
  secret = new TextEncoder().encode(process.env['NETLINGS_SECRET']);
}
if (!secret?.length) {
  console.error('client: no secret (NETLINGS_SECRET or --secret-file)');
  process.exit(2);
}
const key = await webcrypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);

const socket = net.connect({ host, port, allowHalfOpen: true });
try {
  await once(socket, 'connect');
} catch (e) {
  console.error(`cannot connect to ${host}:${port}: ${(e as NodeJS.ErrnoException).code}`);
  process.exit(1);
}
socket.on('error', (e: NodeJS.ErrnoException) => {
  console.error(`lost ${host}:${port}: ${e.code}`);
  process.exit(1);
});

/** The first n bytes of the socket, and what came with them. */
function firstBytes(n: number): Promise<{ head: Buffer; rest: Buffer } | null> {
  return new Promise((resolve) => {
    let got = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      got = Buffer.concat([got, chunk]);
      if (got.length < n) return;
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.pause();
      resolve({ head: got.subarray(0, n), rest: got.subarray(n) });
    };
    const onEnd = (): void => resolve(null);
    socket.on('data', onData);
    socket.once('end', onEnd);
  });
}

const first = await firstBytes(32);
if (!first) {
  console.error('the server closed before its challenge');
  process.exit(1);
}
socket.write(new Uint8Array(await webcrypto.subtle.sign('HMAC', key, first.head)));

let leaving = false;
const rl = readline.createInterface({ input: process.stdin, terminal: false });
const decoder = new StringDecoder('utf8');
let pending = '';
const print = (text: string): void => {
  pending += text;
  let nl;
  while ((nl = pending.indexOf('\n')) >= 0) {
    console.log(pending.slice(0, nl).replace(/\r$/, ''));
    pending = pending.slice(nl + 1);
  }
};
print(decoder.write(first.rest));
socket.on('data', (chunk: Buffer) => print(decoder.write(chunk)));
socket.on('end', () => {
  print(decoder.end());
  if (pending) console.log(pending);
  if (!leaving) console.log('connection closed by server');
  socket.destroy();
  rl.close(); // ends the for await below
  process.stdin.destroy();
});
socket.resume();

for await (const line of rl) {
  if (line.trim() === '') continue;
  socket.write(line + '\n');
  if (line === 'quit') break;
}
leaving = true;
rl.close();
if (!socket.destroyed) socket.end();
