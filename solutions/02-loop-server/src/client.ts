// Lesson 02 client: every non-empty line you type goes to the server; every reply is printed.
// `quit` or end of input ends the conversation; a server that closes first is reported.

import net from 'node:net';
import readline from 'node:readline';
import { parseArgs } from 'node:util';

const { host, port } = options();

const socket = net.connect({ host, port, allowHalfOpen: true });
let connected = false;
let leaving = false; // we said quit or our input ended: the server closing is expected
let buffered = '';

socket.setEncoding('utf8');

socket.on('connect', () => {
  connected = true;
  const input = readline.createInterface({ input: process.stdin, terminal: false });
  input.on('line', (raw) => {
    if (leaving) return;
    const line = raw.replace(/\r$/, '');
    // An empty message is never sent: in Python send(b'') sends nothing, and the client would then
    // wait forever for a reply to it. Here it would be a pointless empty line.
    if (line.trim().length === 0) return;
    socket.write(line + '\n');
    if (line === 'quit') {
      leaving = true;
      input.close();
    }
  });
  input.on('close', () => {
    // End of input: half-close. We stop sending but keep reading until the server has answered everything.
    leaving = true;
    if (!socket.destroyed) socket.end();
  });
});

socket.on('data', (text: string) => {
  buffered += text;
  let nl: number;
  while ((nl = buffered.indexOf('\n')) >= 0) {
    console.log(buffered.slice(0, nl).replace(/\r$/, ''));
    buffered = buffered.slice(nl + 1);
  }
});

socket.on('end', () => {
  if (buffered.length > 0) console.log(buffered); // a last line without \n still counts
  buffered = '';
  if (!leaving) console.log('connection closed by server');
  finish(0);
});

socket.on('error', (err: NodeJS.ErrnoException) => {
  const what = connected ? 'lost the connection to' : 'cannot connect to';
  console.error(`${what} ${host}:${port}: ${reason(err)}`);
  finish(1);
});

function finish(code: number): void {
  process.exitCode = code;
  socket.destroy();
  process.stdin.destroy(); // stop reading the terminal, so the process can end
}

function reason(err: NodeJS.ErrnoException): string {
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused (is the server running?)',
    ECONNRESET: 'connection reset by the server',
    ETIMEDOUT: 'timed out',
    EHOSTUNREACH: 'host unreachable',
    ENOTFOUND: 'no such host',
  };
  return (err.code && known[err.code]) ?? err.message;
}

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
