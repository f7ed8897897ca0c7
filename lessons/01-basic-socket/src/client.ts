// Lesson 01 client: connect, print the greeting, send the message as one line, print the reply.
//
// Python's connect() blocks; Node's net.connect() returns at once and says 'connect' or 'error' later.

import net from 'node:net';
import { parseArgs } from 'node:util';

const { host, port, message } = options();

// TODO: connect with net.connect({ host, port }) and decode with socket.setEncoding('utf8').
// TODO: collect 'data' into lines. Print the first line (the greeting), then send `message + "\n"`;
//       print the second line (the reply), then end the connection. A line may arrive in many chunks.
// TODO: on 'error', print one line to stderr: `cannot connect to HOST:PORT: REASON` (see reason() below)
//       and exit with code 1.
console.error(`not written yet: connect to ${host}:${port} and send ${JSON.stringify(message)}`);

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
