// Variant of lesson 08's client: the socket read with for await and a StringDecoder, stdin with
// readline; it sends quit and waits for the server to close.

import net from 'node:net';
import readline from 'node:readline';
import { StringDecoder } from 'node:string_decoder';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9008' } } });
const host = values.host;
const port = Number(values.port);

const socket = net.connect({ host, port, allowHalfOpen: true });
try {
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
} catch (err) {
  console.error(`cannot connect to ${host}:${port}: ${(err as NodeJS.ErrnoException).code}`);
  process.exit(1);
}

socket.write("I'm ready.\n");
const input = readline.createInterface({ input: process.stdin });
let quitting = false;
input.on('line', (line) => {
  if (quitting || line.trim() === '') return;
  socket.write(`${line}\n`);
  if (line === 'quit') {
    quitting = true;
    input.close();
  }
});
input.on('close', () => {
  if (!quitting) socket.end();
});

const decoder = new StringDecoder('utf8');
let buffered = '';
try {
  for await (const chunk of socket) {
    buffered += decoder.write(chunk as Buffer);
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      console.log(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
    }
  }
  buffered += decoder.end();
  if (buffered) console.log(buffered);
} catch (err) {
  console.error(`lost ${host}:${port}: ${(err as Error).message}`);
  process.exitCode = 1;
}
input.close();
process.stdin.destroy();
socket.destroy();
