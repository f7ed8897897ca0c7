// Lesson 03 client: every line you type is a command for the server; its output is printed exactly,
// byte for byte. `quit` or the end of input ends the session.
//
// For each command: send it, read the length line, answer `ready`, then read exactly that many
// bytes, however the stream cuts them into reads. Only then is the next command sent.

import net from 'node:net';
import readline from 'node:readline';
import { parseArgs } from 'node:util';

const MAX_SIZE_LINE = 32; // bytes: a length line longer than this is not a length

const { host, port } = options();

// TODO: connect with net.connect({ host, port, allowHalfOpen: true }). Keep what arrives as Buffers:
//       no setEncoding, the length counts bytes.
// TODO: once connected, read stdin line by line (readline.createInterface({ input: process.stdin })).
//       Skip empty lines; `quit` ends the input and is not sent. Send one command at a time: the next
//       only when the output of the previous one has arrived whole.
// TODO: after sending a command, collect bytes up to the "\n" of the length line (a "\r\n" is accepted).
//       Bytes after it, even in the same 'data' chunk, are already output. Send "ready\n".
// TODO: then write exactly that many bytes to stdout, unchanged: process.stdout.write(buffer), not
//       console.log (which adds a "\n") and not a decoded string.
// TODO: when input has ended and no output is pending, socket.end() and exit 0 once the server closes.
// TODO: on 'error', print one line to stderr: `cannot connect to HOST:PORT: REASON`, exit 1.
void net;
void readline;
void MAX_SIZE_LINE;
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
void reason;

function options(): { host: string; port: number } {
  try {
    const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9003' } } });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be a number from 1 to 65535, not ${JSON.stringify(values.port)}`);
    return { host: values.host, port };
  } catch (err) {
    console.error(`usage: client.ts [--host HOST] [--port PORT]: ${(err as Error).message}`);
    process.exit(2);
  }
}
