// Variant: no loop at all. Connections are pumped by events: TCPServer starts the next handler when
// the last one is done (a busy flag), ThreadingTCPServer starts each at once; the lifecycle is a
// promise chain; readLine() scans one growing Buffer from an offset; write() has a cap of its own
// before waiting for 'drain' (writableLength), so replies are not awaited one by one.

import { EventEmitter } from 'node:events';
import net from 'node:net';

export type Address = [host: string, port: number];
type HandlerType = new (request: net.Socket, clientAddress: Address, server: TCPServer) => BaseRequestHandler;

export class LineTooLongError extends Error {
  readonly code = 'LINE_TOO_LONG';
}

export class BaseRequestHandler {
  constructor(
    public readonly request: net.Socket,
    public readonly clientAddress: Address,
    public readonly server: TCPServer,
  ) {}
  setup(): void | Promise<void> {}
  handle(): void | Promise<void> {}
  finish(): void | Promise<void> {}
}

export class StreamRequestHandler extends BaseRequestHandler {
  private buf = Buffer.alloc(0);
  private scanned = 0; // bytes of buf known to hold no \n
  private state: 'new' | 'open' | 'ended' | 'failed' = 'new';
  private err: Error | undefined;
  private readonly events = new EventEmitter();

  private start(): void {
    const s = this.request;
    this.state = s.destroyed ? 'ended' : 'open';
    s.pause();
    s.on('data', (c: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, c]) : c;
      if (this.buf.length - this.scanned > 64 * 1024 + 1 && this.buf.indexOf(10, this.scanned) < 0) {
        this.state = 'failed';
        this.err = new LineTooLongError('line too long');
      }
      s.pause();
      this.events.emit('more');
    });
    s.on('end', () => {
      if (this.state === 'open') this.state = 'ended';
      this.events.emit('more');
    });
    s.on('error', (e) => {
      this.state = 'failed';
      this.err = e;
      this.events.emit('more');
    });
    s.on('close', () => {
      if (this.state === 'open') this.state = 'ended';
      this.events.emit('more');
    });
  }

  async readLine(): Promise<string | null> {
    if (this.state === 'new') this.start();
    for (;;) {
      const nl = this.buf.indexOf(10, this.scanned);
      if (nl >= 0) {
        const end = nl > 0 && this.buf[nl - 1] === 13 ? nl - 1 : nl;
        const line = this.buf.toString('utf8', 0, end);
        this.buf = this.buf.subarray(nl + 1);
        this.scanned = 0;
        return line;
      }
      this.scanned = this.buf.length;
      if (this.state === 'failed') throw this.err;
      if (this.state === 'ended') {
        if (this.buf.length === 0) return null;
        const end = this.buf[this.buf.length - 1] === 13 ? this.buf.length - 1 : this.buf.length;
        const line = this.buf.toString('utf8', 0, end);
        this.buf = Buffer.alloc(0);
        this.scanned = 0;
        return line;
      }
      const more = new Promise<void>((r) => this.events.once('more', r));
      this.request.resume();
      await more;
    }
  }

  write(data: string | Uint8Array): Promise<void> {
    const s = this.request;
    if (s.destroyed || s.writableEnded) return Promise.reject(new Error('connection closed'));
    s.write(data);
    if (s.writableLength < 256 * 1024) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onClose = () => reject(new Error('connection closed'));
      s.once('close', onClose);
      s.once('drain', () => {
        s.off('close', onClose);
        resolve();
      });
    });
  }
}

export class TCPServer extends EventEmitter {
  serverAddress: Address;
  readonly Handler: HandlerType;
  private readonly server: net.Server;
  private readonly pending: [net.Socket, Address][] = [];
  private serving = false;
  private oneShot = 0;
  private busy = false;
  private inFlight = 0;
  private ready: Promise<void> | undefined;
  private forever: { resolve: () => void } | undefined;

  constructor(serverAddress: Address, Handler: HandlerType) {
    super();
    this.serverAddress = [serverAddress[0], serverAddress[1]];
    this.Handler = Handler;
    this.server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => {
      socket.on('error', () => {});
      this.pending.push([socket, [socket.remoteAddress ?? '', socket.remotePort ?? 0]]);
      this.pump();
    });
  }

  listen(): Promise<void> {
    return (this.ready ??= new Promise<void>((resolve, reject) => {
      this.server.once('error', (e) => {
        this.ready = undefined;
        reject(e);
      });
      this.server.listen(this.serverAddress[1], this.serverAddress[0], () => {
        this.server.removeAllListeners('error');
        this.server.on('error', () => {});
        const { address, port } = this.server.address() as net.AddressInfo;
        this.serverAddress = [address, port];
        resolve();
      });
    }));
  }

  /** Whether a connection may start now: TCPServer waits until the one before is done. */
  protected mayStart(): boolean {
    return !this.busy;
  }

  private pump(): void {
    while (this.pending.length > 0 && (this.serving || this.oneShot > 0) && this.mayStart()) {
      const [socket, address] = this.pending.shift() as [net.Socket, Address];
      const counted = !this.serving;
      if (counted) this.oneShot--;
      this.busy = true;
      this.inFlight++;
      void this.lifecycle(socket, address).then(() => {
        this.busy = false;
        this.inFlight--;
        this.emit(counted ? 'one-done' : 'done');
        this.pump();
      });
      this.afterStart();
    }
  }

  /** ThreadingTCPServer frees the slot at once. */
  protected afterStart(): void {}
  protected freeSlot(): void {
    this.busy = false;
  }

  serveForever(): Promise<void> {
    return this.listen().then(
      () =>
        new Promise<void>((resolve) => {
          this.forever = { resolve };
          this.serving = true;
          this.pump();
        }),
    );
  }

  async handleRequest(): Promise<void> {
    await this.listen();
    this.oneShot++;
    const done = new Promise<void>((r) => this.once('one-done', r));
    this.pump();
    await done;
  }

  async shutdown(): Promise<void> {
    this.serving = false;
    while (this.inFlight > 0) await new Promise((r) => this.once('done', r));
    this.forever?.resolve();
    this.forever = undefined;
  }

  async serverClose(): Promise<void> {
    this.server.close();
    for (const [s] of this.pending.splice(0)) s.destroy();
  }

  private lifecycle(socket: net.Socket, address: Address): Promise<void> {
    const logError = (e: unknown) => console.error(`${address.join(':')} handler error: ${e instanceof Error ? e.message : String(e)}`);
    let handler: BaseRequestHandler;
    return Promise.resolve()
      .then(() => {
        handler = new this.Handler(socket, address, this);
        return handler.setup();
      })
      .then(() => handler.handle())
      .catch(logError)
      .then(() => handler?.finish())
      .catch(logError)
      .then(() => {
        socket.removeAllListeners('data');
        socket.resume();
        socket.end();
        setTimeout(() => socket.destroy(), 8000).unref();
      });
  }
}

export class ThreadingTCPServer extends TCPServer {
  protected override afterStart(): void {
    this.freeSlot();
  }
}
