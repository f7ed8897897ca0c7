// Variant of lesson 08's server, close to the tutorial's ChatServer: a Map from "HOST:PORT" to the
// socket, text decoded by the socket (setEncoding) and cut at \n in a string buffer, the time from
// toLocaleString('sv-SE'), and each message written to each client in two writes (header, then text).

import net from 'node:net';
import { parseArgs } from 'node:util';

const LIMIT = 65_536;
const MAX_WAITING = 1 << 20;

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9008' } } });
const host = values.host;
const port = Number(values.port);

const clients = new Map<string, net.Socket>();

function now(): string {
  // sv-SE writes local time as "2024-05-01 09:03:07"
  return new Date().toLocaleString('sv-SE', { hour12: false }).replace(/-/g, '/');
}

function remove(addr: string): void {
  if (clients.delete(addr)) console.log(`${addr} quits`);
}

function send(addr: string, text: string): void {
  const header = `${now()} ${addr}\n`;
  for (const [to, s] of clients) {
    s.write(header);
    s.write(`${text}\n`);
    if (s.writableLength > MAX_WAITING) {
      remove(to);
      s.destroy();
    }
  }
}

const server = net.createServer((s) => {
  const addr = `${s.remoteAddress}:${s.remotePort}`;
  clients.set(addr, s);
  s.setEncoding('utf8');
  let rest = '';
  let over = false;
  s.on('error', (e: NodeJS.ErrnoException) => console.error(`${addr}: ${e.code}`));
  s.on('close', () => remove(addr));
  s.on('data', (text: string) => {
    if (over) return;
    rest += text;
    let i: number;
    while ((i = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, i).replace(/\r$/, '');
      rest = rest.slice(i + 1);
      if (Buffer.byteLength(line) > LIMIT) return tooLong();
      if (line === 'quit') {
        over = true;
        remove(addr);
        s.end();
        return;
      }
      if (line !== '') send(addr, line);
    }
    if (Buffer.byteLength(rest) > LIMIT + 1) tooLong();
  });
  s.on('end', () => {
    remove(addr);
    if (!over && rest !== '') send(addr, rest.replace(/\r$/, ''));
  });
  function tooLong(): void {
    over = true;
    remove(addr);
    s.destroy();
  }
});

server.on('error', (e: NodeJS.ErrnoException) => {
  console.error(`cannot listen on ${host}:${port}: ${e.code}`);
  process.exit(1);
});
server.listen(port, host, () => {
  const a = server.address() as net.AddressInfo;
  console.log(`listening on ${a.address}:${a.port}`);
});

function stop(): never {
  server.close();
  for (const s of clients.values()) s.destroy();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

let typed = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (t: string) => {
  typed += t;
  for (const cmd of typed.split('\n').slice(0, -1)) if (cmd.trim() === 'quit') stop();
  typed = typed.slice(typed.lastIndexOf('\n') + 1);
});
process.stdin.on('error', () => {});
