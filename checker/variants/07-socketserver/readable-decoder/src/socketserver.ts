// Variant: readLine() pulls with 'readable' and socket.read(), decodes with one StringDecoder and
// splits the text; sockets are paused in the connection callback (Node buffers a little by itself);
// write() waits for each write's callback; ThreadingTCPServer is a plain subclass; shutdown()
// closes the listening socket at once.

import net from 'node:net';
import { StringDecoder } from 'node:string_decoder';

export type Address = [host: string, port: number];
type HandlerClass = new (request: net.Socket, clientAddress: Address, server: TCPServer) => BaseRequestHandler;

export class BaseRequestHandler {
  constructor(
    readonly request: net.Socket,
    readonly clientAddress: Address,
    readonly server: TCPServer,
  ) {}
  setup(): void | Promise<void> {}
  handle(): void | Promise<void> {}
  finish(): void | Promise<void> {}
}

export class StreamRequestHandler extends BaseRequestHandler {
  private decoder = new StringDecoder('utf8');
  private text = '';
  private done = false;
  private failure: Error | undefined;
  private hooked = false;

  async readLine(): Promise<string | null> {
    const s = this.request;
    if (!this.hooked) {
      this.hooked = true;
      s.on('error', (e) => (this.failure ??= e));
      s.on('end', () => {
        this.text += this.decoder.end();
        this.done = true;
      });
      s.on('close', () => (this.done = true));
      if (s.destroyed) this.done = true;
    }
    for (;;) {
      const nl = this.text.indexOf('\n');
      if (nl >= 0) {
        const line = this.text.slice(0, nl);
        this.text = this.text.slice(nl + 1);
        return line.endsWith('\r') ? line.slice(0, -1) : line;
      }
      if (this.failure) throw this.failure;
      if (this.done) {
        if (this.text === '') return null;
        const last = this.text;
        this.text = '';
        return last.endsWith('\r') ? last.slice(0, -1) : last;
      }
      const chunk = s.read() as Buffer | null;
      if (chunk) {
        this.text += this.decoder.write(chunk);
        continue;
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          s.off('readable', wake);
          s.off('end', wake);
          s.off('close', wake);
          s.off('error', wake);
          resolve();
        };
        s.on('readable', wake);
        s.on('end', wake);
        s.on('close', wake);
        s.on('error', wake);
      });
    }
  }

  write(data: string | Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.request.destroyed || this.request.writableEnded) {
        reject(new Error('the connection is closed'));
        return;
      }
      this.request.write(data, (err) => (err ? reject(err) : resolve()));
    });
  }
}

export class TCPServer {
  serverAddress: Address;
  protected readonly Handler: HandlerClass;
  protected readonly listener: net.Server;
  private waiting: net.Socket[] = [];
  private wakeLoop: (() => void) | undefined;
  private running = new Set<Promise<void>>();
  private loop: Promise<void> | undefined;
  private stop = false;
  private listened: Promise<void> | undefined;

  constructor(serverAddress: Address, Handler: HandlerClass) {
    this.serverAddress = [...serverAddress];
    this.Handler = Handler;
    this.listener = net.createServer({ allowHalfOpen: true }, (socket) => {
      socket.pause();
      socket.on('error', () => {});
      this.waiting.push(socket);
      this.wakeLoop?.();
    });
  }

  listen(): Promise<void> {
    if (!this.listened) {
      this.listened = new Promise<void>((resolve, reject) => {
        const onError = (e: Error) => {
          this.listened = undefined;
          reject(e);
        };
        this.listener.once('error', onError);
        this.listener.listen(this.serverAddress[1], this.serverAddress[0], () => {
          this.listener.off('error', onError);
          this.listener.on('error', (e) => process.stderr.write(`listener error: ${e.message}\n`));
          const a = this.listener.address() as net.AddressInfo;
          this.serverAddress = [a.address, a.port];
          resolve();
        });
      });
    }
    return this.listened;
  }

  private async take(): Promise<net.Socket | null> {
    while (!this.stop) {
      const s = this.waiting.shift();
      if (s) return s;
      await new Promise<void>((r) => (this.wakeLoop = r));
      this.wakeLoop = undefined;
    }
    return null;
  }

  async serveForever(): Promise<void> {
    await this.listen();
    this.stop = false;
    this.loop = (async () => {
      let s: net.Socket | null;
      while ((s = await this.take())) await this.process(s);
    })();
    await this.loop;
  }

  async handleRequest(): Promise<void> {
    await this.listen();
    while (this.waiting.length === 0) await new Promise<void>((r) => (this.wakeLoop = r));
    await this.run(this.waiting.shift() as net.Socket);
  }

  async shutdown(): Promise<void> {
    this.stop = true;
    if (this.listener.listening) this.listener.close(); // this variant stops listening at once
    this.wakeLoop?.();
    await this.loop;
    for (const p of [...this.running]) await p;
  }

  async serverClose(): Promise<void> {
    this.stop = true;
    if (this.listener.listening) this.listener.close();
    for (const s of this.waiting.splice(0)) s.destroy();
    this.wakeLoop?.();
  }

  protected process(socket: net.Socket): Promise<void> {
    return this.run(socket);
  }

  protected run(socket: net.Socket): Promise<void> {
    const p = this.lifecycle(socket);
    this.running.add(p);
    return p.finally(() => this.running.delete(p));
  }

  private async lifecycle(socket: net.Socket): Promise<void> {
    const address: Address = [socket.remoteAddress ?? '?', socket.remotePort ?? 0];
    const report = (e: unknown) => process.stderr.write(`${address[0]}:${address[1]} handler error: ${e instanceof Error ? e.message : String(e)}\n`);
    let h: BaseRequestHandler | undefined;
    try {
      h = new this.Handler(socket, address, this);
      await h.setup();
      await h.handle();
    } catch (e) {
      report(e);
    }
    if (h) await Promise.resolve().then(() => h.finish()).catch(report);
    if (!socket.destroyed) {
      socket.removeAllListeners('readable');
      socket.removeAllListeners('data');
      socket.on('data', () => {});
      socket.resume();
      socket.end();
      const t = setTimeout(() => socket.destroy(), 5000);
      t.unref();
      socket.on('close', () => clearTimeout(t));
    }
  }
}

export class ThreadingTCPServer extends TCPServer {
  protected override process(socket: net.Socket): Promise<void> {
    void this.run(socket);
    return Promise.resolve();
  }
}
