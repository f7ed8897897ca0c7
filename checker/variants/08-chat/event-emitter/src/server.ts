// Variant of lesson 08's server: the room is an EventEmitter. Each member listens for 'message' and
// writes it to its own socket (and leaves when too far behind); each connection's lines come from a
// Transform splitter read with for await. stdin and signals as in the solution.

import { EventEmitter } from 'node:events';
import net from 'node:net';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { Lines, TooLong } from './line-stream.ts';

const room = new EventEmitter();
room.setMaxListeners(0);
const sockets = new Set<net.Socket>();

const pad = (n: number) => String(n).padStart(2, '0');
function header(from: string): string {
  const t = new Date();
  return `${t.getFullYear()}/${pad(t.getMonth() + 1)}/${pad(t.getDate())} ${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())} ${from}`;
}

async function member(socket: net.Socket): Promise<void> {
  const me = `${socket.remoteAddress}:${socket.remotePort}`;
  sockets.add(socket);
  let inRoom = true;
  const hear = (message: Buffer) => {
    socket.write(message);
    if (socket.writableLength > 1_048_576) {
      leave();
      socket.destroy();
    }
  };
  const leave = () => {
    if (!inRoom) return;
    inRoom = false;
    room.off('message', hear);
    console.log(`${me} quits`);
  };
  room.on('message', hear);
  const lines = new Lines(65_536);
  socket.on('close', () => {
    sockets.delete(socket);
    leave();
    if (!lines.writableEnded) lines.end(); // a reset ends the loop below too
  });
  socket.on('error', (e: NodeJS.ErrnoException) => console.error(`${me} ${e.code ?? e.message}`));

  socket.pipe(lines);
  socket.on('end', leave); // before the last line comes out of the splitter
  try {
    for await (const line of lines as AsyncIterable<string>) {
      if (line === 'quit') {
        leave();
        socket.end();
        socket.unpipe(lines);
        return;
      }
      if (line) room.emit('message', Buffer.from(`${header(me)}\n${line}\n`));
    }
  } catch (err) {
    if (!(err instanceof TooLong)) throw err;
    leave();
    socket.unpipe(lines);
    socket.end('error line too long\n');
    setTimeout(() => socket.destroy(), 500).unref();
  }
}

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9008' } } });
const server = net.createServer((s) => void member(s).catch((e: Error) => console.error(e.message)));
server.on('error', (e: NodeJS.ErrnoException) => {
  console.error(`cannot listen on ${values.host}:${values.port}: ${e.code}`);
  process.exitCode = 1;
});
server.listen(Number(values.port), values.host, () => {
  const a = server.address() as net.AddressInfo;
  console.log(`listening on ${a.address}:${a.port}`);
});

const stop = () => {
  server.close();
  for (const s of sockets) s.destroy();
  process.exit(0);
};
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, stop);
readline.createInterface({ input: process.stdin }).on('line', (l) => l.trim() === 'quit' && stop());
