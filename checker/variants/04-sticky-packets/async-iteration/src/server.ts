// Variant of lesson 04's server: one async loop per connection (for await over the socket), the
// replies of each chunk gathered into one write, and a connection refused with end(), drained,
// then destroyed once the client has had time to read the error.

import net from 'node:net';
import { parseArgs } from 'node:util';
import { LineSplitter, LineTooLongError } from './lines.ts';

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9004' } } });
const host = values.host;
const port = Number(values.port);
const sockets = new Set<net.Socket>();

async function talk(socket: net.Socket): Promise<void> {
  let n = 0;
  let batch: string[] = [];
  let refused = false;
  const splitter = new LineSplitter((m) => batch.push(`${++n} ${m}\n`));
  const flush = () => {
    if (batch.length) socket.write(batch.join(''));
    batch = [];
  };
  try {
    // destroyOnReturn: false: by default the loop destroys the socket when it ends, and the replies
    // still to be written after the client's FIN (allowHalfOpen) would be lost.
    for await (const chunk of socket.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      // After the error, keep draining: leaving a for await loop (break, throw) destroys the
      // socket, and the error line with it.
      if (refused) continue;
      try {
        splitter.push(chunk);
      } catch (e) {
        if (!(e instanceof LineTooLongError)) throw e;
        refused = true;
        flush();
        socket.end('error line too long\n');
        setTimeout(() => socket.destroy(), 1000).unref();
        continue;
      }
      flush();
    }
    if (refused) return;
    splitter.end();
    flush();
    socket.end();
  } catch {
    socket.destroy(); // a reset, or destroyed after the error
  }
}

const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => {});
  void talk(socket);
});

server.on('error', (err: NodeJS.ErrnoException) => {
  console.error(`cannot listen on ${host}:${port}: ${err.code === 'EADDRINUSE' ? 'address already in use' : err.message}`);
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
