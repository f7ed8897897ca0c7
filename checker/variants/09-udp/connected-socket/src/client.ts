// Variant: a connected socket per line (the kernel drops datagrams from anyone but the server, and
// reports the ICMP port-unreachable as ECONNREFUSED), and the lines read with for await.

import dgram from 'node:dgram';
import readline from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9009' }, timeout: { type: 'string', default: '1000' }, retries: { type: 'string', default: '3' } },
});
const host = values.host;
const port = Number(values.port);
const timeout = Number(values.timeout);
const retries = Number(values.retries);

function request(data: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    let tries = 0;
    let timer: NodeJS.Timeout | undefined;
    const end = (): void => {
      clearTimeout(timer);
      socket.close();
    };
    socket.on('message', (msg) => {
      end();
      resolve(msg.toString('utf8'));
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      end();
      reject(new Error(`cannot reach ${host}:${port}: ${err.code === 'ECONNREFUSED' ? 'connection refused (nothing listens there)' : err.message}`));
    });
    const send = (): void => {
      if (tries++ > retries) {
        end();
        reject(new Error(`${host}:${port} did not answer (${retries + 1} tries of ${timeout} ms)`));
        return;
      }
      socket.send(data);
      timer = setTimeout(send, timeout);
    };
    socket.connect(port, host, send);
  });
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
try {
  for await (const line of rl) console.log(await request(Buffer.from(line)));
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
  rl.close();
  process.stdin.destroy();
}
