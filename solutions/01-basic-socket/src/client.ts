// Lesson 01 client: connect, print the greeting, send the message as one line, print the reply.
//
// Python's connect() blocks; Node's net.connect() returns at once and says 'connect' or 'error' later.

import net from 'node:net';
import { parseArgs } from 'node:util';

const { host, port, message } = options();

const socket = net.connect({ host, port });
let connected = false;
let buffered = '';
const lines: string[] = []; // greeting, then reply

socket.setEncoding('utf8');

socket.on('connect', () => {
  connected = true;
});

socket.on('data', (text: string) => {
  buffered += text;
  let nl: number;
  while ((nl = buffered.indexOf('\n')) >= 0) {
    gotLine(buffered.slice(0, nl).replace(/\r$/, ''));
    buffered = buffered.slice(nl + 1);
  }
});

socket.on('end', () => {
  if (buffered.length > 0) gotLine(buffered); // a last line without \n still counts
  buffered = '';
  if (lines.length < 2) {
    console.error(`${host}:${port} closed the connection before ${lines.length === 0 ? 'greeting' : 'replying'}`);
    process.exitCode = 1;
  }
});

// connect_ex() returns an error number; Node reports the same errno as an 'error' event.
socket.on('error', (err: NodeJS.ErrnoException) => {
  const what = connected ? 'lost the connection to' : 'cannot connect to';
  console.error(`${what} ${host}:${port}: ${reason(err)}`);
  process.exit(1);
});

function gotLine(line: string): void {
  lines.push(line);
  console.log(line);
  if (lines.length === 1) socket.write(message + '\n');
  else if (lines.length === 2) socket.end();
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
