// Variant: a client that sends its line as soon as the connection opens, before the greeting has
// arrived (the README's order is a choice, not a rule), reads lines with node:readline over the
// socket ('error' handled on the socket and the Interface) and prints with process.stdout.write.

import net from 'node:net';
import readline from 'node:readline';
import { parseArgs } from 'node:util';

const { host, port, message } = options();

let connected = false;
let failed = false;
const heard: string[] = [];

const socket = net.connect({ host, port }, () => {
  connected = true;
  socket.write(`${message}\n`); // not waiting for the greeting
});

const fail = (err: NodeJS.ErrnoException): void => {
  if (failed) return; // the socket and the Interface may both report the same error
  failed = true;
  const what = connected ? 'lost the connection to' : 'cannot connect to';
  process.stderr.write(`${what} ${host}:${port}: ${err.code ?? err.message}\n`);
  process.exit(1);
};
socket.on('error', fail);

const rl = readline.createInterface({ input: socket, crlfDelay: Infinity, terminal: false });
rl.on('error', fail);
rl.on('line', (line) => {
  if (heard.length >= 2) return;
  heard.push(line);
  process.stdout.write(`${line}\n`);
  if (heard.length === 2) socket.end();
});
rl.on('close', () => {
  if (failed) return;
  if (heard.length < 2) {
    process.stderr.write(`${host}:${port} closed the connection before ${heard.length === 0 ? 'greeting' : 'replying'}\n`);
    process.exitCode = 1;
  }
});

function options(): { host: string; port: number; message: string } {
  try {
    const { values, positionals } = parseArgs({
      options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9001' } },
      allowPositionals: true,
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be a number from 1 to 65535, not ${JSON.stringify(values.port)}`);
    const message = positionals.join(' ');
    if (message.length === 0) throw new Error('give a message to send');
    if (/[\r\n]/.test(message)) throw new Error('the message must be one line');
    return { host: values.host, port, message };
  } catch (err) {
    console.error(`usage: client.ts [--host HOST] [--port PORT] MESSAGE...: ${(err as Error).message}`);
    process.exit(2);
  }
}
