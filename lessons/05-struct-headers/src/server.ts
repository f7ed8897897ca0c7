// Lesson 05 server: framed requests (a 4-byte length, a JSON header, a body) for exec and upload.
//
// Every frame is cut by the FrameDecoder, whatever the reads look like. The requests of one
// connection are served in order, one at a time: while one is busy (a command running, the disk
// behind an upload) the socket is paused, so the client's bytes wait in the kernel, not in memory.

import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runCommand } from './exec.ts';
import { encodeFrame, FrameDecoder, FrameError } from './frame.ts';
import { Upload, UploadError } from './upload.ts';

const IDLE_MS = 5 * 60_000; // a connection silent for this long is closed

const opts = options();
const sockets = new Set<net.Socket>();

const server = net.createServer({ allowHalfOpen: true }, serve);

function serve(socket: net.Socket): void {
  socket.setTimeout(IDLE_MS, () => socket.destroy());
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => {}); // TODO: log `HOST:PORT error CODE` on stderr
  const decoder = new FrameDecoder({ maxBody: opts.maxBody });

  // TODO: on 'data', decoder.push(chunk) and handle its events in order:
  //   'header': a new request. exec: remember to run header.cmd when the frame ends; upload:
  //             Upload.fromHeader(opts.dir, header) (an UploadError is a bad request); anything else
  //             is a bad request. A bad request gets { type: 'error', message } when its frame ends;
  //             its body is skipped.
  //   'body':   an upload's chunk: upload.write(chunk); when it returns false, socket.pause() and
  //             handle no further event until upload.onDrain() calls back (backpressure).
  //   'end':    exec: runCommand(cmd, opts.limits), then reply
  //             encodeFrame({ type: 'result', exit_code, data_size: output.length }, output).
  //             upload: await upload.finish() and reply with what it returns (or the error).
  //   Serve one request at a time: while one is busy, keep the remaining events and pause the socket.
  // TODO: a FrameError from push(): socket.end(encodeFrame({ type: 'error', message })) and ignore
  //       whatever else arrives on this connection.
  // TODO: on 'end': decoder.end() throws TRUNCATED inside a frame: abort the upload, close the socket.
  //       Between frames: answer what is pending, then socket.end().
  // TODO: on 'close' with an upload in progress: upload.abort() (no partial file stays behind).
  void encodeFrame;
  void FrameError;
  void runCommand;
  void Upload;
  void UploadError;
  void decoder;
}

server.on('error', (err: NodeJS.ErrnoException) => {
  const why = err.code === 'EADDRINUSE' ? 'address already in use' : err.code === 'EACCES' ? 'permission denied' : err.message;
  console.error(`cannot listen on ${opts.host}:${opts.port}: ${why}`);
  process.exit(1);
});

server.listen(opts.port, opts.host, () => {
  const { address, port } = server.address() as net.AddressInfo;
  console.log(`listening on ${address}:${port}`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    for (const s of sockets) s.destroy(); // 'close' removes their partial uploads
    setImmediate(() => process.exit(0));
  });
}

interface Options {
  host: string;
  port: number;
  dir: string;
  maxBody: number;
  limits: { timeoutMs: number; maxOutput: number };
}

function options(): Options {
  try {
    const { values } = parseArgs({
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '9005' },
        dir: { type: 'string', default: './uploads' },
        'max-body': { type: 'string', default: String(4 * 1024 ** 3) },
        timeout: { type: 'string', default: '10' },
        'max-output': { type: 'string', default: String(8 * 1024 * 1024) },
      },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not ${JSON.stringify(values.port)}`);
    const maxBody = Number(values['max-body']);
    if (!Number.isSafeInteger(maxBody) || maxBody < 0) throw new Error(`--max-body must be a number of bytes, not ${JSON.stringify(values['max-body'])}`);
    const timeout = Number(values.timeout);
    if (!(timeout > 0)) throw new Error(`--timeout must be a number of seconds, not ${JSON.stringify(values.timeout)}`);
    const maxOutput = Number(values['max-output']);
    if (!Number.isSafeInteger(maxOutput) || maxOutput < 0) throw new Error(`--max-output must be a number of bytes, not ${JSON.stringify(values['max-output'])}`);
    const dir = path.resolve(values.dir);
    mkdirSync(dir, { recursive: true });
    return { host: values.host, port, dir, maxBody, limits: { timeoutMs: timeout * 1000, maxOutput } };
  } catch (err) {
    console.error(`usage: server.ts [--host HOST] [--port PORT] [--dir DIR] [--max-body BYTES] [--timeout S] [--max-output BYTES]: ${(err as Error).message}`);
    process.exit(2);
  }
}
