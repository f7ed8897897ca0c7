// Lesson 06 client: answers the server's challenge with HMAC-SHA256(secret, challenge), then talks
// as lesson 02's client does: every non-empty line you type goes to the server, every reply is printed.

import net from 'node:net';
import readline from 'node:readline';
import { StringDecoder } from 'node:string_decoder';
import { parseArgs } from 'node:util';
import { answerTo, CHALLENGE_BYTES, ExactBytes } from './auth.ts';
import { loadSecret, SecretError } from './secret.ts';

const { host, port, secretFile } = options();
const secret = secretOrExit(secretFile);

const socket = net.connect({ host, port, allowHalfOpen: true });
let connected = false;
let leaving = false; // we said quit or our input ended: the server closing is expected
let replies = 0;
const challenge = new ExactBytes(CHALLENGE_BYTES);
let answered = false;
const decoder = new StringDecoder('utf8');
let buffered = '';

socket.on('connect', () => {
  connected = true;
});

// No setEncoding: the challenge is bytes (it may hold \n, \0 and anything that is not UTF-8).
// Only what follows it is text, decoded by one StringDecoder for the rest of the stream.
socket.on('data', (chunk: Buffer) => {
  if (!answered) {
    const got = challenge.push(chunk);
    if (!got) return; // not all 32 bytes yet
    answered = true;
    socket.write(answerTo(secret, got.bytes));
    talk();
    chunk = got.rest;
  }
  buffered += decoder.write(chunk);
  let nl: number;
  while ((nl = buffered.indexOf('\n')) >= 0) {
    console.log(buffered.slice(0, nl).replace(/\r$/, ''));
    replies++;
    buffered = buffered.slice(nl + 1);
  }
});

/** After the answer: lesson 02's client. Lines typed before now waited in stdin. */
function talk(): void {
  const input = readline.createInterface({ input: process.stdin, terminal: false });
  input.on('line', (raw) => {
    if (leaving) return;
    const line = raw.replace(/\r$/, '');
    if (line.trim().length === 0) return; // an empty message is never sent
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
}

socket.on('end', () => {
  if (!answered) {
    console.error(`the server at ${host}:${port} closed the connection after ${challenge.received} of the ${CHALLENGE_BYTES} challenge bytes`);
    finish(1);
    return;
  }
  buffered += decoder.end();
  if (buffered.length > 0) console.log(buffered); // a last line without \n still counts
  buffered = '';
  if (!leaving && replies === 0) {
    refusedMaybe();
    return;
  }
  if (!leaving) console.log('connection closed by server');
  finish(0);
});

socket.on('error', (err: NodeJS.ErrnoException) => {
  if (answered && replies === 0 && err.code === 'ECONNRESET') {
    refusedMaybe();
    return;
  }
  const what = connected ? 'lost the connection to' : 'cannot connect to';
  console.error(`${what} ${host}:${port}: ${reason(err)}`);
  finish(1);
});

/**
 * The protocol has no "welcome": a refused secret looks like a server that hangs up before its first
 * reply. That is what we can say, and it is a failure.
 */
function refusedMaybe(): void {
  console.error(`the server at ${host}:${port} closed the connection before any reply: it may have refused the secret`);
  finish(1);
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

function secretOrExit(file: string | undefined): Buffer {
  try {
    return loadSecret(file);
  } catch (err) {
    if (!(err instanceof SecretError)) throw err;
    console.error(`client.ts: ${err.message}`);
    process.exit(2);
  }
}

function options(): { host: string; port: number; secretFile: string | undefined } {
  try {
    const { values } = parseArgs({
      options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9006' }, 'secret-file': { type: 'string' } },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be a number from 1 to 65535, not ${JSON.stringify(values.port)}`);
    return { host: values.host, port, secretFile: values['secret-file'] };
  } catch (err) {
    console.error(`usage: client.ts [--host HOST] [--port PORT] [--secret-file FILE]: ${(err as Error).message}`);
    process.exit(2);
  }
}
