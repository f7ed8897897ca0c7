// Variant: the answer is read in paused mode with socket.read(32), which returns null until 32 bytes
// are buffered and leaves the rest in the stream for the line service. A wrong answer is refused
// after a short delay with a FIN (socket.end()), not a reset: both are fair.

import net from 'node:net';
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import { serveLines } from './lines.ts';
import { loadSecret, SecretError } from './secret.ts';

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9006' }, 'secret-file': { type: 'string' }, 'auth-timeout': { type: 'string', default: '5' } } });
const host = values.host;
const port = Number(values.port);
const authMs = Number(values['auth-timeout']) * 1000;
let secret: Buffer;
try {
  secret = loadSecret(values['secret-file']);
} catch (e) {
  console.error((e as SecretError).message);
  process.exit(2);
}
const open = new Set<net.Socket>();

const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  open.add(socket);
  socket.on('close', () => open.delete(socket));
  socket.on('error', () => {});
  const challenge = crypto.randomBytes(32);
  const expected = crypto.createHmac('sha256', secret).update(challenge).digest();
  const timer = setTimeout(() => socket.destroy(), authMs);
  const onReadable = (): void => {
    const answer = socket.read(32) as Buffer | null;
    if (answer === null) return; // fewer than 32 bytes so far (or the end: read() then returns what is left)
    socket.off('readable', onReadable);
    if (answer.length < 32 || !crypto.timingSafeEqual(answer, expected)) {
      clearTimeout(timer);
      setTimeout(() => socket.end(), 150); // a short pause before the close: fair too
      return;
    }
    clearTimeout(timer);
    serveLines(socket, Buffer.alloc(0)); // the rest is still in the stream: 'data' delivers it
    socket.resume();
  };
  socket.on('readable', onReadable);
  socket.on('end', () => {
    if (socket.listenerCount('readable') > 0) socket.destroy();
  });
  socket.write(challenge);
});

server.on('error', (e: NodeJS.ErrnoException) => {
  console.error(`cannot listen on ${host}:${port}: ${e.code}`);
  process.exit(1);
});
server.listen(port, host, () => console.log(`listening on ${host}:${(server.address() as net.AddressInfo).port}`));
const stop = (): void => {
  server.close();
  for (const s of open) s.destroy();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
