// Variant of lesson 08's server: each member has an outbox of its own. Bytes go to the socket only
// while write() returns true; the rest waits in the outbox until 'drain'. The limit counts the outbox
// and what the socket still holds. Lines are cut by a byte state machine; the server allows half-open
// connections and ends its side itself after the last line of a client that ended its own. The time is
// formatted once per second.

import net from 'node:net';
import readline from 'node:readline';
import { parseArgs } from 'node:util';

const LIMIT = 64 * 1024;
const MAX_WAITING = 1024 * 1024;

class Member {
  private outbox: Buffer[] = [];
  private outboxBytes = 0;
  private blocked = false;
  constructor(
    readonly socket: net.Socket,
    readonly address: string,
  ) {
    socket.on('drain', () => this.flush());
  }
  /** Queues a message; false when this member is too far behind. */
  deliver(message: Buffer): boolean {
    if (this.blocked) {
      this.outbox.push(message);
      this.outboxBytes += message.length;
    } else {
      this.blocked = !this.socket.write(message);
    }
    return this.outboxBytes + this.socket.writableLength <= MAX_WAITING;
  }
  private flush(): void {
    this.blocked = false;
    while (this.outbox.length > 0 && !this.blocked) {
      const m = this.outbox.shift() as Buffer;
      this.outboxBytes -= m.length;
      this.blocked = !this.socket.write(m);
    }
  }
}

let stampSecond = -1;
let stampText = '';
function stamp(): string {
  const ms = Date.now();
  const second = Math.floor(ms / 1000);
  if (second !== stampSecond) {
    const d = new Date(ms);
    const p = (n: number) => (n < 10 ? '0' : '') + n;
    stampText = `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
    stampSecond = second;
  }
  return stampText;
}

const room = new Set<Member>();

function part(m: Member): void {
  if (room.delete(m)) console.log(`${m.address} quits`);
}

function broadcast(from: Member, text: Buffer): void {
  const message = Buffer.concat([Buffer.from(`${stamp()} ${from.address}\n`), text, Buffer.from('\n')]);
  for (const m of [...room]) {
    if (!m.deliver(message)) {
      console.error(`${m.address} is too slow`);
      part(m);
      m.socket.destroy();
    }
  }
}

function serve(socket: net.Socket): void {
  const me = new Member(socket, `${socket.remoteAddress}:${socket.remotePort}`);
  room.add(me);
  socket.on('error', () => part(me));
  socket.on('close', () => part(me));
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let state: 'open' | 'closed' = 'open';

  const line = (raw: Buffer): void => {
    const text = raw.at(-1) === 0x0d ? raw.subarray(0, -1) : raw;
    if (text.length > LIMIT) return refuse();
    if (text.toString() === 'quit') {
      state = 'closed';
      part(me);
      socket.end();
      return;
    }
    if (text.length > 0) broadcast(me, text);
  };
  const refuse = (): void => {
    state = 'closed';
    part(me);
    socket.end('error line too long\n');
    setTimeout(() => socket.destroy(), 1000).unref();
  };

  socket.on('data', (chunk: Buffer) => {
    let from = 0;
    while (state === 'open') {
      const nl = chunk.indexOf(0x0a, from);
      if (nl < 0) break;
      const piece = chunk.subarray(from, nl);
      const whole = pending.length ? Buffer.concat([...pending, piece]) : piece;
      pending = [];
      pendingBytes = 0;
      from = nl + 1;
      line(whole);
    }
    if (state !== 'open' || from >= chunk.length) return;
    pending.push(Buffer.from(chunk.subarray(from)));
    pendingBytes += chunk.length - from;
    if (pendingBytes > LIMIT + 1) refuse();
  });
  socket.on('end', () => {
    part(me);
    if (state === 'open' && pendingBytes > 0) line(Buffer.concat(pending));
    state = 'closed';
    socket.end();
  });
}

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9008' } } });
const server = net.createServer({ allowHalfOpen: true }, serve);
server.on('error', (err: NodeJS.ErrnoException) => {
  console.error(`cannot listen on ${values.host}:${values.port}: ${err.code === 'EADDRINUSE' ? 'address already in use' : err.message}`);
  process.exit(1);
});
server.listen(Number(values.port), values.host, () => {
  const { address, port } = server.address() as net.AddressInfo;
  console.log(`listening on ${address}:${port}`);
});

function shutdown(): void {
  server.close();
  for (const m of room) m.socket.destroy();
  process.exit(0);
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
readline.createInterface({ input: process.stdin }).on('line', (l) => {
  if (l.trim() === 'quit') shutdown();
});
