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
    this.#attach();
    for (;;) {
      if (this.#next < this.#lines.length) {
        const line = this.#lines[this.#next++] as string;
        if (this.#next === this.#lines.length) {
          this.#lines = [];
          this.#next = 0;
        }
        return line;
      }
      if (this.#error) throw this.#error;
      if (this.#ended) return null;
      this.request.resume();
      await new Promise<void>((wake) => this.#waiters.push(wake));
    }
  }

  /** Writes data; resolves once the socket has taken it, waiting for 'drain' when its buffer is full. */
  write(data: string | Uint8Array): Promise<void> {
    const socket = this.request;
    if (socket.destroyed || socket.writableEnded) {
      return Promise.reject(new ConnectionClosedError(`cannot write to ${this.clientAddress[0]}:${this.clientAddress[1]}: the connection is closed`));
    }
    if (socket.write(data)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (err?: Error) => {
        socket.off('drain', onDrain);
        socket.off('close', onClose);
        if (err) reject(err);
        else resolve();
      };
      const onDrain = () => done();
      const onClose = () => done(new ConnectionClosedError(`the connection to ${this.clientAddress[0]}:${this.clientAddress[1]} closed before it took the data`));
      socket.on('drain', onDrain);
      socket.on('close', onClose);
    });
  }

  #attach(): void {
    if (this.#attached) return;
    this.#attached = true;
    const socket = this.request;
    socket.pause(); // read only while a readLine() waits
    if (socket.destroyed || socket.readableEnded) {
      this.#ended = true;
      this.#error = socket.errored ?? undefined;
      return;
    }
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('end', () => this.#onEnd());
    socket.on('error', (err) => {
      this.#error ??= err;
      this.#wake();
    });
    socket.on('close', () => {
      this.#ended = true;
      this.#wake();
    });
  }

  #onData(chunk: Buffer): void {
    if (this.#error) return;
    let from = 0;
    for (let nl = chunk.indexOf(0x0a); nl >= 0 && !this.#error; nl = chunk.indexOf(0x0a, from)) {
      this.#keep(chunk.subarray(from, nl));
      this.#completeLine();
      from = nl + 1;
    }
    if (!this.#error && from < chunk.length) {
      this.#keep(chunk.subarray(from));
      // the unfinished rest counts too: a peer that never sends \n must not grow our memory
      // (one byte of slack: it may be the \r of a \r\n)
      if (this.#partialBytes > this.maxLineBytes + 1) this.#tooLong();
    }
    if (this.#error || this.#next < this.#lines.length) this.request.pause();
    this.#wake();
  }

  #onEnd(): void {
    // a last line without \n before the peer ended its side still counts
    if (!this.#error && this.#partialBytes > 0) this.#completeLine();
    this.#ended = true;
    this.#wake();
  }

  #keep(piece: Buffer): void {
    if (piece.length === 0) return;
    this.#partial.push(piece);
    this.#partialBytes += piece.length;
  }

  #completeLine(): void {
    // one piece (the usual case: a whole line inside one chunk) needs no copy
    let line = this.#partial.length === 1 ? (this.#partial[0] as Buffer) : Buffer.concat(this.#partial, this.#partialBytes);
    this.#partial = [];
    this.#partialBytes = 0;
    if (line.at(-1) === 0x0d) line = line.subarray(0, -1);
    if (line.length > this.maxLineBytes) {
      this.#tooLong();
      return;
    }
    this.#lines.push(line.toString('utf8')); // decoded only when whole: a split character stays whole
  }

  #tooLong(): void {
    this.#partial = [];
    this.#partialBytes = 0;
    this.#error = new LineTooLongError(`a line from ${this.clientAddress[0]}:${this.clientAddress[1]} is longer than ${this.maxLineBytes} bytes`);
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
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
    // pauseOnConnect: Node reads nothing of a connection until a handler asks for it.
    // allowHalfOpen: a client that ends its side still gets every reply its handler writes.
    this.#server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true }, (socket) => this.#accepted(socket));
  }

  /** Binds and listens (Python's server_bind and server_activate); rejects with Node's error, code EADDRINUSE and so on. */
  listen(): Promise<void> {
    this.#listening ??= new Promise<void>((resolve, reject) => {
      const failed = (err: Error) => {
        this.#listening = undefined;
        reject(err);
      };
      this.#server.once('error', failed);
      this.#server.listen({ host: this.serverAddress[0], port: this.serverAddress[1] }, () => {
        this.#server.off('error', failed);
        // later errors (accept failing for lack of file descriptors, say) must not crash the server
        this.#server.on('error', (err) => console.error(`${this.serverAddress[0]}:${this.serverAddress[1]} server error: ${err.message}`));
        const { address, port } = this.#server.address() as net.AddressInfo;
        this.serverAddress = [address, port];
        resolve();
      });
    });
    return this.#listening;
  }

  /** Handles connections until shutdown(); listens first if needed; resolves once stopped. */
  async serveForever(): Promise<void> {
    if (this.#serving) throw new Error('serveForever() is already running');
    await this.listen();
    this.#stopping = false;
    const loop = async () => {
      for (;;) {
        const request = await this.#nextRequest(true);
        if (!request) return;
        await this.processRequest(request.socket, request.address);
      }
    };
    this.#serving = loop();
    try {
      await this.#serving;
    } finally {
      this.#serving = undefined;
    }
  }

  /** Waits for one connection and handles it to the end. */
  async handleRequest(): Promise<void> {
    await this.listen();
    const request = await this.#nextRequest(false);
    if (request) await this.finishRequest(request.socket, request.address);
  }

  /** Stops serveForever() from taking new connections; resolves once every handler in progress has finished. */
  async shutdown(): Promise<void> {
    this.#stopping = true;
    this.#takers = this.#takers.filter((t) => {
      if (t.forever) t.take(null);
      return !t.forever;
    });
    await this.#serving;
    while (this.#inProgress.size > 0) await Promise.all(this.#inProgress);
  }

  /**
   * Closes the listening socket: the port is free once this resolves. Open connections are not
   * waited for; connections still waiting in the queue are closed unhandled.
   */
  async serverClose(): Promise<void> {
    this.#closed = true;
    this.#stopping = true;
    for (const t of this.#takers.splice(0)) t.take(null);
    for (const { socket } of this.#queue.splice(0)) socket.destroy();
    // server.close() stops listening at once; its callback would wait for every connection to end
    if (this.#server.listening) this.#server.close();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** How a connection taken from the queue is handled: here to its end, so the next waits (Python's process_request). */
  protected processRequest(socket: net.Socket, address: Address): Promise<void> {
    return this.finishRequest(socket, address);
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
    const message = err instanceof Error ? err.message : String(err);
    console.error(`${address[0]}:${address[1]} handler error: ${message.replace(/\s*[\r\n]+\s*/g, ' ')}`);
  }

  /** Ends our side after pending writes; a client that never ends its own is destroyed after CLOSE_GRACE_MS. */
  protected closeRequest(socket: net.Socket): void {
    if (socket.destroyed) return;
    socket.removeAllListeners('data');
    socket.resume(); // what the client still sends is discarded, and its FIN is seen
    socket.end();
    const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  }

  async #runHandler(socket: net.Socket, address: Address): Promise<void> {
    try {
      const handler = new this.Handler(socket, address, this);
      try {
        await handler.setup();
        await handler.handle(); // not after a failed setup
      } catch (err) {
        this.handleError(address, err);
      }
      try {
        await handler.finish(); // always, even after setup or handle threw
      } catch (err) {
        this.handleError(address, err);
      }
    } catch (err) {
      this.handleError(address, err); // the handler's constructor threw
    } finally {
      this.closeRequest(socket);
    }
  }

  #accepted(socket: net.Socket): void {
    // A reset (ECONNRESET) must never crash the server, whatever the handler does or has not done yet.
    socket.on('error', () => {});
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
      void this.finishRequest(socket, address); // not awaited: the loop takes the next connection at once
      return Promise.resolve();
    }
  };
}

/** Every connection handled at once: concurrency in one event loop, without threads. */
export class ThreadingTCPServer extends ThreadingMixIn(TCPServer) {
  constructor(serverAddress: Address, Handler: HandlerClass) {
    super(serverAddress, Handler);
  }
}
