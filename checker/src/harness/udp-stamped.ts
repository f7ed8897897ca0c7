// A UDP socket whose datagrams are stamped with their arrival time by a thread of their own. The
// tester's main thread runs many checks at once, and a stretch of work in one of them (a big write,
// a look at /proc) can keep it from reading a datagram for a while: datagrams that came 200 ms apart
// would then be read, and timed, together. A worker thread that does nothing but receive stamps each
// one as it comes, so "the client resent after its --timeout" is measured on the client's clock of
// events, not on the tester's backlog. It offers the part of dgram.Socket that DatagramSocket uses.

import { EventEmitter } from 'node:events';
import type dgram from 'node:dgram';
import { Worker } from 'node:worker_threads';

/** The worker: plain JavaScript (eval'd), so it needs no TypeScript loader of its own. */
const WORKER = `
const { parentPort } = require('node:worker_threads');
const dgram = require('node:dgram');
const socket = dgram.createSocket('udp4');
const now = () => performance.timeOrigin + performance.now();
socket.on('message', (data, r) => parentPort.postMessage({ type: 'message', data, address: r.address, port: r.port, at: now() }));
socket.on('error', (e) => parentPort.postMessage({ type: 'error', code: e.code, message: e.message }));
socket.on('close', () => parentPort.postMessage({ type: 'close' }));
parentPort.on('message', (m) => {
  if (m.type === 'bind') {
    const failed = (e) => parentPort.postMessage({ type: 'bound', id: m.id, code: e.code, message: e.message });
    socket.once('error', failed);
    socket.bind(m.port, m.address, () => {
      socket.off('error', failed);
      parentPort.postMessage({ type: 'bound', id: m.id, port: socket.address().port });
    });
  } else if (m.type === 'recvBuffer') {
    try { socket.setRecvBufferSize(m.size); } catch {}
  } else if (m.type === 'send') {
    socket.send(Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength), m.port, m.address, (e) =>
      parentPort.postMessage({ type: 'sent', id: m.id, code: e ? e.code || e.message : undefined }));
  } else if (m.type === 'close') {
    try { socket.close(); } catch { parentPort.postMessage({ type: 'close' }); }
  }
});
`;

/** What a send on a closed socket says (as dgram's own would, in words). */
const CLOSED = 'the socket is closed';

type FromWorker =
  | { type: 'message'; data: Uint8Array; address: string; port: number; at: number }
  | { type: 'error'; code?: string; message: string }
  | { type: 'close' }
  | { type: 'bound'; id: number; port?: number; code?: string; message?: string }
  | { type: 'sent'; id: number; code?: string };

/** Emits 'message' (data, rinfo, at) with `at` on this thread's performance.now() clock, 'error' and 'close'. */
export class StampedUdpSocket extends EventEmitter {
  private readonly worker = new Worker(WORKER, { eval: true });
  private readonly waiting = new Map<number, (m: FromWorker) => void>();
  private ids = 0;
  private port = 0;
  private closed = false;

  constructor() {
    super();
    this.worker.on('message', (m: FromWorker) => {
      if (m.type === 'message') {
        const data = Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength);
        this.emit('message', data, { address: m.address, port: m.port, family: 'IPv4', size: data.length }, m.at - performance.timeOrigin);
      } else if (m.type === 'error') {
        this.emit('error', Object.assign(new Error(m.message), m.code ? { code: m.code } : {}));
      } else if (m.type === 'close') {
        this.finish();
      } else {
        this.waiting.get(m.id)?.(m);
        this.waiting.delete(m.id);
      }
    });
    this.worker.on('error', (err) => this.emit('error', err));
    this.worker.on('exit', () => this.finish());
  }

  private ask(m: Record<string, unknown>): Promise<FromWorker> {
    const id = ++this.ids;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.worker.postMessage({ ...m, id });
    });
  }

  bind(port: number, address: string, done: () => void): void {
    void this.ask({ type: 'bind', port, address }).then((m) => {
      if (m.type === 'bound' && m.port !== undefined) {
        this.port = m.port;
        done();
      } else {
        const msg = m.type === 'bound' ? (m.message ?? 'bind failed') : 'bind failed';
        this.emit('error', Object.assign(new Error(msg), m.type === 'bound' && m.code ? { code: m.code } : {}));
      }
    });
  }

  /** Sets the receive buffer in the worker (best effort, as dgram's: capped by the kernel). */
  setRecvBufferSize(size: number): void {
    this.worker.postMessage({ type: 'recvBuffer', size });
  }

  address(): { address: string; port: number } {
    return { address: '127.0.0.1', port: this.port };
  }

  send(bytes: Buffer, port: number, address: string, done: (err: Error | null) => void): void {
    if (this.closed) return done(new Error(CLOSED));
    void this.ask({ type: 'send', data: bytes, port, address }).then((m) => done(m.type === 'sent' && m.code ? new Error(m.code) : null));
  }

  close(): void {
    if (this.closed) return;
    this.worker.postMessage({ type: 'close' });
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiting.values()) w({ type: 'sent', id: 0, code: CLOSED });
    this.waiting.clear();
    void this.worker.terminate();
    this.emit('close');
  }
}

/** What DatagramSocket needs of a socket: dgram's own, or a stamped one. */
export interface UdpEndpoint {
  on(event: 'message', listener: (data: Buffer, rinfo: dgram.RemoteInfo, at?: number) => void): unknown;
  on(event: 'error', listener: (err: NodeJS.ErrnoException) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  once(event: 'error', listener: (err: Error) => void): unknown;
  off(event: 'error', listener: (err: Error) => void): unknown;
  bind(port: number, address: string, done: () => void): unknown;
  setRecvBufferSize(size: number): void;
  address(): { address: string; port: number };
  send(bytes: Buffer, port: number, address: string, done: (err: Error | null) => void): void;
  close(): unknown;
}
