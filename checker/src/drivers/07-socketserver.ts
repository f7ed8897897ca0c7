// The driver of lesson 07's module checks: imports the learner's src/socketserver.ts, builds servers
// from the learner's classes with request handlers of the checker's own, and records what those
// handlers see and when (each phase's start and end, the lines readLine() returned, how far write()
// got). The check connects to the servers with tester connections and asks the driver, through
// bounded calls, what happened on the server's side. Runs in a child process of its own.

import net from 'node:net';
import { exported, serveDriver } from './host.ts';
import { describeError } from '../harness/wire-json.ts';
import { Waiter } from '../harness/waiter.ts';

type Address = [host: string, port: number];
interface Handler {
  request: net.Socket;
  clientAddress: Address;
  server: unknown;
  setup(): unknown;
  handle(): unknown;
  finish(): unknown;
}
type HandlerClass = new (request: net.Socket, clientAddress: Address, server: unknown) => Handler;
interface StreamHandler extends Handler {
  readLine(): Promise<string | null>;
  write(data: string | Uint8Array): Promise<void>;
}
interface Server {
  serverAddress: Address;
  listen(): Promise<void>;
  serveForever(): Promise<void>;
  handleRequest(): Promise<void>;
  shutdown(): Promise<void>;
  serverClose(): Promise<void>;
}
type ServerClass = new (address: Address, Handler: HandlerClass) => Server;

export type Kind = 'TCPServer' | 'ThreadingTCPServer';
/**
 * phases: writes "<phase> start" and "<phase> end" around a 30 ms await in each phase (async), or
 *   "<phase>" (sync), and throws where told; held: handle() waits until the check releases it;
 *   lines: writes what each readLine() gave, as JSON, until two more calls after null; echo: answers
 *   each line upper-cased with write(), after delayMs; flood: write()s floodBytes to a client that may
 *   not read; writer: writes until write() fails; idle: the framework's own BaseRequestHandler.
 */
export type HandlerName = 'phases' | 'phases-sync' | 'held' | 'lines' | 'echo' | 'flood' | 'writer' | 'idle';

export interface StartOptions {
  handler: HandlerName;
  /** 'forever': listen(), then serveForever() (default); 'listen': listen() only; 'forever-no-listen': serveForever() without listen(). */
  serve?: 'forever' | 'listen' | 'forever-no-listen';
  port?: number;
  /** phases: the phase that throws, for the connections numbered in throwFor (from 1). */
  throwIn?: 'setup' | 'handle';
  throwFor?: number[];
  /** phases: throw synchronously (a plain method) rather than reject after an await. */
  throwSync?: boolean;
  /** echo: how long each reply waits. */
  delayMs?: number;
  /** flood: how many bytes to write. */
  floodBytes?: number;
}

export interface Ev {
  /** ms since the driver started. */
  t: number;
  /** The connection's number on its server, from 1 (0: the server itself). */
  conn: number;
  /** The client's port, as the handler's clientAddress gave it (0: the server itself). */
  port: number;
  what: string;
  info?: unknown;
}

export interface ConstructInfo {
  clientAddress: unknown;
  isSocket: boolean;
  serverIsTheServer: boolean;
  bytesRead: number;
}

export interface ServerState {
  constructed: number;
  active: number;
  maxActive: number;
  /** flood: bytes whose write() resolved, per client port. */
  written: Record<string, number>;
  flooded: Record<string, boolean>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Running {
  server: Server;
  events: Ev[];
  state: ServerState;
  releases: Map<number, () => void>;
  released: Set<number>;
}

export function main(learner: Record<string, unknown>): void {
  const t0 = performance.now();
  const waiter = new Waiter();
  const servers: Running[] = [];

  const running = (id: number): Running => {
    const r = servers[id];
    if (!r) throw new Error(`no server ${id}`);
    return r;
  };

  function handlerClass(r: Running, opts: StartOptions): HandlerClass {
    const Base = exported<HandlerClass>(learner, 'BaseRequestHandler', 'function');
    const Stream = exported<new (...a: ConstructorParameters<HandlerClass>) => StreamHandler>(learner, 'StreamRequestHandler', 'function');
    const record = (conn: number, port: number, what: string, info?: unknown) => {
      r.events.push({ t: performance.now() - t0, conn, port, what, ...(info !== undefined ? { info } : {}) });
      waiter.notify();
    };
    // Each recording handler is a mixin over the learner's class: the constructor records who it is.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const recording = <B extends new (...a: any[]) => Handler>(B: B) =>
      class extends B {
        readonly conn: number;
        readonly port: number;
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        constructor(...args: any[]) {
          super(...(args as ConstructorParameters<HandlerClass>));
          this.conn = ++r.state.constructed;
          const [request, clientAddress, server] = args as ConstructorParameters<HandlerClass>;
          this.port = Array.isArray(clientAddress) && typeof clientAddress[1] === 'number' ? clientAddress[1] : 0;
          const info: ConstructInfo = {
            clientAddress: this.clientAddress,
            isSocket: this.request instanceof net.Socket && request === this.request,
            serverIsTheServer: this.server === r.server && server === r.server,
            bytesRead: request instanceof net.Socket ? request.bytesRead : -1,
          };
          record(this.conn, this.port, 'construct', info);
        }
        ev(what: string, info?: unknown): void {
          record(this.conn, this.port, what, info);
        }
        say(line: string): void {
          if (!this.request.destroyed && !this.request.writableEnded) this.request.write(line + '\n');
          else this.ev('say-after-close', line);
        }
      };

    switch (opts.handler) {
      case 'idle':
        return recording(Base);
      case 'phases':
      case 'phases-sync': {
        const sync = opts.handler === 'phases-sync';
        const R = recording(Base);
        const phase = (h: InstanceType<typeof R>, name: 'setup' | 'handle' | 'finish'): void | Promise<void> => {
          const throws = opts.throwIn === name && (opts.throwFor ?? []).includes(h.conn);
          const boom = () => new Error(`boom in ${name} #${h.conn}`);
          h.ev(`${name}-start`);
          if (sync) {
            h.say(name);
            if (throws) throw boom();
            h.ev(`${name}-end`);
            return;
          }
          h.say(`${name} start`);
          if (throws && opts.throwSync) throw boom(); // a plain throw, before any await
          return sleep(30).then(() => {
            if (throws) throw boom(); // a rejected promise
            h.say(`${name} end`);
            h.ev(`${name}-end`);
          });
        };
        return class extends R {
          override setup() {
            return phase(this, 'setup');
          }
          override handle() {
            return phase(this, 'handle');
          }
          override finish() {
            return phase(this, 'finish');
          }
        };
      }
      case 'held': {
        const R = recording(Base);
        return class extends R {
          override setup() {
            this.ev('setup-start');
          }
          override async handle() {
            this.ev('handle-start');
            if (!r.released.has(this.port)) await new Promise<void>((resolve) => r.releases.set(this.port, resolve));
            this.ev('handle-end');
          }
          override async finish() {
            this.ev('finish-start');
            await sleep(100);
            this.say('finished');
            this.ev('finish-end');
          }
        };
      }
      case 'lines': {
        const R = recording(Stream);
        return class extends R {
          override async handle() {
            let nulls = 0;
            for (let i = 0; i < 100_000 && nulls < 3; i++) {
              let line: unknown;
              try {
                line = await this.readLine();
              } catch (e) {
                this.say(JSON.stringify({ threw: describeError(e) }));
                return;
              }
              this.ev('line', line);
              this.say(line instanceof Uint8Array ? JSON.stringify({ bytes: Buffer.from(line).toString('utf8') }) : line === undefined ? '{"undefined":true}' : JSON.stringify(line));
              if (line === null) nulls++;
            }
          }
        };
      }
      case 'echo': {
        const R = recording(Stream);
        return class extends R {
          override async handle() {
            r.state.active++;
            r.state.maxActive = Math.max(r.state.maxActive, r.state.active);
            try {
              for (;;) {
                const line = await this.readLine();
                if (line === null) return;
                if (opts.delayMs) await sleep(opts.delayMs);
                await this.write(String(line).toUpperCase() + '\n');
              }
            } finally {
              r.state.active--;
              this.ev('handle-end');
            }
          }
        };
      }
      case 'flood': {
        const R = recording(Stream);
        const chunk = Buffer.alloc(64 * 1024, 'x');
        const total = opts.floodBytes ?? 32 * 1024 * 1024;
        return class extends R {
          override async handle() {
            const key = String(this.port);
            r.state.written[key] = 0;
            while ((r.state.written[key] ?? 0) < total) {
              await this.write(chunk);
              r.state.written[key] = (r.state.written[key] ?? 0) + chunk.length;
            }
            r.state.flooded[key] = true;
            this.ev('flooded');
          }
        };
      }
      case 'writer': {
        const R = recording(Stream);
        const chunk = Buffer.alloc(16 * 1024, 'w');
        return class extends R {
          override async handle() {
            for (let sent = 0; sent < 256 * 1024 * 1024; sent += chunk.length) await this.write(chunk);
          }
        };
      }
    }
  }

  serveDriver({
    async start(kind: Kind, opts: StartOptions): Promise<{ id: number; port: number }> {
      const ServerClass = exported<ServerClass>(learner, kind, 'function');
      const id = servers.length;
      const r: Running = { server: undefined as unknown as Server, events: [], state: { constructed: 0, active: 0, maxActive: 0, written: {}, flooded: {} }, releases: new Map(), released: new Set() };
      servers.push(r);
      r.server = new ServerClass(['127.0.0.1', opts.port ?? 0], handlerClass(r, opts));
      const serve = opts.serve ?? 'forever';
      if (serve !== 'forever-no-listen') await r.server.listen();
      if (serve !== 'listen') {
        r.server.serveForever().then(
          () => r.events.push({ t: performance.now() - t0, conn: 0, port: 0, what: 'serve-forever-resolved' }),
          (e: unknown) => r.events.push({ t: performance.now() - t0, conn: 0, port: 0, what: 'serve-forever-rejected', info: describeError(e) }),
        );
      }
      const address = r.server.serverAddress as unknown;
      const port = Array.isArray(address) ? Number(address[1]) : NaN;
      return { id, port: serve === 'forever-no-listen' ? (opts.port ?? 0) : port };
    },

    serverAddress(id: number): unknown {
      return running(id).server.serverAddress;
    },

    events(id: number): Ev[] {
      return running(id).events;
    },

    state(id: number): ServerState {
      return running(id).state;
    },

    /** Waits (up to within ms) until `count` events named `what` (for that client port, if given) are recorded. */
    async waitFor(id: number, what: string, port: number | null, count: number, within: number): Promise<{ ok: boolean; events: Ev[] }> {
      const r = running(id);
      const ok = await waiter.until(() => r.events.filter((e) => e.what === what && (port === null || e.port === port)).length >= count, within);
      return { ok, events: r.events };
    },

    /** Lets the held handler of that client port return from handle(). */
    release(id: number, port: number): void {
      const r = running(id);
      r.released.add(port);
      r.releases.get(port)?.();
    },

    /** Starts shutdown() and returns at once; its end is recorded as the event shutdown-resolved. */
    shutdown(id: number): void {
      const r = running(id);
      r.events.push({ t: performance.now() - t0, conn: 0, port: 0, what: 'shutdown-called' });
      r.server.shutdown().then(
        () => {
          r.events.push({ t: performance.now() - t0, conn: 0, port: 0, what: 'shutdown-resolved' });
          waiter.notify();
        },
        (e: unknown) => {
          r.events.push({ t: performance.now() - t0, conn: 0, port: 0, what: 'shutdown-rejected', info: describeError(e) });
          waiter.notify();
        },
      );
    },

    /** Starts handleRequest() and returns at once; its end is recorded as handle-request-resolved. */
    handleRequest(id: number): void {
      const r = running(id);
      r.server.handleRequest().then(
        () => {
          r.events.push({ t: performance.now() - t0, conn: 0, port: 0, what: 'handle-request-resolved' });
          waiter.notify();
        },
        (e: unknown) => {
          r.events.push({ t: performance.now() - t0, conn: 0, port: 0, what: 'handle-request-rejected', info: describeError(e) });
          waiter.notify();
        },
      );
    },

    /** serverClose(), awaited: the check bounds the call. */
    async serverClose(id: number): Promise<number> {
      const t = performance.now();
      await running(id).server.serverClose();
      return Math.round(performance.now() - t);
    },

    /** A TCPServer on a port the check holds: what listen() does. */
    async listenBusy(kind: Kind, port: number): Promise<{ resolved: boolean; error?: ReturnType<typeof describeError> }> {
      const ServerClass = exported<ServerClass>(learner, kind, 'function');
      const Base = exported<HandlerClass>(learner, 'BaseRequestHandler', 'function');
      const server = new ServerClass(['127.0.0.1', port], Base);
      try {
        await server.listen();
        return { resolved: true };
      } catch (e) {
        return { resolved: false, error: describeError(e) };
      }
    },

    classes(): Record<string, { type: string; extendsTCPServer?: boolean; extendsBase?: boolean }> {
      const out: Record<string, { type: string; extendsTCPServer?: boolean; extendsBase?: boolean }> = {};
      for (const name of ['BaseRequestHandler', 'StreamRequestHandler', 'TCPServer', 'ThreadingTCPServer']) out[name] = { type: typeof learner[name] };
      const T = learner['TCPServer'];
      const TT = learner['ThreadingTCPServer'];
      const B = learner['BaseRequestHandler'];
      const S = learner['StreamRequestHandler'];
      if (typeof T === 'function' && typeof TT === 'function') (out['ThreadingTCPServer'] as { extendsTCPServer?: boolean }).extendsTCPServer = TT.prototype instanceof T;
      if (typeof B === 'function' && typeof S === 'function') (out['StreamRequestHandler'] as { extendsBase?: boolean }).extendsBase = S.prototype instanceof B;
      return out;
    },
  });
}
