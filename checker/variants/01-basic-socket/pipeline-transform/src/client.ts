// Variant: a client built as stream.pipeline(socket, Lines, printer): a Transform that turns bytes
// into whole lines (object mode) and a Writable that prints them and answers the greeting; the
// pipeline's callback decides the exit code, 0 when both lines came.

import net from 'node:net';
import { pipeline, Transform, Writable, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { parseArgs } from 'node:util';

/** Bytes in, lines out (without \n or \r\n); a last line without \n counts. */
class Lines extends Transform {
  private readonly decoder = new StringDecoder('utf8');
  private text = '';
  constructor() {
    super({ readableObjectMode: true });
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.text += this.decoder.write(chunk);
    let nl: number;
    while ((nl = this.text.indexOf('\n')) >= 0) {
      this.push(this.text.slice(0, nl).replace(/\r$/, ''));
      this.text = this.text.slice(nl + 1);
    }
    callback();
  }
  override _flush(callback: TransformCallback): void {
    this.text += this.decoder.end();
    if (this.text.length > 0) this.push(this.text);
    callback();
  }
}

const { host, port, message } = options();
let connected = false;
let heard = 0;

const socket = net.connect({ host, port, allowHalfOpen: true });
socket.once('connect', () => (connected = true));

const printer = new Writable({
  objectMode: true,
  write(line: string, _enc, callback) {
    if (++heard <= 2) console.log(line);
    if (heard === 1) socket.write(message + '\n');
    if (heard === 2) socket.end(); // done talking; the server closes its side
    callback();
  },
});

pipeline(socket, new Lines(), printer, (err) => {
  const e = err as NodeJS.ErrnoException | null | undefined;
  if (e && heard < 2) {
    console.error(`${connected ? 'lost the connection to' : 'cannot connect to'} ${host}:${port}: ${e.code === 'ECONNREFUSED' ? 'connection refused' : e.code ?? e.message}`);
    process.exitCode = 1;
  } else if (heard < 2) {
    console.error(`${host}:${port} closed the connection before ${heard === 0 ? 'greeting' : 'replying'}`);
    process.exitCode = 1;
  }
});

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
