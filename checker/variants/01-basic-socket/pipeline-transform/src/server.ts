// Variant: stream.pipeline(socket, FirstLineUpper, socket) with a Transform class that answers the
// first line and then ends its readable side (push(null)), so the pipe ends the socket for us;
// SIGTERM: server.close() plus destroying every socket tracked in a Set.

import net from 'node:net';
import { pipeline, Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { parseArgs } from 'node:util';

const GREETING = '欢迎 welcome\n';
const MAX_LINE = 64 * 1024;
const IDLE_MS = 30_000;

/** Bytes in, one reply out: the first line upper-cased (or an error for a line over the limit), then EOF. */
class FirstLineUpper extends Transform {
  private readonly decoder = new StringDecoder('utf8');
  private text = '';
  private done = false;

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    if (!this.done) {
      this.text += this.decoder.write(chunk);
      const nl = this.text.indexOf('\n');
      const first = nl >= 0 ? this.text.slice(0, nl) : this.text;
      if (Buffer.byteLength(first) > MAX_LINE) this.answer('error line too long\n');
      else if (nl >= 0) this.answer(first.replace(/\r$/, '').toUpperCase() + '\n');
    }
    callback(); // whatever follows the first line is read and dropped
  }

  override _flush(callback: TransformCallback): void {
    // The client ended its side: the text before its FIN is its line.
    this.text += this.decoder.end();
    if (!this.done && this.text.length > 0) this.answer(this.text.toUpperCase() + '\n');
    callback();
  }

  private answer(reply: string): void {
    this.done = true;
    this.text = '';
    this.push(reply);
    this.push(null); // end of our output: the pipeline ends the socket after the reply
  }
}

const { host, port } = options();
const sockets = new Set<net.Socket>();

const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  const peer = `${socket.remoteAddress}:${socket.remotePort}`;
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', (err: NodeJS.ErrnoException) => console.error(`${peer} error ${err.code ?? err.message}`));
  socket.setTimeout(IDLE_MS, () => socket.destroy());
  socket.write(GREETING);
  pipeline(socket, new FirstLineUpper(), socket, () => {
    // errors were logged by the socket's listener; pipeline has destroyed the streams
  });
});

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
