// Lesson 02 client: every non-empty line you type goes to the server; every reply is printed.
// `quit` or end of input ends the conversation; a server that closes first is reported.

import net from 'node:net';
import readline from 'node:readline';
import { parseArgs } from 'node:util';

const { host, port } = options();

// TODO: connect with net.connect({ host, port, allowHalfOpen: true }) and decode with setEncoding('utf8').
// TODO: once connected, read stdin line by line (readline.createInterface({ input: process.stdin })).
//       Send each line that is not empty plus "\n"; after `quit`, stop reading stdin.
// TODO: when stdin ends, half-close with socket.end() and keep printing replies until the server closes.
// TODO: print every reply line as it completes. When the server closes first (you did not send quit and
//       stdin has not ended), print `connection closed by server`. Exit 0.
// TODO: on 'error', print one line to stderr: `cannot connect to HOST:PORT: REASON`, exit 1.
void readline;
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
    const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9002' } } });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be a number from 1 to 65535, not ${JSON.stringify(values.port)}`);
    return { host: values.host, port };
  } catch (err) {
    console.error(`usage: client.ts [--host HOST] [--port PORT]: ${(err as Error).message}`);
    process.exit(2);
  }
}
