// Variant: a hand-written Buffer state machine (it keeps bytes, and decodes a line only once its \n
// has arrived), greeting and reply written one byte at a time (each byte its own write, with Nagle
// off and setImmediate between), and SIGTERM handled by process.exit(0) directly.

import net from 'node:net';
import { parseArgs } from 'node:util';

const GREETING = Buffer.from('欢迎 welcome\n', 'utf8');
const MAX_LINE = 64 * 1024;
const IDLE_MS = 30_000;
const LF = 0x0a;
const CR = 0x0d;

const { host, port } = options();

/** Writes bytes one per write; end() closes after the last one. Respects 'drain'. */
class Dribbler {
  private queue: number[] = [];
  private running = false;
  private ending = false;
  constructor(private readonly socket: net.Socket) {}

  write(bytes: Buffer): void {
    for (const b of bytes) this.queue.push(b);
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
    const next = this.queue.shift();
    if (next === undefined) {
      this.running = false;
      if (this.ending) this.socket.end();
      return;
    }
    const ok = this.socket.write(Buffer.of(next));
    if (ok) setImmediate(() => this.drip());
    else this.socket.once('drain', () => this.drip());
  }
}

type State = { kind: 'collecting'; parts: Buffer[]; size: number } | { kind: 'answered' };

const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  const peer = `${socket.remoteAddress}:${socket.remotePort}`;
  const out = new Dribbler(socket);
  let state: State = { kind: 'collecting', parts: [], size: 0 };

  socket.setNoDelay(true);
  socket.setTimeout(IDLE_MS, () => socket.destroy());
  socket.on('error', (err: NodeJS.ErrnoException) => console.error(`${peer} error ${err.code ?? err.message}`));

  const answer = (line: Buffer | null): void => {
    state = { kind: 'answered' };
    if (line === null) out.write(Buffer.from('error line too long\n'));
    else {
      const bytes = line.at(-1) === CR ? line.subarray(0, -1) : line;
      out.write(Buffer.from(bytes.toString('utf8').toUpperCase() + '\n', 'utf8'));
    }
    out.end();
  };

  socket.on('data', (chunk: Buffer) => {
    if (state.kind !== 'collecting') return; // one line per connection
    const nl = chunk.indexOf(LF);
    const head = nl >= 0 ? chunk.subarray(0, nl) : chunk;
    if (state.size + head.length > MAX_LINE) return answer(null);
    state.parts.push(head);
    state.size += head.length;
    if (nl >= 0) answer(Buffer.concat(state.parts, state.size)); // decoded whole: no split characters
  });

  socket.on('end', () => {
    if (state.kind === 'collecting' && state.size > 0) answer(Buffer.concat(state.parts, state.size));
    else if (state.kind === 'collecting') {
      state = { kind: 'answered' };
      out.end();
    }
  });

  out.write(GREETING);
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
    const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9001' } } });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not ${JSON.stringify(values.port)}`);
    return { host: values.host, port };
  } catch (err) {
    console.error(`usage: server.ts [--host HOST] [--port PORT]: ${(err as Error).message}`);
    process.exit(2);
  }
}
