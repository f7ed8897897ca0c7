// Lesson 08 client: joins the chat, says `I'm ready.`, sends every line you type, and prints every
// message as it arrives, also while you are not typing. `quit` or the end of your input leaves.
//
// Python's ChatClient needs a second thread, because input() and recv() both block. Here neither
// blocks: stdin lines and socket data are two event sources in one loop.

import net from 'node:net';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { LineSplitter, LineTooLongError, MAX_LINE_BYTES } from './lines.ts';

/** After quit, how long we wait for the server to close before we leave anyway. */
const QUIT_GRACE_MS = 2_000;

const { host, port } = options();

const socket = net.connect({ host, port, allowHalfOpen: true });
let connected = false;
let leaving = false; // we said quit or our input ended: the server closing is expected

// A message is two lines (the stamp and sender, then the text); each is printed as it completes.
const splitter = new LineSplitter((line) => console.log(line), MAX_LINE_BYTES + 64);

socket.on('connect', () => {
  connected = true;
  socket.write("I'm ready.\n");
  const input = readline.createInterface({ input: process.stdin, terminal: false });
  input.on('line', (raw) => {
    if (leaving) return;
    const line = raw.replace(/\r$/, '');
    if (line.trim().length === 0) return; // an empty message is never sent
    socket.write(line + '\n');
    if (line === 'quit') {
      leaving = true;
      input.close();
      setTimeout(() => finish(0), QUIT_GRACE_MS).unref(); // a server that never closes cannot keep us
    }
  });
  input.on('close', () => {
    // End of input: half-close. The server removes us and closes; what arrives meanwhile is printed.
    leaving = true;
    if (!socket.destroyed && !socket.writableEnded) socket.end();
  });
});

socket.on('data', (chunk: Buffer) => {
  try {
    splitter.push(chunk);
  } catch (err) {
    if (!(err instanceof LineTooLongError)) throw err;
    console.error(`the server sent a line over ${err.limit} bytes; leaving`);
    finish(1);
  }
});

socket.on('end', () => {
  splitter.end();
  if (!leaving) console.log('connection closed by server');
  finish(0);
});

socket.on('error', (err: NodeJS.ErrnoException) => {
  const what = connected ? 'lost the connection to' : 'cannot connect to';
  console.error(`${what} ${host}:${port}: ${reason(err)}`);
  finish(1);
});

function finish(code: number): void {
  if (process.exitCode === undefined) process.exitCode = code;
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
    const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9008' } } });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be a number from 1 to 65535, not ${JSON.stringify(values.port)}`);
    return { host: values.host, port };
  } catch (err) {
    console.error(`usage: client.ts [--host HOST] [--port PORT]: ${(err as Error).message}`);
    process.exit(2);
  }
}
