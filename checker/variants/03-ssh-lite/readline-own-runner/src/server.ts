// Variant: lines read with node:readline over the socket, taken one by one from its async iterator.

import net from 'node:net';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { runCommand, type RunningCommand } from './command.ts';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '9003' },
    timeout: { type: 'string', default: '10' },
    'max-output': { type: 'string', default: `${8 * 1024 * 1024}` },
  },
});
const limits = { timeoutMs: Number(values.timeout) * 1000, timeoutText: values.timeout, maxOutput: Number(values['max-output']) };
const clients = new Set<net.Socket>();
const jobs = new Set<RunningCommand>();

const server = net.createServer({ allowHalfOpen: true }, async (socket) => {
  clients.add(socket);
  socket.on('error', (e) => console.error(`client error ${e.message}`));
  const lines = readline.createInterface({ input: socket, crlfDelay: Infinity })[Symbol.asyncIterator]();
  let job: RunningCommand | undefined;
  socket.on('close', () => {
    clients.delete(socket);
    job?.kill();
  });
  try {
    for (;;) {
      const cmd = await lines.next();
      if (cmd.done) break;
      job = runCommand(cmd.value, limits);
      jobs.add(job);
      const out = await job.output;
      jobs.delete(job);
      job = undefined;
      socket.write(`${out.byteLength}\n`);
      const ack = await lines.next();
      if (ack.done || ack.value !== 'ready') break;
      socket.write(out);
    }
  } finally {
    socket.end();
  }
});
server.on('error', (e: NodeJS.ErrnoException) => {
  console.error(`cannot listen on ${values.host}:${values.port}: ${e.code}`);
  process.exitCode = 1;
});
server.listen({ port: Number(values.port), host: values.host }, () => {
  const { address, port } = server.address() as net.AddressInfo;
  console.log(`listening on ${address}:${port}`);
});
for (const s of ['SIGINT', 'SIGTERM'] as const) {
  process.on(s, () => {
    for (const j of jobs) j.kill();
    for (const c of clients) c.destroy();
    server.close();
    process.exit(0);
  });
}
