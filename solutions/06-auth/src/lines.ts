// The line service of lesson 02, for a connection that has just authenticated: every line is answered
// upper-cased, `quit` gets bye and the connection is closed, a half-close still gets every reply.
// The one change from lesson 02: the bytes that arrived in the same read as the digest are the
// start of the conversation, so they come in as `first` and are answered before anything else.

import type net from 'node:net';
import { StringDecoder } from 'node:string_decoder';

export const MAX_LINE = 64 * 1024; // bytes; a longer line gets an error and the connection is closed
export const IDLE_MS = 5 * 60_000; // a client silent for this long is closed

export function serveLines(socket: net.Socket, first: Buffer): void {
  const decoder = new StringDecoder('utf8'); // one decoder for the whole stream: split characters come out whole
  let buffered = '';
  let done = false; // after quit or an error reply, the rest of the input is ignored

  socket.setTimeout(IDLE_MS, () => socket.destroy());

  const reply = (line: string): void => {
    if (line === 'quit') {
      done = true;
      socket.end('bye\n');
      return;
    }
    socket.write(line.toUpperCase() + '\n');
  };

  const tooLong = (line: string): boolean => {
    if (Buffer.byteLength(line) <= MAX_LINE) return false;
    done = true;
    socket.end('error line too long\n');
    return true;
  };

  const onData = (chunk: Buffer): void => {
    if (done) return;
    buffered += decoder.write(chunk);
    let nl: number;
    while (!done && (nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (tooLong(line)) return;
      reply(line.replace(/\r$/, ''));
    }
    // an unfinished line counts too: a client that never sends \n must not grow our memory
    if (!done && tooLong(buffered)) return;
    // Backpressure: a client that sends but does not read must not grow our memory.
    if (socket.writableNeedDrain) {
      socket.pause();
      socket.once('drain', () => socket.resume());
    }
  };

  // End of stream: answer a last line without \n, then end our side.
  const onEnd = (): void => {
    buffered += decoder.end();
    if (!done && buffered.length > 0) reply(buffered);
    buffered = '';
    socket.end();
  };

  if (first.length > 0) onData(first);
  socket.on('data', onData);
  socket.on('end', onEnd);
}
