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
import { encodeFrame, FrameDecoder, FrameError, type FrameEvent, type Header } from './frame.ts';
import { Upload, UploadError } from './upload.ts';

const IDLE_MS = 5 * 60_000; // a connection silent for this long is closed
const LINGER_MS = 2_000; // after a broken frame: how long the client may take to close its side

const opts = options();
const sockets = new Set<net.Socket>();

const server = net.createServer({ allowHalfOpen: true }, serve);

function serve(socket: net.Socket): void {
  // A client that reset before this handler ran has no address left: "?:?", not "undefined:undefined".
  const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
  sockets.add(socket);
  const decoder = new FrameDecoder({ maxBody: opts.maxBody });
  const aborter = new AbortController(); // kills a command still running when the client leaves
  let queue: FrameEvent[] = [];
  let next = 0; // queue[next] is the next event to handle
  let busy = false; // a request is in progress: handle no further event until it is done
  let body: ((chunk: Buffer) => void) | undefined; // where the current frame's body goes
  let finish: (() => void) | undefined; // what the end of the current frame's body does
  let upload: Upload | undefined;
  let closing = false;
  let peerEnded = false;

  socket.setTimeout(IDLE_MS, () => socket.destroy());
  socket.on('error', (err: NodeJS.ErrnoException) => console.error(`${peer} error ${err.code ?? err.message}`));
  socket.on('close', () => {
    sockets.delete(socket);
    upload?.abort(); // a lost connection leaves no partial file
    aborter.abort();
  });

  socket.on('data', (chunk: Buffer) => {
    if (closing) return; // after a broken frame: read and drop, so our error reply is not reset away
    let events: FrameEvent[];
    try {
      events = decoder.push(chunk);
    } catch (e) {
      broken(e);
      return;
    }
    if (next === queue.length) {
      queue = events;
      next = 0;
    } else {
      queue.push(...events);
    }
    pump();
  });

  socket.on('end', () => {
    peerEnded = true;
    if (closing) return;
    try {
      decoder.end();
    } catch {
      // The stream ended inside a frame: nothing more can come, so close (no error reply, no waiting).
      closing = true;
      upload?.abort();
      socket.end();
      return;
    }
    pump();
  });

  /** Handles queued events until one needs waiting for; the socket reads only while nothing waits. */
  function pump(): void {
    while (!busy && !closing && next < queue.length) handle(queue[next++] as FrameEvent);
    if (closing) return;
    if (busy || next < queue.length) socket.pause();
    else if (peerEnded) socket.end();
    else socket.resume();
  }

  /** Waits for a promise before the next event: the socket stays paused until it settles. */
  function wait(done: Promise<unknown>): void {
    busy = true;
    void done.finally(() => {
      busy = false;
      pump();
    });
  }

  function handle(event: FrameEvent): void {
    if (event.kind === 'header') start(event.header);
    else if (event.kind === 'body') body?.(event.chunk);
    else {
      const f = finish;
      body = undefined;
      finish = undefined;
      f?.();
    }
  }

  /** A new request: decide what its body is for and what its end does. */
  function start(header: Header): void {
    const type = header['type'];
    if (type === 'exec') {
      const cmd = header['cmd'];
      if (typeof cmd !== 'string' || cmd.length === 0) return refuse('exec needs a non-empty string cmd');
      // No ack round trip: the result goes out as soon as the command is done.
      finish = () => wait(runCommand(cmd, { ...opts.limits, signal: aborter.signal }).then((r) => reply({ type: 'result', exit_code: r.exitCode, data_size: r.output.length }, r.output)));
      return;
    }
    if (type === 'upload') {
      try {
        upload = Upload.fromHeader(opts.dir, header);
      } catch (e) {
        return refuse(e instanceof UploadError ? e.message : String(e));
      }
      const current = upload;
      body = (chunk) => {
        // Backpressure: when the disk is behind, stop taking events (and reading the socket) until it drains.
        if (!current.write(chunk)) wait(new Promise<void>((r) => current.onDrain(r)));
      };
      finish = () =>
        wait(
          current.finish().then(
            (done) => reply({ ...done }),
            (e: unknown) => reply({ type: 'error', message: e instanceof Error ? e.message : String(e) }),
          ).finally(() => {
            if (upload === current) upload = undefined;
          }),
        );
      return;
    }
    refuse(typeof type === 'string' ? `unknown request type ${JSON.stringify(type)}` : 'the header has no type');
  }

  /** A bad request: an error reply once its body (skipped unread) has passed. The connection goes on. */
  function refuse(message: string): void {
    finish = () => wait(reply({ type: 'error', message }));
  }

  /** Writes a reply; when the client does not read its replies, waits for 'drain' before going on. */
  function reply(header: Header, payload?: Buffer): Promise<void> {
    if (socket.destroyed || closing) return Promise.resolve();
    if (socket.write(encodeFrame(header, payload))) return Promise.resolve();
    return new Promise<void>((r) => {
      socket.once('drain', r);
      socket.once('close', r);
    });
  }

  /** A broken frame: an error reply, then the connection is closed. Other connections never notice. */
  function broken(e: unknown): void {
    closing = true;
    upload?.abort();
    const message = e instanceof FrameError ? e.message : `internal error: ${String(e)}`;
    console.error(`${peer} broken frame: ${message}`);
    socket.end(encodeFrame({ type: 'error', message }));
    socket.resume(); // keep reading (and dropping) until the client closes
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  }
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
