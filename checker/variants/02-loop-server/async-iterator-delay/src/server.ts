// Variant: a class per connection that reads with `for await (const chunk of socket.iterator(...))`
// and one StringDecoder, answers each line after a short random delay (20-80 ms, order kept), ends a
// conversation after quit with socket.destroySoon(), and logs server.getConnections() on stdout too.

import net from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

const MAX_LINE = 64 * 1024;
const IDLE_MS = 5 * 60_000;

const { host, port } = options();

class Conversation {
  static readonly open = new Set<Conversation>();
  private readonly peer: string;
  private done = false; // quit or a too-long line: the rest is read and dropped

  constructor(private readonly socket: net.Socket) {
    this.peer = `${socket.remoteAddress}:${socket.remotePort}`;
  }

  async run(): Promise<void> {
    const { socket, peer } = this;
    Conversation.open.add(this);
    console.log(`connected ${peer}`);
    socket.on('error', (err: NodeJS.ErrnoException) => console.error(`${peer} error ${err.code ?? err.message}`));
    socket.on('close', () => {
      Conversation.open.delete(this);
      console.log(`disconnected ${peer}`);
    });
    socket.setTimeout(IDLE_MS, () => socket.destroy());

    const decoder = new StringDecoder('utf8');
    let text = '';
    try {
      // destroyOnReturn: false, because a plain `for await (... of socket)` destroys the socket when
      // the loop ends, and it ends at the client's FIN, before the last replies are out.
      // Awaiting inside the loop is the backpressure: nothing more is read while we answer.
      for await (const chunk of socket.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
        if (this.done) continue;
        text += decoder.write(chunk);
        let nl: number;
        while (!this.done && (nl = text.indexOf('\n')) >= 0) {
          const line = text.slice(0, nl);
          text = text.slice(nl + 1);
          await this.answer(line);
        }
        if (!this.done && Buffer.byteLength(text) > MAX_LINE) this.close('error line too long\n');
      }
      text += decoder.end();
      if (!this.done && text.length > 0) await this.answer(text); // a last line without \n counts
      if (!this.done) socket.end();
    } catch (err) {
      // destroySoon() or a reset ending the stream under the iterator; the 'error' listener logged a reset
      if ((err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') socket.destroy();
    }
  }

  private async answer(raw: string): Promise<void> {
    const line = raw.replace(/\r$/, '');
    if (Buffer.byteLength(line) > MAX_LINE) return this.close('error line too long\n');
    await sleep(20 + Math.floor(Math.random() * 60));
    if (this.socket.destroyed) return;
    if (line === 'quit') return this.close('bye\n');
    this.socket.write(line.toUpperCase() + '\n');
  }

  private close(last: string): void {
    this.done = true;
    this.socket.write(last);
    this.socket.destroySoon(); // FIN after the last byte, then the socket is destroyed
  }

  destroy(): void {
    this.socket.destroy();
  }
}

const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  void new Conversation(socket).run();
  server.getConnections((err, n) => {
    if (!err) console.log(`${n} client(s) connected`);
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
    for (const c of Conversation.open) c.destroy();
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
