// Lesson 08: the chat room. Every member's lines go to every member, the sender included. A member
// that leaves in any way (quit, FIN, reset, an error, a line over the limit, too slow to read) is
// removed at once and logged as `HOST:PORT quits`, exactly once, and the others never notice.
//
// Python's ChatServer keeps a dict of sockets and one thread per client, and sendall() blocks the
// sender's thread while any receiver is slow. Here one thread serves everyone: socket.write() never
// blocks, it queues. So the room must bound that queue itself, or one client that stops reading
// makes the server's memory grow without end.

import type net from 'node:net';
import { LineSplitter, LineTooLongError, MAX_LINE_BYTES } from './lines.ts';
import { chatMessage } from './message.ts';

/** A member whose unsent messages in the server's own queue (socket.writableLength) pass this is closed. */
export const MAX_QUEUED_BYTES = 1024 * 1024;
/** After `error line too long`, how long a client may take to close its side before we destroy it. */
const LINGER_MS = 2_000;

export class ChatRoom {
  /** Every member, with its address as the server saw it when it joined (HOST:PORT). */
  private readonly members = new Map<net.Socket, string>();

  get size(): number {
    return this.members.size;
  }

  join(socket: net.Socket): void {
    // A client that reset before this handler ran has no address left: "?:?", not "undefined:undefined".
    const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    this.members.set(socket, peer);
    console.log(`${peer} joins`);
    socket.setKeepAlive(true, 60_000); // a chat may be quiet for hours; a vanished peer is found anyway

    // Without an 'error' listener one client's reset (ECONNRESET, EPIPE) would kill the whole room.
    socket.on('error', (err: NodeJS.ErrnoException) => console.error(`${peer} error ${err.code ?? err.message}`));
    socket.on('close', () => this.leave(socket));

    let done = false; // after quit or a line too long, the rest of its input is ignored
    const splitter = new LineSplitter((line) => {
      if (done) return;
      if (line === 'quit') {
        done = true;
        this.leave(socket);
        socket.end();
        return;
      }
      if (line.length === 0) return; // an empty line says nothing
      this.broadcast(peer, line);
    });

    socket.on('data', (chunk: Buffer) => {
      if (done) return;
      try {
        splitter.push(chunk);
      } catch (err) {
        if (!(err instanceof LineTooLongError)) throw err;
        done = true;
        console.error(`${peer} error line too long (over ${MAX_LINE_BYTES} bytes)`);
        this.leave(socket);
        // end(), not destroy(): destroying a socket with unread input sends RST, and the error line
        // may be lost. The client gets a moment to close its side, then it is destroyed.
        socket.end('error line too long\n');
        setTimeout(() => socket.destroy(), LINGER_MS).unref();
      }
    });

    // The client ended its side (FIN). It is removed first, so the last line it sent without a \n
    // goes to the others only: our side of its connection is being ended, writing to it would fail.
    socket.on('end', () => {
      this.leave(socket);
      if (!done) splitter.end();
      done = true;
    });
  }

  /** Sends one line from `sender` to every member, the sender included, each at once. */
  broadcast(sender: string, line: string): void {
    const message = chatMessage(new Date(), sender, line);
    for (const [socket, peer] of this.members) {
      socket.write(message);
      // write() queued what the kernel could not take. Past the limit this member is not reading:
      // waiting for its 'drain' would stall everyone, queueing on would grow our memory. Close it.
      if (socket.writableLength > MAX_QUEUED_BYTES) {
        console.error(`${peer} error too slow: over ${MAX_QUEUED_BYTES} bytes wait for it`);
        this.leave(socket);
        socket.destroy(); // end() would wait for the queue to drain, which is never
      }
    }
  }

  /** Removes a member; logs `HOST:PORT quits` the first time. False when it was already gone. */
  leave(socket: net.Socket): boolean {
    const peer = this.members.get(socket);
    if (peer === undefined) return false;
    this.members.delete(socket); // deleting while broadcast() iterates the Map is safe
    console.log(`${peer} quits`);
    return true;
  }

  /** Closes every member's connection (the server is shutting down). */
  closeAll(): void {
    for (const socket of this.members.keys()) socket.destroy();
    this.members.clear();
  }
}
