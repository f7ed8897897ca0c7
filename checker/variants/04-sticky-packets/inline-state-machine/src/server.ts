// Variant of lesson 04's server: no splitter module. An explicit byte-level state machine per
// connection, with a fixed buffer one byte larger than the limit (room for the \r of a \r\n);
// the replies of one chunk leave together, a moment later, in one write.

import net from 'node:net';
import { parseArgs } from 'node:util';

const MAX = 65_536;
const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9004' } } });
const host = values.host;
const port = Number(values.port);
const sockets = new Set<net.Socket>();

type State = { kind: 'reading'; buf: Buffer; len: number } | { kind: 'refused' };

const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => {});
  let state: State = { kind: 'reading', buf: Buffer.alloc(MAX + 1), len: 0 };
  let count = 0;
  let out: string[] = [];
  let flushing: NodeJS.Timeout | undefined;
  const flush = () => {
    flushing = undefined;
    if (out.length) socket.write(out.join(''));
    out = [];
  };
  const answer = (bytes: Buffer) => {
    const body = bytes.at(-1) === 0x0d ? bytes.subarray(0, -1) : bytes;
    count += 1;
    out.push(`${count} ${body.toString('utf8')}\n`);
    flushing ??= setTimeout(flush, 3);
  };
  const refuse = () => {
    state = { kind: 'refused' };
    if (flushing) clearTimeout(flushing);
    flush();
    socket.end('error line too long\n');
  };
  socket.on('data', (chunk: Buffer) => {
    for (const byte of chunk) {
      if (state.kind === 'refused') return;
      if (byte === 0x0a) {
        const line = state.buf.subarray(0, state.len);
        if (line.length - (line.at(-1) === 0x0d ? 1 : 0) > MAX) return refuse();
        answer(Buffer.from(line));
        state.len = 0;
        continue;
      }
      if (state.len === MAX + 1) return refuse(); // even a \r at MAX + 1 is followed by a byte that is not \n
      if (state.len === MAX && byte !== 0x0d) return refuse();
      state.buf[state.len++] = byte;
    }
  });
  socket.on('end', () => {
    if (state.kind === 'reading' && state.len > 0) answer(Buffer.from(state.buf.subarray(0, state.len)));
    if (flushing) clearTimeout(flushing);
    flush();
    socket.end();
  });
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
