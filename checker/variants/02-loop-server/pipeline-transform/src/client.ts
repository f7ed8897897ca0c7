// Variant: the client as two pipelines: stdin → Outgoing → socket, where the Transform drops blank
// lines and ends its output right after quit, so the pipe half-closes the socket at once; and
// socket → Lines → stdout. The server's end of stream decides the exit, always 0.

import net from 'node:net';
import { pipeline, Transform, type TransformCallback } from 'node:stream';
import { pipeline as pipelinePromise } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { parseArgs } from 'node:util';

/** Bytes in, whole lines out, each with '\n' (a \r\n becomes \n); a last line without \n counts. */
class Lines extends Transform {
  private readonly decoder = new StringDecoder('utf8');
  private text = '';
  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.text += this.decoder.write(chunk);
    let nl: number;
    while ((nl = this.text.indexOf('\n')) >= 0) {
      this.line(this.text.slice(0, nl).replace(/\r$/, ''));
      this.text = this.text.slice(nl + 1);
    }
    callback();
  }
  override _flush(callback: TransformCallback): void {
    this.text += this.decoder.end();
    if (this.text.length > 0) this.line(this.text);
    callback();
  }
  protected line(line: string): void {
    this.push(line + '\n');
  }
}

/** Typed lines in, wire lines out: blank lines dropped, nothing after quit. */
class Outgoing extends Lines {
  private quitted = false;
  protected override line(line: string): void {
    if (this.quitted || line.trim() === '') return;
    this.push(line + '\n');
    if (line === 'quit') {
      this.quitted = true;
      leaving = true;
      this.push(null); // end of our output: the pipe ends (half-closes) the socket
    }
  }
}

const { host, port } = options();
let connected = false;
let leaving = false;

const socket = net.connect({ host, port, allowHalfOpen: true });
socket.on('connect', () => {
  connected = true;
  pipeline(process.stdin, new Outgoing(), socket, () => {});
});
process.stdin.once('end', () => (leaving = true)); // input over: the pipe half-closes, replies still come

socket.on('error', (err: NodeJS.ErrnoException) => {
  console.error(`${connected ? 'lost the connection to' : 'cannot connect to'} ${host}:${port}: ${err.code === 'ECONNREFUSED' ? 'connection refused' : err.code ?? err.message}`);
  process.exit(1);
});

// end: false, or the pipeline would end process.stdout with the socket and the last line would be lost.
await pipelinePromise(socket, new Lines(), process.stdout, { end: false }).catch(() => process.exit(1)); // a reset: reported by 'error'
// Every reply is printed, a last line without \n included: the server has closed.
if (!leaving) process.stdout.write('connection closed by server\n');
process.exit(0);

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
