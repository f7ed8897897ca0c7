// Lesson 02 server: many clients at once, every line answered upper-cased, `quit` says bye.
//
// Python needs two loops: `while True: conn = accept()` (the connection loop) around
// `while True: data = recv()` (the communication loop). In Node the event loop is both:
// 'connection' fires once per client, 'data' once per read, and no client waits for another.

import net from 'node:net';
import { parseArgs } from 'node:util';

const MAX_LINE = 64 * 1024; // bytes; a longer line gets an error and the connection is closed
const IDLE_MS = 5 * 60_000; // a client silent for this long is closed

const { host, port } = options();
const sockets = new Set<net.Socket>();

const server = net.createServer({ allowHalfOpen: true }, serve);

function serve(socket: net.Socket): void {
  // A client that reset before this handler ran has no address left: "?:?", not "undefined:undefined".
  const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
  sockets.add(socket);
  console.log(`connected ${peer}`);
  let buffered = '';
  let done = false; // after quit or an error reply, the rest of the input is ignored

  // Without an 'error' listener a client's reset (ECONNRESET) would throw and kill every connection.
  socket.on('error', (err: NodeJS.ErrnoException) => console.error(`${peer} error ${err.code ?? err.message}`));
  socket.on('close', () => {
    sockets.delete(socket);
    console.log(`disconnected ${peer}`);
  });
  socket.setTimeout(IDLE_MS, () => socket.destroy());
  socket.setEncoding('utf8'); // one decoder for the whole stream: split characters come out whole

  const reply = (line: string): void => {
    if (line === 'quit') {
      done = true;
      socket.end('bye\n');
      return;
    }
    socket.write(line.toUpperCase() + '\n');
  };

  const tooLong = (line: string): boolean => {
    if (Buffer.byteLength(line) <= MAX_LINE) return false;
    done = true;
    socket.end('error line too long\n');
    return true;
  };

  const onData = (text: string): void => {
    if (done) return;
    buffered += text;
    let nl: number;
    while (!done && (nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (tooLong(line)) return;
      reply(line.replace(/\r$/, ''));
    }
    // an unfinished line counts too: a client that never sends \n must not grow our memory
    if (!done && tooLong(buffered)) return;
    // Backpressure: a client that sends but does not read must not grow our memory.
    if (socket.writableNeedDrain) {
      socket.pause();
      socket.once('drain', () => socket.resume());
    }
  };
  socket.on('data', onData);

  // End of stream (recv() returning b'' in Python): answer a last line without \n, then end our side.
  socket.on('end', () => {
    if (!done && buffered.length > 0) reply(buffered);
    buffered = '';
    socket.end();
  });
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

function options(): { host: string; port: number } {
  try {
    const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9002' } } });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not ${JSON.stringify(values.port)}`);
    return { host: values.host, port };
  } catch (err) {
    console.error(`usage: server.ts [--host HOST] [--port PORT]: ${(err as Error).message}`);
    process.exit(2);
  }
}
