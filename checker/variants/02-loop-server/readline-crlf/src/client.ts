// Variant: node:readline over both stdin and the socket ('error' handled on the socket and on its
// Interface), replies printed with process.stdout.write, and after `quit` the client half-closes
// and exits 0 as soon as its bytes are out, without waiting for (or printing) `bye`.

import net from 'node:net';
import readline from 'node:readline';
import { parseArgs } from 'node:util';

const { host, port } = options();

let connected = false;
let leaving = false; // quit sent or input ended: the server's close is expected
let failed = false;

const socket = net.connect({ host, port, allowHalfOpen: true });

const fail = (err: NodeJS.ErrnoException): void => {
  if (failed) return; // the socket and its Interface report the same error
  failed = true;
  process.stderr.write(`${connected ? 'lost the connection to' : 'cannot connect to'} ${host}:${port}: ${err.code ?? err.message}\n`);
  process.exit(1);
};
socket.on('error', fail);

const replies = readline.createInterface({ input: socket, crlfDelay: Infinity, terminal: false });
replies.on('error', fail);
replies.on('line', (line) => process.stdout.write(`${line}\n`));
replies.on('close', () => {
  if (failed) return;
  if (!leaving) process.stdout.write('connection closed by server\n');
  process.exit(0);
});

socket.on('connect', () => {
  connected = true;
  const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  input.on('line', (line) => {
    if (leaving || line.trim() === '') return;
    if (line === 'quit') {
      leaving = true;
      input.close();
      socket.end('quit\n', () => process.exit(0)); // our FIN follows quit; bye need not be awaited
      return;
    }
    socket.write(line + '\n');
  });
  input.on('close', () => {
    if (leaving) return;
    leaving = true;
    socket.end(); // half-close: the replies still come, and the server's close ends us
  });
});

function options(): { host: string; port: number } {
  try {
    const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9002' } } });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be a number from 1 to 65535, not ${JSON.stringify(values.port)}`);
    return { host: values.host, port };
  } catch (err) {
    console.error(`usage: client.ts [--host HOST] [--port PORT]: ${(err as Error).message}`);
    process.exit(2);
  }
}
