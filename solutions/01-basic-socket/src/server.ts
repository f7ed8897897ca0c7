// Lesson 01 server: greet, read one line, answer it upper-cased, close. Then the next client.
//
// Python's socket()/bind()/listen()/accept() loop is, in Node, net.createServer() + listen():
// the event loop does the accepting and calls us once per connection.

import net from 'node:net';
import { parseArgs } from 'node:util';

const GREETING = '欢迎 welcome\n';
const MAX_LINE = 64 * 1024; // bytes; a longer "line" is refused rather than buffered forever
const IDLE_MS = 30_000; // a client that says nothing for this long is closed

const { host, port } = options();
const sockets = new Set<net.Socket>();

// allowHalfOpen: when the client ends its side (FIN) we may still send our reply, then end ours.
const server = net.createServer({ allowHalfOpen: true }, serve);

function serve(socket: net.Socket): void {
  sockets.add(socket);
  // A client that reset before this handler ran has no address left: "?:?", not "undefined:undefined".
  const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
  let line = '';
  let answered = false;

  // A reset or a broken pipe is the client's problem, never the server's: log it and forget the socket.
  socket.on('error', (err: NodeJS.ErrnoException) => console.error(`${peer} error ${err.code ?? err.message}`));
  socket.on('close', () => sockets.delete(socket));
  socket.setTimeout(IDLE_MS, () => socket.destroy());

  // setEncoding makes 'data' deliver strings decoded by one StringDecoder for the whole stream,
  // so a character whose bytes arrive in two reads comes out whole.
  socket.setEncoding('utf8');
  socket.write(GREETING);

  const answer = (text: string): void => {
    answered = true;
    socket.end(text.replace(/\r$/, '').toUpperCase() + '\n');
  };

  socket.on('data', (text: string) => {
    if (answered) return; // one line per connection; anything after it is ignored
    line += text;
    const nl = line.indexOf('\n');
    const first = nl >= 0 ? line.slice(0, nl) : line;
    if (Buffer.byteLength(first) > MAX_LINE) {
      // checked whether or not the \n has come: a long line in one write is as long as one in pieces
      answered = true;
      socket.end('error line too long\n');
    } else if (nl >= 0) answer(first);
  });

  // End of stream: a last line without \n still counts. No bytes at all means no line, so no reply.
  socket.on('end', () => {
    if (!answered && line.length > 0) answer(line);
    else socket.end();
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
    const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9001' } } });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not ${JSON.stringify(values.port)}`);
    return { host: values.host, port };
  } catch (err) {
    console.error(`usage: server.ts [--host HOST] [--port PORT]: ${(err as Error).message}`);
    process.exit(2);
  }
}
