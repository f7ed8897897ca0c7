// Variant: a server that ends its length line with \r\n and writes big outputs in 16 KiB pieces,
// waiting for 'drain' whenever the socket asks it to.

import net from 'node:net';
import { parseArgs } from 'node:util';
import { runCommand, type RunningCommand } from './command.ts';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '9003' },
    timeout: { type: 'string', default: '10' },
    'max-output': { type: 'string', default: String(8 << 20) },
  },
});
const limits = { timeoutMs: Number(values.timeout) * 1000, timeoutText: values.timeout, maxOutput: Number(values['max-output']) };
const open = new Set<net.Socket>();
const live = new Set<RunningCommand>();

async function writeInPieces(socket: net.Socket, data: Buffer): Promise<void> {
  for (let at = 0; at < data.length && !socket.destroyed; at += 16 * 1024) {
    if (!socket.write(data.subarray(at, at + 16 * 1024))) await new Promise((r) => socket.once('drain', r));
  }
}

const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  open.add(socket);
  let input = '';
  let phase: 'cmd' | 'run' | 'ack' | 'send' = 'cmd';
  let out: Buffer = Buffer.alloc(0);
  let job: RunningCommand | undefined;
  socket.setEncoding('latin1'); // one byte, one char: lines are cut on bytes, decoded as UTF-8 after
  socket.on('error', () => {});
  socket.on('close', () => {
    open.delete(socket);
    job?.kill();
  });
  const step = (): void => {
    for (;;) {
      if (phase === 'run' || phase === 'send') return;
      const nl = input.indexOf('\n');
      if (nl < 0) return;
      const line = Buffer.from(input.slice(0, nl), 'latin1').toString('utf8').replace(/\r$/, '');
      input = input.slice(nl + 1);
      if (phase === 'ack') {
        if (line !== 'ready') return void socket.destroy();
        phase = 'send';
        void writeInPieces(socket, out).then(() => {
          phase = 'cmd';
          step();
        });
        return;
      }
      phase = 'run';
      const j = runCommand(line, limits);
      job = j;
      live.add(j);
      void j.output.then((o) => {
        live.delete(j);
        job = undefined;
        out = o;
        phase = 'ack';
        if (!socket.destroyed) socket.write(`${o.length}\r\n`);
        step();
      });
    }
  };
  socket.on('data', (t: string) => {
    input += t;
    step();
  });
  socket.on('end', () => {
    if (phase === 'cmd') socket.end();
  });
});
server.on('error', (e: NodeJS.ErrnoException) => {
  console.error(`cannot listen on ${values.host}:${values.port}: ${e.code ?? e.message}`);
  process.exit(1);
});
server.listen(Number(values.port), values.host, () => {
  const a = server.address() as net.AddressInfo;
  console.log(`listening on ${a.address}:${a.port}`);
});
const stop = (): void => {
  for (const j of live) j.kill();
  for (const s of open) s.destroy();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop); // Ctrl-C too: the contract names both

