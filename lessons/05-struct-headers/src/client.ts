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
  // TODO: feed every 'data' chunk to a new FrameDecoder(); remember the 'header' event's header,
  //       hand each 'body' chunk to onBody (false: socket.pause() until process.stdout's 'drain'),
  //       and resolve with the header on 'end'. A FrameError, the socket's 'end' before the reply
  //       was complete, or an 'error' reject with a ClientError.
  void socket;
  void onBody;
  void FrameDecoder;
  void FrameError;
  return Promise.reject(new ClientError('reading replies is not written yet'));
}

function failOnError(reply: Header): void {
  if (reply['type'] === 'error') throw new ClientError(`server error: ${String(reply['message'])}`);
}

async function exec(socket: net.Socket, cmd: string): Promise<void> {
  // TODO: socket.write(encodeFrame({ type: 'exec', cmd })), then readReply with an onBody that writes
  //       the chunk to stdout AS BYTES: (chunk) => process.stdout.write(chunk).
  void encodeFrame;
  void cmd;
  const reply = await readReply(socket, () => true);
  failOnError(reply);
}

async function upload(socket: net.Socket, file: string): Promise<void> {
  // TODO: stat the file (a ClientError when it cannot be read). Hash it first in a pass of its own:
  //       pipeline(createReadStream(file), hash). Then send
  //       encodeFrame({ type: 'upload', file_name: path.basename(file), data_size: size, sha256 })
  //       and stream the file: pipeline(createReadStream(file), counter, socket, { end: false }),
  //       where counter is a Transform that adds each chunk's length to a Progress, which you
  //       create only when process.stderr.isTTY. Then readReply, failOnError, and print
  //       `uploaded NAME (N bytes, sha256 HEX)`.
  void [createHash, createReadStream, stat, path, pipeline, Transform, Progress, file];
  const reply = await readReply(socket, () => true);
  failOnError(reply);
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
