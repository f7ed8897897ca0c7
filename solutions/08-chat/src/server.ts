// Lesson 08 server: a group chat. Every line from any client goes to every connected client, the
// sender included, as `YYYY/MM/DD HH:MM:SS HOST:PORT\nLINE\n`. `quit` from a client removes it;
// `quit` on the server's own stdin, SIGINT or SIGTERM closes every client and the listener.
//
// Python's ChatServer needs a thread for accept() and a thread per client for recv(); here the
// event loop is all of them: 'connection' is accept(), 'data' is recv(), and nothing blocks.

import net from 'node:net';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { ChatRoom } from './room.ts';

const { host, port } = options();
const room = new ChatRoom();

const server = net.createServer((socket) => room.join(socket));

server.on('error', (err: NodeJS.ErrnoException) => {
  const why = err.code === 'EADDRINUSE' ? 'address already in use' : err.code === 'EACCES' ? 'permission denied' : err.message;
  console.error(`cannot listen on ${host}:${port}: ${why}`);
  process.exit(1);
});

server.listen(port, host, () => {
  const { address, port: actual } = server.address() as net.AddressInfo;
  console.log(`listening on ${address}:${actual}`);
});

/** Stops accepting, closes every client, exits 0. */
function shutdown(why: string): void {
  console.log(`shutting down (${why}), closing ${room.size} client(s)`);
  server.close();
  room.closeAll();
  process.exit(0);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => shutdown(signal));
}

// The operator's console: `quit` stops the server. The end of stdin is not `quit`: a server started
// with its input closed (in the background, by a service manager, by the checker) keeps serving.
const console_ = readline.createInterface({ input: process.stdin, terminal: false });
console_.on('line', (line) => {
  const command = line.trim();
  if (command === 'quit') shutdown('quit on stdin');
  else if (command !== '') console.error(`unknown command ${JSON.stringify(command)}: the only one is quit`);
});
process.stdin.on('error', () => {}); // a stdin that cannot be read is no reason to stop serving

function options(): { host: string; port: number } {
  try {
    const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9008' } } });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not ${JSON.stringify(values.port)}`);
    return { host: values.host, port };
  } catch (err) {
    console.error(`usage: server.ts [--host HOST] [--port PORT]: ${(err as Error).message}`);
    process.exit(2);
  }
}
