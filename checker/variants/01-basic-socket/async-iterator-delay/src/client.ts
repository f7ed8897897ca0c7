// Variant: a client that writes its line before the connection is even open (Node queues it) and
// so before the greeting, reads with `for await (const chunk of socket)` and one StringDecoder,
// and leaves the loop once it has both lines; its exit code 0 is the natural end of the event loop.

import net from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { parseArgs } from 'node:util';

const { host, port, message } = options();

async function main(): Promise<number> {
  let connected = false;
  const socket = net.connect({ host, port });
  socket.once('connect', () => (connected = true));
  socket.write(message + '\n'); // queued until the connection is open

  const decoder = new StringDecoder('utf8');
  const lines: string[] = [];
  let text = '';
  const take = (line: string): boolean => {
    lines.push(line);
    console.log(line);
    return lines.length === 2;
  };
  try {
    reading: for await (const chunk of socket as AsyncIterable<Buffer>) {
      text += decoder.write(chunk);
      let nl: number;
      while ((nl = text.indexOf('\n')) >= 0) {
        const line = text.slice(0, nl).replace(/\r$/, '');
        text = text.slice(nl + 1);
        if (take(line)) break reading; // leaving the loop destroys the socket: we are done with it
      }
    }
    if (lines.length < 2) {
      text += decoder.end();
      if (text.length > 0 && take(text)) return 0; // a last line without \n counts
      console.error(`${host}:${port} closed the connection before ${lines.length === 0 ? 'greeting' : 'replying'}`);
      return 1;
    }
    return 0;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ECONNREFUSED' ? 'connection refused' : e.code === 'ECONNRESET' ? 'connection reset' : e.message;
    console.error(`${connected ? 'lost the connection to' : 'cannot connect to'} ${host}:${port}: ${why}`);
    return 1;
  }
}

process.exitCode = await main();

function options(): { host: string; port: number; message: string } {
  try {
    const { values, positionals } = parseArgs({
      options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9001' } },
      allowPositionals: true,
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be a number from 1 to 65535, not ${JSON.stringify(values.port)}`);
    const message = positionals.join(' ');
    if (message.length === 0) throw new Error('give a message to send');
    if (/[\r\n]/.test(message)) throw new Error('the message must be one line');
    return { host: values.host, port, message };
  } catch (err) {
    console.error(`usage: client.ts [--host HOST] [--port PORT] MESSAGE...: ${(err as Error).message}`);
    process.exit(2);
  }
}
