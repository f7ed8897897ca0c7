// Variant: every try from a socket of its own (a new port per try, not only per line): a late reply
// to an earlier try goes to a socket that is already closed.

import dgram from 'node:dgram';
import readline from 'node:readline';
import { parseArgs } from 'node:util';

const o = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9009' }, timeout: { type: 'string', default: '1000' }, retries: { type: 'string', default: '3' } } }).values;
const host = o.host;
const port = Number(o.port);
const timeout = Number(o.timeout);
const retries = Number(o.retries);

/** One try: the reply, or undefined after the timeout. */
function tryOnce(data: Buffer): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    const t = setTimeout(() => finish(undefined), timeout);
    function finish(v: string | undefined): void {
      clearTimeout(t);
      s.close();
      resolve(v);
    }
    s.on('message', (m, r) => {
      if (r.address === host && r.port === port) finish(m.toString());
    });
    s.on('error', () => {}); // a failed try is one without a reply
    s.send(data, port, host);
  });
}

async function ask(line: string): Promise<string | undefined> {
  for (let i = 0; i <= retries; i++) {
    const r = await tryOnce(Buffer.from(line));
    if (r !== undefined) return r;
  }
  return undefined;
}

const queue: string[] = [];
let ended = false;
let running = false;
const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (l) => {
  queue.push(l);
  void pump();
});
rl.on('close', () => {
  ended = true;
  void pump();
});

async function pump(): Promise<void> {
  if (running) return;
  running = true;
  for (let line = queue.shift(); line !== undefined; line = queue.shift()) {
    const reply = await ask(line);
    if (reply === undefined) {
      process.stderr.write(`udp ${host}:${port}: no answer\n`);
      process.exit(1);
    }
    process.stdout.write(reply + '\n');
  }
  running = false;
  if (ended) process.exit(0);
}
