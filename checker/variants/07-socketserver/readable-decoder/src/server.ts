// Variant service: a while loop over readLine(), logs in setup() and finish(), no line limit of its own.
import { parseArgs } from 'node:util';
import type net from 'node:net';
import { StreamRequestHandler, TCPServer, ThreadingTCPServer } from './socketserver.ts';

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9007' }, mode: { type: 'string', default: 'concurrent' } } });
const host = values.host;
const port = Number(values.port);
const sockets = new Set<net.Socket>();

class Upper extends StreamRequestHandler {
  private get who(): string {
    return this.clientAddress.join(':');
  }
  override setup(): void {
    sockets.add(this.request);
    console.log(`connected ${this.who}`);
  }
  override async handle(): Promise<void> {
    let line: string | null;
    while ((line = await this.readLine()) !== null) {
      if (line === 'quit') {
        await this.write('bye\n');
        break;
      }
      await this.write(`${line.toUpperCase()}\n`);
    }
  }
  override finish(): void {
    sockets.delete(this.request);
    console.log(`disconnected ${this.who}`);
  }
}

const Server = values.mode === 'sequential' ? TCPServer : ThreadingTCPServer;
const server = new Server([host, port], Upper);
server.listen().then(
  () => {
    console.log(`listening on ${server.serverAddress[0]}:${server.serverAddress[1]}`);
    void server.serveForever();
  },
  (err: NodeJS.ErrnoException) => {
    console.error(`cannot listen on ${host}:${port}: ${err.code === 'EADDRINUSE' ? 'address already in use' : err.message}`);
    process.exit(1);
  },
);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    for (const s of sockets) s.destroy();
    process.exit(0);
  });
}
