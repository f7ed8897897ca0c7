// Variant: the challenge is read with socket.read(32) in paused mode; then the socket is decoded
// with setEncoding('utf8') (what is still buffered is decoded too) and stdin is read with readline.

import net from 'node:net';
import crypto from 'node:crypto';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { loadSecret, SecretError } from './secret.ts';

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9006' }, 'secret-file': { type: 'string' } } });
const host = values.host;
const port = Number(values.port);
let secret: Buffer;
try {
  secret = loadSecret(values['secret-file']);
} catch (e) {
  console.error((e as SecretError).message);
  process.exit(2);
}

const socket = net.connect({ host, port, allowHalfOpen: true });
let bye = false;
let text = '';
socket.on('error', (e: NodeJS.ErrnoException) => {
  console.error(`cannot connect to ${host}:${port}: ${e.code}`);
  process.exit(1);
});
const onReadable = (): void => {
  const challenge = socket.read(32) as Buffer | null;
  if (challenge === null) return;
  socket.off('readable', onReadable);
  socket.write(crypto.createHmac('sha256', secret).update(challenge).digest());
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    text += chunk;
    const lines = text.split('\n');
    text = lines.pop() ?? '';
    for (const l of lines) console.log(l.replace(/\r$/, ''));
  });
  socket.resume();
  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    if (bye || !line.trim()) return;
    socket.write(line + '\n');
    if (line === 'quit') {
      bye = true;
      rl.close();
    }
  });
  rl.on('close', () => {
    bye = true;
    socket.end();
  });
};
socket.on('readable', onReadable);
socket.on('end', () => {
  if (text) console.log(text);
  if (!bye) console.log('connection closed by server');
  process.exit(0);
});
