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

    // TODO: an 'error' listener that logs `${peer} error CODE` on stderr: without one, a client's reset
    //       (ECONNRESET), or a write to a reset socket (EPIPE), kills the server and the whole room.
    // TODO: on 'close', this.leave(socket).
    // TODO: a LineSplitter (lines.ts, as in lesson 04) whose onLine broadcasts every line with
    //       this.broadcast(peer, line). The line `quit`: this.leave(socket), socket.end(), and ignore
    //       the rest of that client's input.
    // TODO: on 'data', push the chunk. LineTooLongError (over MAX_LINE_BYTES): log it, this.leave(socket),
    //       socket.end('error line too long\n'), destroy it after LINGER_MS, ignore the rest.
    // TODO: on 'end' (the client's FIN): this.leave(socket) first, then splitter.end(): a last line
    //       without \n still goes to the others.
    void LineSplitter;
    void LineTooLongError;
    void MAX_LINE_BYTES;
    void LINGER_MS;
  }

  /** Sends one line from `sender` to every member, the sender included, each at once. */
  broadcast(sender: string, line: string): void {
    const message = chatMessage(new Date(), sender, line);
    // TODO: write the message to every member (this.members), the sender included. After each write,
    //       if socket.writableLength > MAX_QUEUED_BYTES that member is not reading: log it,
    //       this.leave(socket) and socket.destroy() it. Never wait for its 'drain'.
    void message;
  }

  /** Removes a member; logs `HOST:PORT quits` the first time. False when it was already gone. */
  leave(socket: net.Socket): boolean {
    const peer = this.members.get(socket);
    if (peer === undefined) return false;
    // TODO: delete it from this.members and log `${peer} quits` on stdout.
    return true;
  }

  /** Closes every member's connection (the server is shutting down). */
  closeAll(): void {
    // TODO: destroy every member's socket, then forget them all.
  }
}
