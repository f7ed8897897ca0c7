// Variant: a client class; each line's socket bound to 127.0.0.1 first, the waits with
// timers/promises and an AbortController, the lines read with 'line' events into a queue.

import dgram from 'node:dgram';
import { once } from 'node:events';
import readline from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

class UdpClient {
  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly timeout: number,
    private readonly retries: number,
  ) {}

  async request(line: string): Promise<string> {
    const socket = dgram.createSocket('udp4');
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    const stop = new AbortController();
    const reply = new Promise<string>((resolve) => {
      socket.on('message', (msg, rinfo) => {
        if (rinfo.address === this.host && rinfo.port === this.port) resolve(msg.toString('utf8'));
      });
    });
    try {
      for (let attempt = 0; attempt <= this.retries; attempt++) {
        socket.send(line, this.port, this.host);
        const got = await Promise.race([reply, sleep(this.timeout, undefined, { signal: stop.signal }).catch(() => undefined)]);
        if (got !== undefined) return got;
      }
      throw new Error(`no reply from ${this.host}:${this.port} (timeout ${this.timeout} ms, ${this.retries} retries)`);
    } finally {
      stop.abort();
      socket.close();
    }
  }
}

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9009' }, timeout: { type: 'string', default: '1000' }, retries: { type: 'string', default: '3' } } });
const client = new UdpClient(values.host, Number(values.port), Number(values.timeout), Number(values.retries));

const pending: string[] = [];
let closed = false;
let busy = false;
const rl = readline.createInterface({ input: process.stdin, terminal: false });
rl.on('line', (l) => {
  pending.push(l);
  void drain();
});
rl.on('close', () => {
  closed = true;
  void drain();
});

async function drain(): Promise<void> {
  if (busy) return;
  busy = true;
  try {
    while (pending.length) console.log(await client.request(pending.shift() ?? ''));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
  busy = false;
  if (closed) process.exit(0);
}
