// Lesson 05 client: `client.ts exec CMD...` prints the command's output bytes exactly;
// `client.ts upload PATH` streams a file to the server, with a progress bar when stderr is a terminal.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { parseArgs } from 'node:util';
import { encodeFrame, FrameDecoder, FrameError, type Header } from './frame.ts';
import { Progress } from './progress.ts';

const { host, port, command, rest } = options();

/** Everything the client can fail at ends here: one line on stderr, exit 1. */
class ClientError extends Error {
  override readonly name = 'ClientError';
  constructor(
    message: string,
    readonly code = 'CLIENT',
  ) {
    super(message);
  }
}

main().then(
  () => {
    process.exitCode = 0;
  },
  (e: unknown) => {
    console.error(e instanceof ClientError ? e.message : `error: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);

async function main(): Promise<void> {
  const socket = await connect();
  try {
    if (command === 'exec') await exec(socket, rest.join(' '));
    else await upload(socket, rest[0] as string);
  } finally {
    socket.destroy();
  }
}

function connect(): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, allowHalfOpen: true });
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve(socket);
    });
    const onError = (err: NodeJS.ErrnoException) => reject(new ClientError(`cannot connect to ${host}:${port}: ${reason(err)}`));
    socket.once('error', onError);
  });
}

/** Reads one reply: its header, and its body handed to onBody piece by piece (respecting backpressure). */
function readReply(socket: net.Socket, onBody: (chunk: Buffer) => boolean): Promise<Header> {
  return new Promise((resolve, reject) => {
    const decoder = new FrameDecoder();
    let header: Header | undefined;
    const done = (err?: Error) => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
      socket.off('close', onEnd);
      if (err) reject(err);
      else resolve(header as Header);
    };
    const onData = (chunk: Buffer) => {
      try {
        for (const ev of decoder.push(chunk)) {
          if (ev.kind === 'header') header = ev.header;
          else if (ev.kind === 'body') {
            // stdout slower than the network: stop reading until it drains
            if (!onBody(ev.chunk)) {
              socket.pause();
              process.stdout.once('drain', () => socket.resume());
            }
          } else return done();
        }
      } catch (e) {
        done(new ClientError(`bad reply from ${host}:${port}: ${e instanceof FrameError ? e.message : String(e)}`));
      }
    };
    const onEnd = () => done(new ClientError(`connection closed by ${host}:${port} before the reply was complete`));
    const onError = (err: NodeJS.ErrnoException) => done(new ClientError(`lost the connection to ${host}:${port}: ${reason(err)}`));
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', onError);
    socket.on('close', onEnd);
  });
}

function failOnError(reply: Header): void {
  if (reply['type'] === 'error') throw new ClientError(`server error: ${String(reply['message'])}`);
}

async function exec(socket: net.Socket, cmd: string): Promise<void> {
  socket.write(encodeFrame({ type: 'exec', cmd }));
  // The output is bytes: written as they come, never decoded (it need not be UTF-8 at all).
  const reply = await readReply(socket, (chunk) => process.stdout.write(chunk));
  failOnError(reply);
  if (reply['type'] !== 'result') throw new ClientError(`unexpected reply ${JSON.stringify(reply['type'])} from ${host}:${port}`);
}

async function upload(socket: net.Socket, file: string): Promise<void> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new ClientError(`${file} is not a file`);
    size = info.size;
  } catch (e) {
    throw e instanceof ClientError ? e : new ClientError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  // The header carries the hash, so the file is read twice: once to hash it, once to send it.
  const hash = createHash('sha256');
  await pipeline(createReadStream(file, { highWaterMark: 1024 * 1024 }), hash);
  const sha256 = hash.digest('hex');
  const replyPromise = readReply(socket, () => true);
  replyPromise.catch(() => {}); // awaited below; an early error must not go unhandled
  socket.write(encodeFrame({ type: 'upload', file_name: path.basename(file), data_size: size, sha256 }));
  const progress = process.stderr.isTTY ? new Progress(path.basename(file), size) : undefined;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      progress?.add(chunk.length);
      cb(null, chunk);
    },
  });
  // pipeline respects backpressure end to end: the file is read only as fast as the socket takes it.
  const sending = pipeline(createReadStream(file, { highWaterMark: 1024 * 1024 }), counter, socket, { end: false });
  sending.catch(() => {}); // a server that refuses early closes the connection: the reply says why
  const reply = await replyPromise;
  progress?.done();
  failOnError(reply);
  if (reply['type'] !== 'uploaded') throw new ClientError(`unexpected reply ${JSON.stringify(reply['type'])} from ${host}:${port}`);
  console.log(`uploaded ${String(reply['file_name'])} (${String(reply['file_size'])} bytes, sha256 ${String(reply['sha256'])})`);
}

function reason(err: NodeJS.ErrnoException): string {
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused (is the server running?)',
    ECONNRESET: 'connection reset by the server',
    EPIPE: 'the server closed the connection',
    ETIMEDOUT: 'timed out',
    EHOSTUNREACH: 'host unreachable',
    ENOTFOUND: 'no such host',
  };
  return (err.code && known[err.code]) ?? err.message;
}

function options(): { host: string; port: number; command: 'exec' | 'upload'; rest: string[] } {
  try {
    // Options come before the command; everything after it belongs to the command (exec ls -la).
    const argv = process.argv.slice(2);
    const at = argv.findIndex((a) => a === 'exec' || a === 'upload');
    const { values } = parseArgs({ args: at < 0 ? argv : argv.slice(0, at), options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9005' } } });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be a number from 1 to 65535, not ${JSON.stringify(values.port)}`);
    const command = argv[at];
    const rest = argv.slice(at + 1);
    if (command === 'exec' && rest.length > 0) return { host: values.host, port, command, rest };
    if (command === 'upload' && rest.length === 1) return { host: values.host, port, command, rest };
    throw new Error(command === 'exec' ? 'exec needs a command' : command === 'upload' ? 'upload needs one PATH' : 'give exec CMD or upload PATH');
  } catch (err) {
    console.error(`usage: client.ts [--host HOST] [--port PORT] exec CMD... | upload PATH: ${(err as Error).message}`);
    process.exit(2);
  }
}
