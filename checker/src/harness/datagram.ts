// One UDP socket held by the tester: as a client of the learner's UDP server (a DatagramPeer), and the
// datagram queue that the fake UDP server shares with it. A datagram is a unit: it is queued, shown in
// the transcript and compared whole, never joined to the one before it or split.

import dgram from 'node:dgram';
import { CheckFailure } from './errors.ts';
import { hexDiff, isText, showBytes } from './bytes.ts';
import { timing } from './timing.ts';
import type { DatagramMeta, Transcript } from './transcript.ts';
import { Waiter } from './waiter.ts';
import { StampedUdpSocket, type UdpEndpoint } from './udp-stamped.ts';

export interface Datagram {
  data: Buffer;
  from: { address: string; port: number };
  /** When it arrived (performance.now()). */
  at: number;
  /** Its number among the datagrams this socket received, from 1. */
  n: number;
}

export interface DatagramExpectOptions {
  within?: number;
  /** Says what the datagram is, for the message: "the reply to \"hello\"". */
  what?: string;
  hint?: string;
  /** The port the reply must come from (the server's, by default). */
  fromPort?: number;
}

/** "127.0.0.1:40001" shown as ":40001"; other hosts in full. */
export function showAddress(address: string, port: number): string {
  return address === '127.0.0.1' ? `:${port}` : `${address}:${port}`;
}

let groups = 0;

/**
 * A bound UDP socket whose datagrams are queued as they arrive, one transcript entry per datagram
 * (the entry's label carries its number and the other end's port, so none is merged with another).
 */
export class DatagramSocket {
  readonly socket: UdpEndpoint;
  private readonly queue: Datagram[] = [];
  /** Every datagram this socket received, in order (taken or not). */
  readonly history: Datagram[] = [];
  private readonly waiter = new Waiter();
  private received = 0;
  private sentCount = 0;
  private closed = false;
  private error: Error | undefined;
  port = 0;

  /**
   * stamped: arrival times taken by a thread of its own (udp-stamped.ts), for a socket whose timing
   * is judged; fake: the socket is the tester's fake UDP server (said in the transcript).
   */
  constructor(
    readonly name: string,
    protected readonly transcript: Transcript,
    stamped = false,
    private readonly fake = false,
  ) {
    this.socket = stamped ? new StampedUdpSocket() : (dgram.createSocket('udp4') as unknown as UdpEndpoint);
    this.socket.on('message', (data: Buffer, rinfo: dgram.RemoteInfo, at?: number) => {
      const d: Datagram = { data, from: { address: rinfo.address, port: rinfo.port }, at: at ?? performance.now(), n: ++this.received };
      const peer = showAddress(rinfo.address, rinfo.port);
      transcript.received(`${name} #${d.n} from ${peer}`, 0, data, this.meta(name, d.n, peer));
      this.queue.push(d);
      this.history.push(d);
      this.waiter.notify();
    });
    this.socket.on('error', (err: NodeJS.ErrnoException) => {
      this.error = err;
      transcript.note(name, `socket error ${err.code ?? err.message}`);
      this.waiter.notify();
    });
    this.socket.on('close', () => {
      this.closed = true;
      this.waiter.notify();
    });
  }

  /** Binds to 127.0.0.1 (port 0: any free port), with a receive buffer big enough for a burst. */
  async bind(port = 0, address = '127.0.0.1'): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.socket.once('error', reject);
      this.socket.bind(port, address, () => {
        this.socket.off('error', reject);
        resolve();
      });
    });
    try {
      this.socket.setRecvBufferSize(4 * 1024 * 1024); // capped by the kernel's rmem_max
    } catch {
      // the default buffer holds a few hundred small datagrams
    }
    this.port = this.socket.address().port;
  }

  /** Sends one datagram; resolves once the kernel has taken it. */
  async sendTo(data: string | Buffer, port: number, address = '127.0.0.1', label = this.name): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const n = ++this.sentCount;
    const peer = showAddress(address, port);
    this.transcript.sent(`${label} #${n} to ${peer}`, 0, bytes, ++groups, this.meta(label, n, peer));
    await new Promise<void>((resolve, reject) => {
      this.socket.send(bytes, port, address, (err) => (err ? reject(err) : resolve()));
    }).catch((err: NodeJS.ErrnoException) => {
      throw new CheckFailure('CLOSED_EARLY', `${this.name}: the tester could not send ${showBytes(bytes, 60)} to ${address}:${port}: ${err.code ?? err.message}`, {});
    });
  }

  private meta(socket: string, n: number, peer: string): DatagramMeta {
    return { socket, n, peer, ...(this.fake ? { fake: true } : {}) };
  }

  /** The datagrams received and not taken yet. */
  get pending(): readonly Datagram[] {
    return this.queue;
  }

  /** Waits (bounded) until test() holds, re-tested on every datagram. */
  until(test: () => boolean, ms: number): Promise<boolean> {
    return this.waiter.until(test, ms);
  }

  /** Wakes whoever waits here (an outside event: a program exited). */
  poke(): void {
    this.waiter.notify();
  }

  /** The next datagram, or undefined at the deadline. */
  async take(within: number): Promise<Datagram | undefined> {
    await this.waiter.until(() => this.queue.length > 0 || this.closed, within);
    return this.queue.shift();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }

  protected get socketError(): Error | undefined {
    return this.error;
  }
}

/** The tester as a client of a UDP server on 127.0.0.1: sends datagrams to it and expects replies. */
export class DatagramPeer extends DatagramSocket {
  private constructor(
    name: string,
    transcript: Transcript,
    /** The server's port: where send() goes, and where replies must come from. */
    readonly target: number,
  ) {
    super(name, transcript);
  }

  /** Opens a socket on 127.0.0.1 at a free port. `created` gets it before it is used, to register its cleanup first. */
  static async open(target: number, name: string, transcript: Transcript, created: (p: DatagramPeer) => void): Promise<DatagramPeer> {
    const peer = new DatagramPeer(name, transcript, target);
    created(peer);
    await peer.bind();
    transcript.note(name, `UDP socket on 127.0.0.1:${peer.port}, talking to 127.0.0.1:${target}`);
    return peer;
  }

  /** Sends one datagram to the server. */
  send(data: string | Buffer): Promise<void> {
    return this.sendTo(data, this.target);
  }

  /** The next datagram, whatever it holds; fails at the deadline. */
  async nextDatagram(within: number = timing.reply, what = 'a reply'): Promise<Datagram> {
    const d = await this.take(within);
    if (!d) {
      throw new CheckFailure('TIMEOUT', `${this.name}: ${what} did not arrive within ${within} ms`, {
        expected: `one datagram from 127.0.0.1:${this.target}`,
        actual: this.socketError ? `a socket error (${(this.socketError as NodeJS.ErrnoException).code ?? this.socketError.message})` : 'no datagram',
      });
    }
    return d;
  }

  /** The next datagram must be exactly `expected`, from the server's port. */
  async expectDatagram(expected: string | Buffer, opts: DatagramExpectOptions = {}): Promise<Datagram> {
    const want = typeof expected === 'string' ? Buffer.from(expected, 'utf8') : expected;
    const within = opts.within ?? timing.reply;
    const what = opts.what ?? `the datagram ${showBytes(want, 60)}`;
    const hint = opts.hint !== undefined ? { hint: opts.hint } : {};
    const d = await this.take(within);
    if (!d) {
      throw new CheckFailure('TIMEOUT', `${this.name}: ${what} did not arrive within ${within} ms`, {
        expected: `one datagram of ${want.length} bytes: ${showBytes(want)}`,
        actual: 'no datagram (on loopback a datagram is not lost unless a buffer overflows: the server sent no reply)',
        ...hint,
      });
    }
    checkDatagram(d, want, what, opts.fromPort ?? this.target, this.name, opts.hint);
    return d;
  }

  /** No datagram may arrive for ms. Use only where silence is the behaviour under test. */
  async expectNoDatagram(ms: number, what: string, hint?: string): Promise<void> {
    const arrived = await this.until(() => this.pending.length > 0, ms);
    const d = this.pending[0];
    if (arrived && d) {
      throw new CheckFailure('UNEXPECTED_DATA', `${this.name}: a datagram arrived ${what}`, {
        expected: `no datagram for ${ms} ms`,
        actual: showBytes(d.data),
        ...(hint !== undefined ? { hint } : {}),
      });
    }
  }
}

/** A datagram compared with what was expected: its bytes whole, and the port it came from. */
export function checkDatagram(d: Datagram, want: Buffer, what: string, fromPort: number, name: string, hint?: string): void {
  const h = hint !== undefined ? { hint } : {};
  if (!d.data.equals(want)) {
    const diff = isText(d.data) && isText(want) && d.data.length < 200 ? '' : `\n${hexDiff(want, d.data)}`;
    throw new CheckFailure('WRONG_BYTES', `${name}: datagram #${d.n} is not ${what}`, {
      expected: `one datagram of ${want.length} byte${want.length === 1 ? '' : 's'}: ${showBytes(want)}`,
      actual: `a datagram of ${d.data.length} byte${d.data.length === 1 ? '' : 's'}: ${showBytes(d.data)}${diff}`,
      ...h,
    });
  }
  if (d.from.port !== fromPort || d.from.address !== '127.0.0.1') {
    throw new CheckFailure('WRONG_ADDRESS', `${name}: ${what} came from ${d.from.address}:${d.from.port}, not from the server's 127.0.0.1:${fromPort}`, {
      expected: `a reply from 127.0.0.1:${fromPort}, the socket the request was sent to`,
      actual: `a reply from ${d.from.address}:${d.from.port}`,
      hint: "Reply with the socket that received the datagram: socket.send(reply, rinfo.port, rinfo.address). A client ignores replies from any other address or port.",
    });
  }
}
