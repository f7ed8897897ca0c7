// Variant: the handshake as async code with WebCrypto (crypto.subtle.verify is constant-time and
// asynchronous), the answer read by a promise that pauses the socket and unshifts what came after
// it, and the line service on node:readline. Refusal: reset (RST) at once.

import net from 'node:net';
import { webcrypto } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import readline from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9006' }, 'secret-file': { type: 'string' }, 'auth-timeout': { type: 'string', default: '5' } } });
const host = values.host;
const port = Number(values.port);
const authMs = Number(values['auth-timeout']) * 1000;

async function secretBytes(): Promise<Uint8Array> {
  const file = values['secret-file'];
  if (file !== undefined) {
    const b = await readFile(file).catch((e: NodeJS.ErrnoException) => {
      console.error(`cannot read ${file}: ${e.code}`);
      process.exit(2);
    });
    const s = b.at(-1) === 0x0a ? b.subarray(0, b.at(-2) === 0x0d ? -2 : -1) : b;
    if (s.length) return s;
  } else if (process.env['NETLINGS_SECRET']) {
    return new TextEncoder().encode(process.env['NETLINGS_SECRET']);
  }
  console.error('no secret: set NETLINGS_SECRET or give --secret-file');
  process.exit(2);
}

/** Exactly n bytes; what came after them is put back into the socket. */
function readExactly(socket: net.Socket, n: number): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let have = 0;
    const done = (v: Buffer | null): void => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      resolve(v);
    };
    const onData = (chunk: Buffer): void => {
      parts.push(chunk);
      have += chunk.length;
      if (have < n) return;
      socket.pause();
      const all = Buffer.concat(parts);
      if (all.length > n) socket.unshift(all.subarray(n));
      done(all.subarray(0, n));
    };
    const onEnd = (): void => done(null);
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
  });
}

function lineService(socket: net.Socket): void {
  const rl = readline.createInterface({ input: socket, crlfDelay: Infinity });
  // readline passes its input's errors on: without this, a client's reset kills the server.
  rl.on('error', () => socket.destroy());
  let quit = false;
  rl.on('line', (line) => {
    if (quit) return;
    if (line === 'quit') {
      quit = true;
      socket.end('bye\n');
      rl.close();
      return;
    }
    socket.write(line.toUpperCase() + '\n');
  });
  rl.on('close', () => {
    if (!quit) socket.end();
  });
  socket.resume();
}

const secret = await secretBytes();
const key = await webcrypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
const open = new Set<net.Socket>();

const server = net.createServer({ allowHalfOpen: true }, async (socket) => {
  open.add(socket);
  socket.on('close', () => open.delete(socket));
  socket.on('error', () => {});
  const challenge = webcrypto.getRandomValues(new Uint8Array(32));
  const timer = setTimeout(() => socket.destroy(), authMs);
  socket.on('close', () => clearTimeout(timer));
  socket.write(challenge);
  const answer = await readExactly(socket, 32);
  if (answer === null) return void socket.destroy();
  const ok = await webcrypto.subtle.verify('HMAC', key, answer, challenge);
  if (socket.destroyed) return;
  if (!ok) return void socket.resetAndDestroy();
  clearTimeout(timer);
  lineService(socket);
});
server.on('error', () => {
  console.error(`cannot listen on ${host}:${port}: address in use`);
  process.exit(1);
});
server.listen(port, host, () => console.log(`listening on ${host}:${(server.address() as net.AddressInfo).port}`));
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    for (const s of open) s.destroy();
    server.close();
    process.exit(0);
  });
}
