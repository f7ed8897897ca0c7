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
  socket.on('close', () => sockets.delete(socket));

  // TODO: listen for 'error' on the socket and log it, so a client's reset (ECONNRESET) cannot kill the server.
  // TODO: decode the stream as UTF-8 with socket.setEncoding('utf8'), then send GREETING.
  // TODO: on 'data', add the text to a buffer; when it holds a "\n", reply with the line before it
  //       upper-cased plus "\n", and close with socket.end(reply). Answer only one line per connection.
  // TODO: on 'end', a last line without "\n" still counts: reply to it if nothing was answered yet.
}

// TODO: listen for the server's 'error' event. For EADDRINUSE print one line to stderr,
//       `cannot listen on HOST:PORT: address already in use`, and exit with code 1.

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
