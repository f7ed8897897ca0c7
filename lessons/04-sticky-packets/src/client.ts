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

// TODO: connect with net.connect({ host, port, allowHalfOpen: true }).
// TODO: once connected, read stdin line by line (readline.createInterface({ input: process.stdin,
//       crlfDelay: Infinity })) and write each line plus "\n" at once. Do not wait for its reply
//       before sending the next line: count the lines you sent instead.
// TODO: push every 'data' chunk into a LineSplitter(onReply, MAX_REPLY_BYTES). Print each reply
//       with console.log as it completes and count it.
// TODO: when stdin has ended and you have one reply per line, exit 0: socket.destroy(), and let the
//       process end (the server does not have to close first).
// TODO: on 'error', print one line to stderr: `cannot connect to HOST:PORT: REASON`, exit 1.
void readline;
void LineSplitter;
void LineTooLongError;
void MAX_REPLY_BYTES;
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
    const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9004' } } });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be a number from 1 to 65535, not ${JSON.stringify(values.port)}`);
    return { host: values.host, port };
  } catch (err) {
    console.error(`usage: client.ts [--host HOST] [--port PORT]: ${(err as Error).message}`);
    process.exit(2);
  }
}
