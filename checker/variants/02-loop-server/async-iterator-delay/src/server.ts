// Variant: a class per connection that reads with `for await (const chunk of socket.iterator(...))`
// and one StringDecoder, answers the lines of each read after a short random delay (20-80 ms, order
// kept), ends a conversation after quit with socket.destroySoon(), logs server.getConnections().

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
      for await (const chunk of socket.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
        if (this.done) continue;
        text += decoder.write(chunk);
        const lines = text.split('\n');
        text = lines.pop() ?? '';
        if (lines.length > 0) await this.answer(lines);
        // Backpressure: replies piling up unread stop the reading until they have drained.
        if (socket.writableNeedDrain) await drained(socket);
        if (!this.done && Buffer.byteLength(text) > MAX_LINE) this.close('error line too long\n');
      }
      text += decoder.end();
      if (!this.done && text.length > 0) await this.answer([text]); // a last line without \n counts
      if (!this.done) socket.end();
    } catch (err) {
      // destroySoon() or a reset ending the stream under the iterator; the 'error' listener logged a reset
      if ((err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') socket.destroy();
    }
  }

  /** Answers the complete lines of one read, after one short pause, each reply its own write. */
  private async answer(lines: string[]): Promise<void> {
    await sleep(20 + Math.floor(Math.random() * 60));
    for (const raw of lines) {
      if (this.done || this.socket.destroyed) return;
      const line = raw.replace(/\r$/, '');
      if (Buffer.byteLength(line) > MAX_LINE) this.close('error line too long\n');
      else if (line === 'quit') this.close('bye\n');
      else this.socket.write(line.toUpperCase() + '\n');
    }
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

/** Resolves on 'drain' or 'close', whichever comes first, leaving no listener behind. */
function drained(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
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
