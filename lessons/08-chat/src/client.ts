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

// TODO: connect with net.connect({ host, port, allowHalfOpen: true }).
// TODO: once connected, write "I'm ready.\n" first. Then read stdin line by line
//       (readline.createInterface({ input: process.stdin, terminal: false })) and send each line that
//       is not empty plus "\n". After `quit`, stop reading stdin; the server closes, and you exit 0.
// TODO: when stdin ends, half-close with socket.end(); the server removes you and closes.
// TODO: push every 'data' chunk into a LineSplitter((line) => console.log(line), MAX_LINE_BYTES + 64):
//       print every line as it arrives, also while nobody types. On 'end' print what is left
//       (splitter.end()), then `connection closed by server` unless you were leaving, and exit 0.
// TODO: on 'error', print one line to stderr: `cannot connect to HOST:PORT: REASON`, exit 1.
void readline;
void LineSplitter;
void LineTooLongError;
void MAX_LINE_BYTES;
void QUIT_GRACE_MS;
console.error(`not written yet: connect to ${host}:${port}`);

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
