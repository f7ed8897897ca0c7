// Variant: the client as one explicit state machine over a single 'data' listener; stdin is read
// with 'data' events and split by hand, and lines are sent only after the answer.

import net from 'node:net';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const host = arg('--host') ?? '127.0.0.1';
const port = Number(arg('--port') ?? '9006');
const file = arg('--secret-file');
let key: Buffer;
try {
  const raw = file !== undefined ? readFileSync(file) : Buffer.from(process.env['NETLINGS_SECRET'] ?? '');
  key = file !== undefined && raw.at(-1) === 0x0a ? raw.subarray(0, raw.at(-2) === 0x0d ? -2 : -1) : raw;
} catch {
  key = Buffer.alloc(0);
}
if (key.length === 0) {
  process.stderr.write('client: no secret: set NETLINGS_SECRET or pass --secret-file\n');
  process.exit(2);
}

let state: 'connecting' | 'challenge' | 'talking' | 'leaving' = 'connecting';
let challenge = Buffer.alloc(0);
const fromServer = new StringDecoder('utf8');
let shown = '';
let typed = '';

const socket = net.connect({ host, port, allowHalfOpen: true }, () => {
  state = 'challenge';
});
socket.on('error', (e: NodeJS.ErrnoException) => {
  process.stderr.write(`${state === 'connecting' ? 'cannot connect to' : 'lost'} ${host}:${port}: ${e.code ?? e.message}\n`);
  process.exit(1);
});
socket.on('data', (chunk: Buffer) => {
  if (state === 'challenge') {
    challenge = Buffer.concat([challenge, chunk]);
    if (challenge.length < 32) return;
    socket.write(createHmac('sha256', key).update(challenge.subarray(0, 32)).digest());
    state = 'talking';
    chunk = challenge.subarray(32);
    process.stdin.on('data', onTyped);
    process.stdin.on('end', leave);
  }
  shown += fromServer.write(chunk);
  const lines = shown.split('\n');
  shown = lines.pop() ?? '';
  for (const l of lines) process.stdout.write(l.replace(/\r$/, '') + '\n');
});
socket.on('end', () => {
  shown += fromServer.end();
  if (shown) process.stdout.write(shown + '\n');
  if (state !== 'leaving') process.stdout.write('connection closed by server\n');
  process.stdin.destroy();
  socket.destroy();
});

function onTyped(chunk: Buffer): void {
  if (state !== 'talking') return;
  typed += chunk.toString('utf8');
  let nl: number;
  while (state === 'talking' && (nl = typed.indexOf('\n')) >= 0) {
    const line = typed.slice(0, nl).replace(/\r$/, '');
    typed = typed.slice(nl + 1);
    if (line.trim() === '') continue;
    socket.write(line + '\n');
    if (line === 'quit') leave();
  }
}

function leave(): void {
  if (state === 'leaving') return;
  if (state === 'talking' && typed.trim() !== '') socket.write(typed + '\n');
  state = 'leaving';
  process.stdin.pause();
  socket.end();
}
