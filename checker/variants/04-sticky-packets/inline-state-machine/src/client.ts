// Variant of lesson 04's client: sends each stdin line as it is read, reads replies with
// for await over the socket and a StringDecoder, exits once every line has its reply.

import net from 'node:net';
import readline from 'node:readline';
import { StringDecoder } from 'node:string_decoder';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9004' } } });
const host = values.host;
const port = Number(values.port);

const socket = net.connect({ host, port });
let sent = 0;
let got = 0;
let inputDone = false;

socket.on('error', (err: NodeJS.ErrnoException) => {
  console.error(`cannot connect to ${host}:${port}: ${err.code ?? err.message}`);
  process.exit(1);
});

socket.once('connect', async () => {
  const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  input.on('line', (l) => {
    sent += 1;
    socket.write(l + '\n');
  });
  input.on('close', () => {
    inputDone = true;
    if (got >= sent) socket.destroy();
  });
  const decoder = new StringDecoder('utf8');
  let text = '';
  // destroyOnReturn: false, or leaving the loop destroys the socket with an AbortError.
  for await (const chunk of socket.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    text += decoder.write(chunk);
    let nl: number;
    while ((nl = text.indexOf('\n')) >= 0) {
      console.log(text.slice(0, nl).replace(/\r$/, ''));
      text = text.slice(nl + 1);
      got += 1;
    }
    if (inputDone && got >= sent) break;
  }
  socket.destroy();
  process.stdin.destroy();
});
