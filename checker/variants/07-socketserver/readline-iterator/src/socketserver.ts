// Variant: readLine() is node:readline's async iterator, created at the first call; the connection
// loop is a chain of callbacks (next()) rather than a for loop; the mixin has another name.

import net from 'node:net';
import readline from 'node:readline';

export type Address = [host: string, port: number];
type Ctor = new (request: net.Socket, clientAddress: Address, server: TCPServer) => BaseRequestHandler;

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

export class StreamRequestHandler extends BaseRequestHandler {
  private lines: AsyncIterator<string> | undefined;
  private over = false;

  async readLine(): Promise<string | null> {
    if (this.over) return null;
    if (!this.lines) {
      if (this.request.destroyed) {
        this.over = true;
        return null;
      }
      const rl = readline.createInterface({ input: this.request, crlfDelay: Infinity });
      rl.on('error', () => {}); // surfaces through the iterator
      this.lines = rl[Symbol.asyncIterator]();
    }
    const next = await this.lines.next();
    if (next.done) {
      this.over = true;
      return null;
    }
    return next.value;
  }

  async write(data: string | Uint8Array): Promise<void> {
    const s = this.request;
    if (s.destroyed) throw new Error('closed');
    if (s.write(data)) return;
    await new Promise<void>((resolve, reject) => {
      const onClose = () => reject(new Error('closed before drain'));
      s.once('drain', () => {
        s.off('close', onClose);
        resolve();
      });
      s.once('close', onClose);
    });
  }
}

export class TCPServer {
  serverAddress: Address;
  readonly Handler: Ctor;
  protected net: net.Server;
  protected queue: { socket: net.Socket; address: Address }[] = [];
  protected onArrival: (() => void) | undefined;
  protected active = new Set<Promise<void>>();
  protected stopped: Promise<void> | undefined;
  protected stopRequested = false;
  protected resolveStopped: (() => void) | undefined;
  private listening = false;

  constructor(serverAddress: Address, Handler: Ctor) {
    this.serverAddress = serverAddress;
    this.Handler = Handler;
    this.net = net.createServer({ pauseOnConnect: true, allowHalfOpen: true });
    this.net.on('connection', (socket) => {
      socket.on('error', () => {});
      this.queue.push({ socket, address: [socket.remoteAddress as string, socket.remotePort as number] });
      const wake = this.onArrival;
      this.onArrival = undefined;
      wake?.();
    });
  }

  async listen(): Promise<void> {
    if (this.listening) return;
    await new Promise<void>((resolve, reject) => {
      this.net.once('error', reject);
      this.net.listen({ host: this.serverAddress[0], port: this.serverAddress[1] }, () => {
        this.net.off('error', reject);
        this.net.on('error', () => {});
        resolve();
      });
    });
    this.listening = true;
    const info = this.net.address() as net.AddressInfo;
    this.serverAddress = [info.address, info.port];
  }

  serveForever(): Promise<void> {
    this.stopRequested = false;
    this.stopped = new Promise<void>((resolve) => (this.resolveStopped = resolve));
    const next = (): void => {
      if (this.stopRequested) return this.resolveStopped?.();
      const item = this.queue.shift();
      if (!item) {
        this.onArrival = next;
        return;
      }
      void this.processRequest(item.socket, item.address).then(next);
    };
    return this.listen().then(() => {
      next();
      return this.stopped;
    });
  }

  handleRequest(): Promise<void> {
    return this.listen().then(async () => {
      while (this.queue.length === 0) await new Promise<void>((r) => (this.onArrival = r));
      const item = this.queue.shift() as { socket: net.Socket; address: Address };
      await this.finishRequest(item.socket, item.address);
    });
  }

  async shutdown(): Promise<void> {
    this.stopRequested = true;
    const waiting = this.onArrival;
    this.onArrival = undefined;
    waiting?.();
    await this.stopped;
    await Promise.all([...this.active]);
  }

  serverClose(): Promise<void> {
    this.net.close();
    for (const q of this.queue.splice(0)) q.socket.destroy();
    return Promise.resolve();
  }

  protected processRequest(socket: net.Socket, address: Address): Promise<void> {
    return this.finishRequest(socket, address);
  }

  protected finishRequest(socket: net.Socket, address: Address): Promise<void> {
    const log = (e: unknown) => console.error(`${address[0]}:${address[1]} handler error: ${(e as Error)?.message ?? e}`);
    const job = (async () => {
      let handler: BaseRequestHandler;
      try {
        handler = new this.Handler(socket, address, this);
      } catch (e) {
        log(e);
        socket.destroy();
        return;
      }
      try {
        await handler.setup();
        await handler.handle();
      } catch (e) {
        log(e);
      } finally {
        try {
          await handler.finish();
        } catch (e) {
          log(e);
        }
      }
      socket.unpipe();
      socket.removeAllListeners('data');
      socket.resume();
      socket.end(() => {
        const t = setTimeout(() => socket.destroy(), 10_000);
        socket.once('close', () => clearTimeout(t));
      });
    })();
    this.active.add(job);
    void job.then(() => this.active.delete(job));
    return job;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function Concurrent<T extends new (...args: any[]) => TCPServer>(Base: T) {
  return class extends Base {
    protected override processRequest(socket: net.Socket, address: Address): Promise<void> {
      void this.finishRequest(socket, address);
      return Promise.resolve();
    }
  };
}

export class ThreadingTCPServer extends Concurrent(TCPServer) {}
