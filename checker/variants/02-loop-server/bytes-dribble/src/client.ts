// Variant: a client with a hand-written Buffer line splitter on both stdin and the socket (bytes
// kept until their \n, then decoded whole), that ends its lines with \r\n (accepted by the
// contract) and half-closes in the same call that sends quit: socket.end('quit\r\n').

import net from 'node:net';
import { parseArgs } from 'node:util';

const { host, port } = options();

/** Calls back with each complete line (bytes without \n or \r\n); flush() yields a last line without \n. */
class ByteLines {
  private pending: Buffer = Buffer.alloc(0);
  constructor(private readonly onLine: (line: Buffer) => void) {}
  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let nl: number;
    while ((nl = this.pending.indexOf(0x0a)) >= 0) {
      const line = this.pending.subarray(0, nl);
      this.pending = this.pending.subarray(nl + 1);
      this.onLine(line.at(-1) === 0x0d ? line.subarray(0, -1) : line);
    }
  }
  flush(): void {
    if (this.pending.length) this.onLine(this.pending);
    this.pending = Buffer.alloc(0);
  }
}

let connected = false;
let leaving = false;

const socket = net.connect({ host, port, allowHalfOpen: true });
const replies = new ByteLines((line) => console.log(line.toString('utf8')));
const typed = new ByteLines((bytes) => {
  const line = bytes.toString('utf8');
  if (leaving || line.trim() === '') return;
  if (line === 'quit') return leave('quit\r\n');
  socket.write(line + '\r\n');
});

function leave(last: string): void {
  leaving = true;
  process.stdin.pause();
  socket.end(last); // FIN right behind our last line; we keep reading until the server closes
}

socket.on('connect', () => {
  connected = true;
  process.stdin.on('data', (chunk: Buffer) => typed.push(chunk));
  process.stdin.on('end', () => {
    typed.flush(); // a last typed line without \n is still sent
    if (!leaving) leave('');
  });
});
socket.on('data', (chunk: Buffer) => replies.push(chunk));
socket.on('end', () => {
  replies.flush();
  if (!leaving) console.log('connection closed by server');
  process.exit(0);
});
socket.on('error', (err: NodeJS.ErrnoException) => {
  console.error(`${connected ? 'lost the connection to' : 'cannot connect to'} ${host}:${port}: ${err.code === 'ECONNREFUSED' ? 'connection refused' : err.code ?? err.message}`);
  process.exit(1);
});

function options(): { host: string; port: number } {
  try {
    const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9002' } } });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be a number from 1 to 65535, not ${JSON.stringify(values.port)}`);
    return { host: values.host, port };
  } catch (err) {
    console.error(`usage: client.ts [--host HOST] [--port PORT]: ${(err as Error).message}`);
    process.exit(2);
  }
}
