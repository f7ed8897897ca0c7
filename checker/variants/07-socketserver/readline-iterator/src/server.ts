// Variant service: the server class from a table, replies written without awaiting each one
// (the last write is awaited), logs with process.stdout.write, a signal ends the process at once.
import { parseArgs } from 'node:util';
import net from 'node:net';
import { StreamRequestHandler, TCPServer, ThreadingTCPServer } from './socketserver.ts';

const args = parseArgs({ options: { host: { type: 'string' }, port: { type: 'string' }, mode: { type: 'string' } } }).values;
const host = args.host ?? '127.0.0.1';
const port = Number(args.port ?? 9007);
const classes = { sequential: TCPServer, concurrent: ThreadingTCPServer } as const;
const mode = (args.mode ?? 'concurrent') as keyof typeof classes;
if (!(mode in classes)) {
  console.error(`usage: server.ts [--mode sequential|concurrent], not ${mode}`);
  process.exit(2);
}
const live = new Set<net.Socket>();

class Shout extends StreamRequestHandler {
  override setup() {
    live.add(this.request);
    process.stdout.write(`connected ${this.clientAddress[0]}:${this.clientAddress[1]}\n`);
    this.request.on('close', () => {
      live.delete(this.request);
      process.stdout.write(`disconnected ${this.clientAddress[0]}:${this.clientAddress[1]}\n`);
    });
  }
  override async handle() {
    for (let line = await this.readLine(); line !== null; line = await this.readLine()) {
      if (line === 'quit') return this.write('bye\n');
      await this.write(line.toUpperCase() + '\n');
    }
  }
}

const server = new classes[mode]([host, port], Shout);
try {
  await server.listen();
} catch (e) {
  console.error(`cannot listen on ${host}:${port}: ${(e as NodeJS.ErrnoException).code}`);
  process.exit(1);
}
console.log(`listening on ${server.serverAddress.join(':')}`);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    void server.serverClose();
    for (const s of live) s.destroy();
    process.exit(0);
  });
}
await server.serveForever();
