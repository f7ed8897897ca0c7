// Variant: one 'data' listener for the connection's whole life and an explicit state
// (challenged → serving → done), the line service written inline, the challenge sent in two writes,
// and the answer compared through a second HMAC (equal inputs give equal HMACs), then timingSafeEqual.

import net from 'node:net';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const host = arg('--host') ?? '127.0.0.1';
const port = Number(arg('--port') ?? '9006');
const authTimeout = Number(arg('--auth-timeout') ?? '5');

function secret(): Buffer {
  const file = arg('--secret-file');
  try {
    const raw = file !== undefined ? readFileSync(file) : Buffer.from(process.env['NETLINGS_SECRET'] ?? '');
    const key = raw.subarray(0, raw.length - (raw.at(-1) === 0x0a && file !== undefined ? (raw.at(-2) === 0x0d ? 2 : 1) : 0));
    if (key.length > 0) return key;
  } catch {
    // reported below
  }
  process.stderr.write(`server: no usable secret${file !== undefined ? ` in ${file}` : ' (NETLINGS_SECRET is empty)'}\n`);
  process.exit(2);
}
const key = secret();
const sockets = new Set<net.Socket>();

class Connection {
  private state: 'challenged' | 'serving' | 'done' = 'challenged';
  private answer = Buffer.alloc(0);
  private readonly challenge = randomBytes(32);
  private readonly decoder = new StringDecoder('utf8');
  private text = '';
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('error', () => {});
    socket.on('close', () => clearTimeout(this.timer));
    this.timer = setTimeout(() => this.refuse(), authTimeout * 1000);
    socket.write(this.challenge.subarray(0, 16));
    socket.write(this.challenge.subarray(16));
  }

  private refuse(): void {
    this.state = 'done';
    this.socket.end(); // FIN; the client's bytes are ignored from now on
    this.socket.destroySoon();
  }

  private onData(chunk: Buffer): void {
    if (this.state === 'challenged') {
      this.answer = Buffer.concat([this.answer, chunk]);
      if (this.answer.length < 32) return;
      const expected = createHmac('sha256', key).update(this.challenge).digest();
      const mask = randomBytes(32);
      const a = createHmac('sha256', mask).update(this.answer.subarray(0, 32)).digest();
      const b = createHmac('sha256', mask).update(expected).digest();
      if (!timingSafeEqual(a, b)) return this.refuse();
      clearTimeout(this.timer);
      this.state = 'serving';
      chunk = this.answer.subarray(32);
    }
    if (this.state !== 'serving') return;
    this.text += this.decoder.write(chunk);
    let nl: number;
    while (this.state === 'serving' && (nl = this.text.indexOf('\n')) >= 0) {
      this.line(this.text.slice(0, nl).replace(/\r$/, ''));
      this.text = this.text.slice(nl + 1);
    }
  }

  private line(line: string): void {
    if (line === 'quit') {
      this.state = 'done';
      this.socket.end('bye\n');
    } else {
      this.socket.write(line.toUpperCase() + '\n');
    }
  }

  private onEnd(): void {
    if (this.state === 'challenged') return this.refuse();
    if (this.state === 'serving') {
      this.text += this.decoder.end();
      if (this.text) this.line(this.text);
    }
    if (!this.socket.writableEnded) this.socket.end();
  }
}

const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  new Connection(socket);
});
server.once('error', (e: NodeJS.ErrnoException) => {
  process.stderr.write(`server: ${host}:${port}: ${e.code === 'EADDRINUSE' ? 'address already in use' : e.message}\n`);
  process.exit(1);
});
server.listen(port, host, () => console.log(`listening on ${host}:${(server.address() as net.AddressInfo).port}`));
process.on('SIGTERM', () => {
  for (const s of sockets) s.destroy();
  server.close(() => process.exit(0));
});
process.on('SIGINT', () => process.exit(0));
