// Variant: stream.pipeline(socket, LineSplitter, Responder, socket): a Transform from bytes to line
// events (with the line limit) and one from lines to replies that ends its output after quit
// (push(null)), so the pipe ends the socket; backpressure is the pipeline's. SIGTERM: close + exit.

import net from 'node:net';
import { pipeline, Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { parseArgs } from 'node:util';

const MAX_LINE = 64 * 1024;
const IDLE_MS = 5 * 60_000;

type LineEvent = { line: string } | { tooLong: true };

/** Bytes in, LineEvents out; a last line without \n counts. */
class LineSplitter extends Transform {
  private readonly decoder = new StringDecoder('utf8');
  private text = '';
  private over = false;
  constructor() {
    super({ readableObjectMode: true });
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    if (this.over) return callback();
    this.text += this.decoder.write(chunk);
    let nl: number;
    while ((nl = this.text.indexOf('\n')) >= 0) {
      if (!this.emitLine(this.text.slice(0, nl).replace(/\r$/, ''))) return callback();
      this.text = this.text.slice(nl + 1);
    }
    if (Buffer.byteLength(this.text) > MAX_LINE) this.tooLong();
    callback();
  }
  override _flush(callback: TransformCallback): void {
    this.text += this.decoder.end();
    if (!this.over && this.text.length > 0) this.emitLine(this.text);
    callback();
  }
  private emitLine(line: string): boolean {
    if (Buffer.byteLength(line) > MAX_LINE) return this.tooLong();
    this.push({ line } satisfies LineEvent);
    return true;
  }
  private tooLong(): false {
    this.over = true;
    this.text = '';
    this.push({ tooLong: true } satisfies LineEvent);
    return false;
  }
}

/** LineEvents in, reply text out; quit (or a too-long line) ends the output, and input after it is dropped. */
class Responder extends Transform {
  private done = false;
  constructor() {
    super({ writableObjectMode: true });
  }
  override _transform(event: LineEvent, _enc: BufferEncoding, callback: TransformCallback): void {
    if (this.done) return callback();
    if ('tooLong' in event) this.finish('error line too long\n');
    else if (event.line === 'quit') this.finish('bye\n');
    else this.push(event.line.toUpperCase() + '\n');
    callback();
  }
  private finish(last: string): void {
    this.done = true;
    this.push(last);
    this.push(null);
  }
}

const { host, port } = options();
const sockets = new Set<net.Socket>();

const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  const peer = `${socket.remoteAddress}:${socket.remotePort}`;
  sockets.add(socket);
  console.log(`connected ${peer}`);
  socket.on('error', (err: NodeJS.ErrnoException) => console.error(`${peer} error ${err.code ?? err.message}`));
  socket.on('close', () => {
    sockets.delete(socket);
    console.log(`disconnected ${peer}`);
  });
  socket.setTimeout(IDLE_MS, () => socket.destroy());
  // When the client ends its side, the splitter flushes its last line, the responder answers it and
  // ends, and the pipe ends the socket: every reply is out before our FIN.
  pipeline(socket, new LineSplitter(), new Responder(), socket, () => {
    // a reset was logged by the socket's 'error' listener; pipeline has destroyed the streams
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
    const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9002' } } });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not ${JSON.stringify(values.port)}`);
    return { host: values.host, port };
  } catch (err) {
    console.error(`usage: server.ts [--host HOST] [--port PORT]: ${(err as Error).message}`);
    process.exit(2);
  }
}
