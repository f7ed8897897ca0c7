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

/**
 * `idle`: no command is waiting for its output. `size`: a command was sent; reading its length line.
 * `body`: `ready` was sent; `remaining` bytes of output are still to come.
 */
let state: 'idle' | 'size' | 'body' = 'idle';
let remaining = 0;
let buffered: Buffer = Buffer.alloc(0); // bytes received and not yet used
const commands: string[] = []; // typed, not sent yet: one command at a time is on the wire
let inputDone = false; // quit was typed, or stdin ended
let connected = false;

const socket = net.connect({ host, port, allowHalfOpen: true });

socket.on('connect', () => {
  connected = true;
  const input = readline.createInterface({ input: process.stdin, terminal: false });
  input.on('line', (raw) => {
    if (inputDone) return;
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return; // an empty command would only waste a shell (and a round trip)
    if (line === 'quit') {
      input.close(); // quit is not a command: it is never sent
      return;
    }
    commands.push(line);
    sendNext();
  });
  input.on('close', () => {
    inputDone = true;
    sendNext();
  });
});

/** Sends the next command when the previous one's output is complete; ends the session when none is left. */
function sendNext(): void {
  if (state !== 'idle' || socket.destroyed) return;
  const command = commands.shift();
  if (command !== undefined) {
    state = 'size';
    socket.write(command + '\n');
  } else if (inputDone) {
    socket.end(); // nothing more to ask: half-close, and leave when the server closes
  }
}

socket.on('data', (chunk: Buffer) => {
  buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
  consume();
});

/** Uses as many of the received bytes as the state allows: the stream has no message boundaries. */
function consume(): void {
  for (;;) {
    if (state === 'size') {
      const nl = buffered.indexOf(0x0a);
      if (nl < 0) {
        if (buffered.length > MAX_SIZE_LINE) fail(`the server sent ${buffered.length} bytes without a length line`);
        return; // the length line is not complete yet
      }
      const text = buffered.subarray(0, nl).toString('latin1').replace(/\r$/, '');
      buffered = buffered.subarray(nl + 1); // what follows (if it came in the same read) is output
      if (!/^\d+$/.test(text)) return fail(`the server sent ${JSON.stringify(text)} where a length was expected`);
      remaining = Number(text);
      state = 'body';
      socket.write('ready\n');
    } else if (state === 'body') {
      if (buffered.length === 0) return;
      const piece = buffered.subarray(0, remaining);
      buffered = buffered.subarray(piece.length);
      remaining -= piece.length;
      // The output bytes exactly, not decoded: a character split between two reads is not our business.
      // Backpressure: if stdout is slower than the network, stop reading the socket until it drains.
      if (!process.stdout.write(piece)) {
        socket.pause();
        process.stdout.once('drain', () => socket.resume());
      }
      if (remaining > 0) return;
      state = 'idle';
      sendNext();
    } else {
      if (buffered.length > 0) fail(`the server sent ${buffered.length} bytes nobody asked for`);
      return;
    }
  }
}

socket.on('end', () => {
  if (state !== 'idle') {
    console.error(`connection closed by server before the output was complete`);
    return finish(1);
  }
  if (!inputDone) console.error('connection closed by server');
  finish(0);
});

socket.on('error', (err: NodeJS.ErrnoException) => {
  const what = connected ? 'lost the connection to' : 'cannot connect to';
  console.error(`${what} ${host}:${port}: ${reason(err)}`);
  finish(1);
});

function fail(why: string): void {
  console.error(`protocol error: ${why}`);
  finish(1);
}

function finish(code: number): void {
  // process.exitCode, not process.exit(): stdout may still hold output on its way to a pipe.
  process.exitCode = code;
  state = 'idle';
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
    const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9003' } } });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be a number from 1 to 65535, not ${JSON.stringify(values.port)}`);
    return { host: values.host, port };
  } catch (err) {
    console.error(`usage: client.ts [--host HOST] [--port PORT]: ${(err as Error).message}`);
    process.exit(2);
  }
}
