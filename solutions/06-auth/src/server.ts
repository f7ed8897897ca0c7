// Lesson 06 server: every client proves it knows the shared secret before it is served.
//
// On connect the server sends 32 random bytes (the challenge). The client answers with
// HMAC-SHA256(secret, challenge), 32 raw bytes. Right answer: the connection becomes lesson 02's
// upper-case line service. Wrong answer, or none within --auth-timeout seconds: closed, nothing said.

import net from 'node:net';
import { parseArgs } from 'node:util';
import { DIGEST_BYTES, ExactBytes, isRightAnswer, newChallenge } from './auth.ts';
import { serveLines } from './lines.ts';
import { loadSecret, SecretError } from './secret.ts';

const { host, port, secretFile, authTimeout } = options();
const secret = secretOrExit(secretFile);
const sockets = new Set<net.Socket>();

const server = net.createServer({ allowHalfOpen: true }, serve);

function serve(socket: net.Socket): void {
  // A client that reset before this handler ran has no address left: "?:?", not "undefined:undefined".
  const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
  sockets.add(socket);
  console.log(`connected ${peer}`);
  // Without an 'error' listener a client's reset (ECONNRESET) would throw and kill every connection.
  socket.on('error', (err: NodeJS.ErrnoException) => console.error(`${peer} error ${err.code ?? err.message}`));
  socket.on('close', () => {
    sockets.delete(socket);
    clearTimeout(timer);
    console.log(`disconnected ${peer}`);
  });

  // A fresh challenge for every connection: an answer recorded on one connection is worth nothing on the next.
  const challenge = newChallenge();
  const answer = new ExactBytes(DIGEST_BYTES);

  // Counted from the challenge, not from the client's last byte: one byte a second must not keep it open.
  const timer = setTimeout(() => refuse(`no answer within ${authTimeout} s`), authTimeout * 1000);

  const refuse = (why: string): void => {
    clearTimeout(timer);
    socket.off('data', onData);
    socket.off('end', onEnd);
    console.log(`refused ${peer}: ${why}`);
    socket.destroy(); // at once, and nothing said: no service, no hint for a guesser
  };

  const onData = (chunk: Buffer): void => {
    const got = answer.push(chunk);
    if (!got) return; // not all 32 bytes yet: wait for more
    if (!isRightAnswer(secret, challenge, got.bytes)) {
      refuse('wrong answer');
      return;
    }
    clearTimeout(timer);
    socket.off('data', onData);
    socket.off('end', onEnd);
    console.log(`authenticated ${peer}`);
    // The first lines may have come in the same read as the digest: they are the conversation's start.
    serveLines(socket, got.rest);
  };
  const onEnd = (): void => refuse(`ended its side after ${answer.received} of ${DIGEST_BYTES} bytes`);

  socket.on('data', onData);
  socket.on('end', onEnd);
  socket.write(challenge);
}

server.on('error', (err: NodeJS.ErrnoException) => {
  const why = err.code === 'EADDRINUSE' ? 'address already in use' : err.code === 'EACCES' ? 'permission denied' : err.message;
  console.error(`cannot listen on ${host}:${port}: ${why}`);
  process.exit(1);
});

server.listen(port, host, () => {
  const { address, port: actual } = server.address() as net.AddressInfo;
  console.log(`listening on ${address}:${actual}`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    for (const s of sockets) s.destroy();
    process.exit(0);
  });
}

function secretOrExit(file: string | undefined): Buffer {
  try {
    return loadSecret(file);
  } catch (err) {
    if (!(err instanceof SecretError)) throw err;
    console.error(`server.ts: ${err.message}`);
    process.exit(2);
  }
}

function options(): { host: string; port: number; secretFile: string | undefined; authTimeout: number } {
  try {
    const { values } = parseArgs({
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '9006' },
        'secret-file': { type: 'string' },
        'auth-timeout': { type: 'string', default: '5' },
      },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not ${JSON.stringify(values.port)}`);
    const authTimeout = Number(values['auth-timeout']);
    if (!Number.isFinite(authTimeout) || authTimeout <= 0 || authTimeout > 3600) throw new Error(`--auth-timeout must be a number of seconds above 0 and at most 3600, not ${JSON.stringify(values['auth-timeout'])}`);
    return { host: values.host, port, secretFile: values['secret-file'], authTimeout };
  } catch (err) {
    console.error(`usage: server.ts [--host HOST] [--port PORT] [--secret-file FILE] [--auth-timeout SECONDS]: ${(err as Error).message}`);
    process.exit(2);
  }
}
