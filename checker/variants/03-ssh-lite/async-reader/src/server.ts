// Variant: the server as one async loop per connection, read like Python's blocking code.

import net from 'node:net';
import { parseArgs } from 'node:util';
import { runCommand, type RunningCommand } from './command.ts';
import { ByteReader } from './byte-reader.ts';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '9003' },
    timeout: { type: 'string', default: '10' },
    'max-output': { type: 'string', default: '8388608' },
  },
});
const host = values.host;
const port = Number(values.port);
const limits = { timeoutMs: Number(values.timeout) * 1000, timeoutText: values.timeout, maxOutput: Number(values['max-output']) };
const sockets = new Set<net.Socket>();
const commands = new Set<RunningCommand>();

async function session(socket: net.Socket): Promise<void> {
  const reader = new ByteReader(socket);
  for (;;) {
    const line = await reader.readLine();
    if (line === null) return;
    const cmd = runCommand(line.toString('utf8'), limits);
    commands.add(cmd);
    socket.once('close', () => cmd.kill());
    const output = await cmd.output;
    commands.delete(cmd);
    if (socket.destroyed) return;
    socket.write(`${output.length}\n`);
    const ack = await reader.readLine();
    if (ack === null || ack.toString() !== 'ready') return;
    if (!socket.write(output)) await new Promise((r) => socket.once('drain', r));
  }
}

const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  sockets.add(socket);
  socket.on('error', () => {});
  socket.on('close', () => sockets.delete(socket));
  void session(socket).finally(() => socket.end());
});
server.on('error', (err: NodeJS.ErrnoException) => {
  console.error(`cannot listen on ${host}:${port}: ${err.code === 'EADDRINUSE' ? 'address already in use' : err.message}`);
  process.exit(1);
});
server.listen(port, host, () => {
  const a = server.address() as net.AddressInfo;
  console.log(`listening on ${a.address}:${a.port}`);
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    for (const c of commands) c.kill();
    for (const s of sockets) s.destroy();
    process.exit(0);
  });
}
