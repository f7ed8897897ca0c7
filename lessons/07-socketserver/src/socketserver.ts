// A small framework in the spirit of Python's socketserver: the server classes own the connection
// loop (accept, queue, run a handler, close), the request handler classes own the communication
// loop (read lines, write replies). The exported names are fixed by the course: the checker imports
// this file and runs it with handlers of its own.
//
// Python                      here
// BaseServer/TCPServer        TCPServer: one connection at a time, the others wait in the queue
// ThreadingMixIn              ThreadingMixIn(Base): every connection is handled as it arrives
// ThreadingTCPServer          ThreadingTCPServer = ThreadingMixIn(TCPServer)
// BaseRequestHandler          BaseRequestHandler: request, clientAddress, server; setup/handle/finish
// StreamRequestHandler        StreamRequestHandler: readLine() for rfile.readline(), write() for wfile.write()

import net from 'node:net';

export type Address = [host: string, port: number];
export type HandlerClass = new (request: net.Socket, clientAddress: Address, server: TCPServer) => BaseRequestHandler;

/** readLine() rejects a line longer than this many bytes (without its \n or \r\n). */
export const MAX_LINE_BYTES = 64 * 1024;
/** After finish(), how long a connection may stay half-open waiting for the client's FIN before it is destroyed. */
export const CLOSE_GRACE_MS = 10_000;

/** readLine() met a line over the handler's maxLineBytes. */
export class LineTooLongError extends Error {
  override readonly name = 'LineTooLongError';
  readonly code = 'LINE_TOO_LONG';
}

/** write() on a connection that is closed, or that closed before it took the data. */
export class ConnectionClosedError extends Error {
  override readonly name = 'ConnectionClosedError';
  readonly code = 'CONNECTION_CLOSED';
}

/** One connection's handler: the server creates one per connection and runs setup, handle, finish. */
export class BaseRequestHandler {
  readonly request: net.Socket;
  readonly clientAddress: Address;
  readonly server: TCPServer;

  constructor(request: net.Socket, clientAddress: Address, server: TCPServer) {
    this.request = request;
    this.clientAddress = clientAddress;
    this.server = server;
  }

  setup(): void | Promise<void> {}
  handle(): void | Promise<void> {}
  finish(): void | Promise<void> {}
}

/**
 * A handler with line reading and backpressured writing. The reader is a small state machine over
 * the socket's bytes: complete lines wait in `lines`, the bytes after the last \n in `partial`; the
 * socket is read only while a readLine() call is waiting and no line is ready.
 */
export class StreamRequestHandler extends BaseRequestHandler {
  /** The longest line readLine() accepts, in bytes without its \n or \r\n. */
  maxLineBytes = MAX_LINE_BYTES;

  #attached = false;
  #lines: string[] = [];
  #next = 0; // lines[next] is the next line to hand out
  #partial: Buffer[] = [];
  #partialBytes = 0;
  #ended = false; // end of stream (or the socket closed): once the lines are out, readLine() gives null
  #error: Error | undefined; // a reset or a line too long: once the lines are out, readLine() rejects
  #waiters: (() => void)[] = [];

  /** The next line without its \n or \r\n, decoded as UTF-8; null at the end of the stream, and on every call after it. */
  async readLine(): Promise<string | null> {
    // TODO: read the socket only while a call waits for a line. Keep the bytes after the last \n
    //       (Buffers, not strings) for the next chunk, and decode a line only once it is whole, so a
    //       character split across reads stays whole. Drop a \r right before the \n. On 'end' the
    //       bytes kept are the last line, if there are any; then null, on this call and every call
    //       after it. A line over this.maxLineBytes rejects with LineTooLongError.
    //       (this.request.pause() and .resume(); listen for 'data', 'end', 'error' and 'close'.)
    return null;
  }

  /** Writes data; resolves once the socket has taken it, waiting for 'drain' when its buffer is full. */
  write(data: string | Uint8Array): Promise<void> {
    // TODO: backpressure. socket.write() returns false when its buffer is full: then resolve only on
    //       'drain' (and reject with ConnectionClosedError on 'close'). A closed socket rejects at once.
    this.request.write(data);
    return Promise.resolve();
  }
}

interface Queued {
  socket: net.Socket;
  address: Address;
}

interface Taker {
  take: (request: Queued | null) => void;
  /** serveForever's own wait: shutdown() ends it. */
  forever: boolean;
}

/**
 * Handles one connection at a time: a connection that arrives while a handler runs waits in the
 * queue, unread (pauseOnConnect) and without a handler, until that handler's finish() is done.
 */
export class TCPServer {
  /** The address given; the real port once listen() has resolved. */
  serverAddress: Address;
  readonly Handler: HandlerClass;

  readonly #server: net.Server;
  #listening: Promise<void> | undefined;
  #queue: Queued[] = [];
  #takers: Taker[] = [];
  #inProgress = new Set<Promise<void>>();
  #serving: Promise<void> | undefined;
  #stopping = false;
  #closed = false;

  constructor(serverAddress: Address, Handler: HandlerClass) {
    this.serverAddress = [serverAddress[0], serverAddress[1]];
    this.Handler = Handler;
    // allowHalfOpen: a client that ends its side still gets every reply its handler writes.
    // TODO: a connection that waits in the queue must stay unread: which option of createServer
    //       makes Node read nothing of a socket until you resume() it?
    this.#server = net.createServer({ allowHalfOpen: true }, (socket) => this.#accepted(socket));
  }

  /** Binds and listens (Python's server_bind and server_activate); rejects with Node's error, code EADDRINUSE and so on. */
  listen(): Promise<void> {
    this.#listening ??= new Promise<void>((resolve, reject) => {
      // TODO: reject with the server's 'error' (EADDRINUSE...) instead of leaving it unhandled.
      void reject;
      this.#server.listen({ host: this.serverAddress[0], port: this.serverAddress[1] }, () => {
        const { address, port } = this.#server.address() as net.AddressInfo;
        this.serverAddress = [address, port];
        resolve();
      });
    });
    return this.#listening;
  }

  /** Handles connections until shutdown(); listens first if needed; resolves once stopped. */
  async serveForever(): Promise<void> {
    await this.listen();
    this.#stopping = false;
    // TODO: the connection loop. Until shutdown(): take the next connection with
    //       `await this.#nextRequest(true)` (null means stop) and `await this.processRequest(...)`.
    //       Keep the loop's promise in this.#serving, so shutdown() can wait for it.
  }

  /** Waits for one connection and handles it to the end. */
  async handleRequest(): Promise<void> {
    // TODO: listen if needed, take one connection (this.#nextRequest(false)) and finishRequest() it.
  }

  /** Stops serveForever() from taking new connections; resolves once every handler in progress has finished. */
  async shutdown(): Promise<void> {
    this.#stopping = true;
    // TODO: wake serveForever's loop if it waits for a connection (its takers are marked forever),
    //       then wait for the loop (this.#serving) and for every handler in this.#inProgress.
  }

  /**
   * Closes the listening socket: the port is free once this resolves. Open connections are not
   * waited for; connections still waiting in the queue are closed unhandled.
   */
  async serverClose(): Promise<void> {
    this.#closed = true;
    // TODO: close the listening socket without waiting for open connections (server.close()'s
    //       callback only comes once every connection has ended), destroy the queued connections,
    //       and give waiting takers null.
  }

  /** How a connection taken from the queue is handled: here to its end, so the next waits (Python's process_request). */
  protected processRequest(socket: net.Socket, address: Address): Promise<void> {
    // TODO: TCPServer handles one connection at a time: return the promise of finishRequest().
    void this.finishRequest(socket, address);
    return Promise.resolve();
  }

  /** Creates the handler, runs setup, handle, finish, then closes the connection. Never rejects. */
  protected finishRequest(socket: net.Socket, address: Address): Promise<void> {
    const run = this.#runHandler(socket, address);
    this.#inProgress.add(run);
    void run.then(() => this.#inProgress.delete(run));
    return run;
  }

  /** Logs what a handler threw: one line, the client's address and the message (Python's handle_error). */
  protected handleError(address: Address, err: unknown): void {
    // TODO: one line on stderr: `HOST:PORT handler error: MESSAGE` (not the error itself: that is a stack trace).
    console.error(err);
    void address;
  }

  /** Ends our side after pending writes; a client that never ends its own is destroyed after CLOSE_GRACE_MS. */
  protected closeRequest(socket: net.Socket): void {
    // TODO: discard what the client still sends (remove the 'data' listeners, resume()), end our
    //       side, and destroy the socket if it is not closed CLOSE_GRACE_MS later.
    socket.end();
  }

  async #runHandler(socket: net.Socket, address: Address): Promise<void> {
    // TODO: create the handler (new this.Handler(socket, address, this)) and run setup, handle and
    //       finish, each awaited. handle() does not run when setup() failed; finish() always runs.
    //       Whatever a hook throws goes to this.handleError() and the server goes on. Then close
    //       the connection: this.closeRequest(socket).
    void socket;
    void address;
  }

  #accepted(socket: net.Socket): void {
    // TODO: a reset (ECONNRESET) must never crash the server, whatever the handler does or has not
    //       done yet: what does a socket need before anything else happens to it?
    // The address now: once the socket is gone, remoteAddress is undefined.
    const address: Address = [socket.remoteAddress ?? '', socket.remotePort ?? 0];
    if (this.#closed) {
      socket.destroy();
      return;
    }
    const taker = this.#takers.shift();
    if (taker) taker.take({ socket, address });
    else this.#queue.push({ socket, address });
  }

  #nextRequest(forever: boolean): Promise<Queued | null> {
    if (this.#closed || (forever && this.#stopping)) return Promise.resolve(null);
    for (let q = this.#queue.shift(); q; q = this.#queue.shift()) {
      if (!q.socket.destroyed) return Promise.resolve(q);
    }
    return new Promise((take) => this.#takers.push({ take, forever }));
  }
}

type ServerClass = new (...args: any[]) => TCPServer; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Python's ThreadingMixIn: every connection is handled as it arrives, none waits for another. */
export function ThreadingMixIn<Base extends ServerClass>(base: Base) {
  return class Threading extends base {
    protected override processRequest(socket: net.Socket, address: Address): Promise<void> {
      // TODO: handle the connection without waiting for it: the loop takes the next one at once.
      return super.processRequest(socket, address);
    }
  };
}

/** Every connection handled at once: concurrency in one event loop, without threads. */
export class ThreadingTCPServer extends ThreadingMixIn(TCPServer) {
  constructor(serverAddress: Address, Handler: HandlerClass) {
    super(serverAddress, Handler);
  }
}
