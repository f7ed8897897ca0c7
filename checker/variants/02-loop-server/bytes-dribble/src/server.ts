// Variant: an explicit byte-level state machine per connection (bytes kept until their \n, a line
// decoded only when whole), every reply written one byte per write with setImmediate between (our
// queue, not the socket's buffer, bounds backpressure), and SIGTERM as process.exit(0) directly.

import net from 'node:net';
import { parseArgs } from 'node:util';

const MAX_LINE = 64 * 1024;
const IDLE_MS = 5 * 60_000;
const MAX_QUEUED = 64 * 1024; // reply bytes waiting to be dripped before we stop reading
const LF = 0x0a;
const CR = 0x0d;

const { host, port } = options();

/** Writes its bytes one per write, a tick apart; closes the socket once drained if asked to. */
class Dribbler {
  private chunks: Buffer[] = [];
  private offset = 0; // into chunks[0]
  queued = 0;
  private running = false;
  private ending = false;
  constructor(
    private readonly socket: net.Socket,
    private readonly onDrained: () => void,
  ) {}

  write(bytes: Buffer): void {
    if (this.ending || bytes.length === 0) return;
    this.chunks.push(bytes);
    this.queued += bytes.length;
    this.kick();
  }
  end(): void {
    this.ending = true;
    this.kick();
  }
  private kick(): void {
    if (this.running) return;
    this.running = true;
    setImmediate(() => this.drip());
  }
  private drip(): void {
    if (this.socket.destroyed) return;
    const head = this.chunks[0];
    if (head === undefined) {
      this.running = false;
      if (this.ending) this.socket.end();
      return;
    }
    const byte = head.subarray(this.offset, this.offset + 1);
    if (++this.offset === head.length) {
      this.chunks.shift();
      this.offset = 0;
    }
    this.queued--;
    if (this.queued === MAX_QUEUED - 1) this.onDrained();
    if (this.socket.write(byte)) setImmediate(() => this.drip());
    else this.socket.once('drain', () => this.drip());
  }
}

type State = 'reading' | 'closing'; // closing: quit, a too-long line or the client's FIN came; input is ignored

const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  const peer = `${socket.remoteAddress}:${socket.remotePort}`;
  console.log(`connected ${peer}`);
  let state: State = 'reading';
  let parts: Buffer[] = []; // bytes of the unfinished line
  let size = 0;
  const out = new Dribbler(socket, () => socket.resume());

  socket.setNoDelay(true); // so the single bytes really leave one by one
  socket.setTimeout(IDLE_MS, () => socket.destroy());
  socket.on('error', (err: NodeJS.ErrnoException) => console.error(`${peer} error ${err.code ?? err.message}`));
  socket.on('close', () => console.log(`disconnected ${peer}`));

  const close = (last: string): void => {
    state = 'closing';
    parts = [];
    size = 0;
    out.write(Buffer.from(last));
    out.end();
  };

  const line = (bytes: Buffer): void => {
    const text = (bytes.at(-1) === CR ? bytes.subarray(0, -1) : bytes).toString('utf8');
    if (text === 'quit') close('bye\n');
    else out.write(Buffer.from(text.toUpperCase() + '\n', 'utf8'));
  };

  socket.on('data', (chunk: Buffer) => {
    let from = 0;
    while (state === 'reading') {
      const nl = chunk.indexOf(LF, from);
      const piece = chunk.subarray(from, nl >= 0 ? nl : chunk.length);
      if (size + piece.length > MAX_LINE) return close('error line too long\n');
      if (nl < 0) {
        if (piece.length > 0) parts.push(piece);
        size += piece.length;
        break;
      }
      line(Buffer.concat([...parts, piece], size + piece.length));
      parts = [];
      size = 0;
      from = nl + 1;
    }
    if (state === 'reading' && out.queued >= MAX_QUEUED) socket.pause(); // resumed by the dribbler
  });

  socket.on('end', () => {
    if (state !== 'reading') return;
    if (size > 0) line(Buffer.concat(parts, size)); // a last line without \n counts
    if (state === 'reading') close('');
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

// Exiting closes the listening socket and every connection with it.
process.once('SIGINT', () => process.exit(0));
process.once('SIGTERM', () => process.exit(0));

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
