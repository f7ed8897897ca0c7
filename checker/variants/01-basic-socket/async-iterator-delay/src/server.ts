// Variant: a class per connection that reads with `for await (const chunk of socket)` and one
// StringDecoder, answers after a short random delay (20-80 ms), closes with socket.destroySoon(),
// and logs server.getConnections() on stdout (extra log lines are the server's own business).

import net from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

const GREETING = '欢迎 welcome\n';
const MAX_LINE = 64 * 1024;
const IDLE_MS = 30_000;

const { host, port } = options();

class Conversation {
  static readonly open = new Set<Conversation>();
  private readonly peer: string;
  private answered = false;

  constructor(private readonly socket: net.Socket) {
    this.peer = `${socket.remoteAddress}:${socket.remotePort}`;
  }

  async run(): Promise<void> {
    Conversation.open.add(this);
    const { socket } = this;
    // The iterator reports errors while it runs; this listener also covers the time after it.
    socket.on('error', (err: NodeJS.ErrnoException) => console.error(`${this.peer} error ${err.code ?? err.message}`));
    socket.on('close', () => Conversation.open.delete(this));
    socket.setTimeout(IDLE_MS, () => socket.destroy());
    socket.write(GREETING);

    const decoder = new StringDecoder('utf8');
    let text = '';
    try {
      // Plain `for await (... of socket)` destroys the socket when the loop ends, which is when the
      // client half-closes: the reply would be lost. destroyOnReturn: false keeps it writable.
      for await (const chunk of socket.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
        if (this.answered) continue; // one line per connection: the rest is read and dropped
        text += decoder.write(chunk);
        const nl = text.indexOf('\n');
        const first = nl >= 0 ? text.slice(0, nl) : text;
        if (Buffer.byteLength(first) > MAX_LINE) this.reply('error line too long\n');
        else if (nl >= 0) this.reply(first.replace(/\r$/, '').toUpperCase() + '\n');
      }
      // The client ended its side: what came before its FIN is its line, if anything came at all.
      text += decoder.end();
      if (!this.answered) this.reply(text.length > 0 ? text.toUpperCase() + '\n' : '');
    } catch (err) {
      // destroySoon() ending the stream under the iterator is a premature close, not a problem.
      if ((err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') socket.destroy();
    }
  }

  private reply(text: string): void {
    this.answered = true;
    void sleep(20 + Math.floor(Math.random() * 60)).then(() => {
      if (this.socket.destroyed) return;
      if (text) this.socket.write(text);
      this.socket.destroySoon(); // end, then destroy once everything is flushed
    });
  }

  destroy(): void {
    this.socket.destroy();
  }
}

const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  void new Conversation(socket).run();
  server.getConnections((err, n) => {
    if (!err) console.log(`open connections: ${n}`);
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
    const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9001' } } });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not ${JSON.stringify(values.port)}`);
    return { host: values.host, port };
  } catch (err) {
    console.error(`usage: server.ts [--host HOST] [--port PORT]: ${(err as Error).message}`);
    process.exit(2);
  }
}
