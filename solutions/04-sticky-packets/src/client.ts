// Lesson 04 client: a pipelining client. It sends every line of its input without waiting for
// replies, reads the replies as they come (however the bytes are cut), prints them in order, and
// exits 0 once it has one reply per line.

import net from 'node:net';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { LineSplitter, LineTooLongError, MAX_LINE_BYTES } from './lines.ts';

// A reply is "N " plus a message of up to 64 KiB.
const MAX_REPLY_BYTES = MAX_LINE_BYTES + 32;

const { host, port } = options();

let sent = 0; // lines written to the server
let received = 0; // replies printed
let inputEnded = false;
let connected = false;

const socket = net.connect({ host, port, allowHalfOpen: true });

const replies = new LineSplitter((reply) => {
  received += 1;
  console.log(reply);
  finishIfDone();
}, MAX_REPLY_BYTES);

socket.on('connect', () => {
  connected = true;
  const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  input.on('line', (line) => {
    sent += 1;
    // Never wait for the reply here: that is the lock-step client, one round trip per line.
    if (!socket.write(line + '\n')) {
      input.pause(); // backpressure: let the kernel take what we wrote before reading more input
      socket.once('drain', () => input.resume());
    }
  });
  input.on('close', () => {
    inputEnded = true;
    finishIfDone();
  });
});

socket.on('data', (chunk: Buffer) => {
  try {
    replies.push(chunk);
  } catch (err) {
    if (!(err instanceof LineTooLongError)) throw err;
    console.error(`the server sent a reply longer than ${MAX_REPLY_BYTES} bytes`);
    finish(1);
  }
});

socket.on('end', () => {
  replies.end();
  if (received < sent || !inputEnded) {
    console.error(`the server closed the connection after ${received} of ${sent} replies`);
    finish(1);
  }
});

socket.on('error', (err: NodeJS.ErrnoException) => {
  const what = connected ? 'lost the connection to' : 'cannot connect to';
  console.error(`${what} ${host}:${port}: ${reason(err)}`);
  finish(1);
});

/** Every line is sent and every reply printed: we are done. */
function finishIfDone(): void {
  if (inputEnded && received >= sent) finish(0);
}

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
    const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9004' } } });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be a number from 1 to 65535, not ${JSON.stringify(values.port)}`);
    return { host: values.host, port };
  } catch (err) {
    console.error(`usage: client.ts [--host HOST] [--port PORT]: ${(err as Error).message}`);
    process.exit(2);
  }
}
