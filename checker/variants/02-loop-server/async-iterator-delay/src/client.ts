// Variant: two async loops, `for await (const line of readline(stdin))` sending and
// `for await (const chunk of socket)` printing; it waits for the connection with events.once()
// and ends with process.exit(0) when the reply loop is over.

import { once } from 'node:events';
import net from 'node:net';
import readline from 'node:readline';
import { StringDecoder } from 'node:string_decoder';
import { parseArgs } from 'node:util';

const { host, port } = options();

const socket = net.connect({ host, port, allowHalfOpen: true });
try {
  await once(socket, 'connect');
} catch (err) {
  const e = err as NodeJS.ErrnoException;
  console.error(`cannot connect to ${host}:${port}: ${e.code === 'ECONNREFUSED' ? 'connection refused' : e.code ?? e.message}`);
  process.exit(1);
}

let leaving = false; // quit sent or input ended: the server's close is expected

async function printReplies(): Promise<void> {
  const decoder = new StringDecoder('utf8');
  let text = '';
  for await (const chunk of socket as AsyncIterable<Buffer>) {
    text += decoder.write(chunk);
    let nl: number;
    while ((nl = text.indexOf('\n')) >= 0) {
      console.log(text.slice(0, nl).replace(/\r$/, ''));
      text = text.slice(nl + 1);
    }
  }
  text += decoder.end();
  if (text.length > 0) console.log(text); // a last line without \n counts
}

printReplies().then(
  () => {
    if (!leaving) console.log('connection closed by server');
    process.exit(0);
  },
  (err: NodeJS.ErrnoException) => {
    console.error(`lost the connection to ${host}:${port}: ${err.code ?? err.message}`);
    process.exit(1);
  },
);

for await (const line of readline.createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false })) {
  if (line.trim() === '') continue;
  if (line === 'quit') {
    leaving = true;
    socket.write('quit\n');
    break; // leaving the loop closes the readline Interface: nothing is read or sent after quit
  }
  socket.write(line + '\n');
}
leaving = true;
socket.end(); // half-close; printReplies ends when the server closes

function options(): { host: string; port: number } {
  try {
    const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9002' } } });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be a number from 1 to 65535, not ${JSON.stringify(values.port)}`);
    return { host: values.host, port };
  } catch (err) {
    console.error(`usage: client.ts [--host HOST] [--port PORT]: ${(err as Error).message}`);
    process.exit(2);
  }
}
