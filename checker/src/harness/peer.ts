// One end of a TCP connection held by the tester: as a client of the learner's server,
// or as the fake server's side of a connection from the learner's client.
// Every expectation waits for an event with a deadline and fails with what arrived.

import net from 'node:net';
import { Waiter } from './waiter.ts';
import { CheckFailure, withDeadline } from './errors.ts';
import { hexDiff, isText, showBytes } from './bytes.ts';
import { pause, timing } from './timing.ts';
import type { Transcript } from './transcript.ts';
import { describePlan, type Choices, type SendPlan } from './choices.ts';

export interface SendOptions {
  /** Write one byte at a time with Nagle off and a short gap, so the peer reads them one by one. */
  byteByByte?: boolean;
  /** Split the bytes at these offsets, one write per piece, with a short gap between writes. */
  splitAt?: number[];
  /**
   * Cut the bytes where these choices say (Choices.sendPlan: a few cuts, many of them next to a \n,
   * a \r, the middle of a character or an offset in `near`), with a drawn pause after each piece.
   * What was chosen goes to the transcript and to the choices' notes.
   */
  seeded?: Choices;
  /** With seeded: offsets worth cutting next to besides the usual ones (a limit, the end of a length line). */
  near?: number[];
  /** With seeded: the places to cut next to instead of the usual ones (a binary frame's boundaries). */
  spots?: number[];
  /** With seeded: the most cuts (6 by default). */
  maxCuts?: number;
  /** With seeded: what the bytes are, for the notes ("the upload of a.txt"). */
  what?: string;
}

export interface ExpectOptions {
  /** What the learner should try when this expectation fails. */
  hint?: string;
  /** Deadline for this wait, ms. */
  within?: number;
  /** Says what the bytes are, for the message: "the greeting", "the reply to \"hello\"". */
  what?: string;
}

let sendGroups = 0;

/** The most a tester connection buffers before it stops reading (a program that floods it). */
const MAX_BUFFERED = 64 * 1024 * 1024;

export class Peer {
  readonly name: string;
  readonly socket: net.Socket;
  private readonly transcript: Transcript;
  // What arrived and no expectation has consumed yet: buf[start, end), grown by doubling, so reading
  // megabytes costs linear time. Past MAX_BUFFERED the socket is paused and the expectation fails.
  private buf = Buffer.alloc(0);
  private bufStart = 0;
  private bufEnd = 0;
  private overflowed = false;
  private recvOffset = 0;
  private sendOffset = 0;
  private ended = false;
  private closed = false;
  private socketError: Error | undefined;
  private readonly waiter = new Waiter();
  /** The local port, remembered: a destroyed socket forgets it. */
  private port = 0;

  constructor(socket: net.Socket, name: string, transcript: Transcript) {
    this.socket = socket;
    socket.once('connect', () => (this.port = socket.localPort ?? 0));
    this.name = name;
    this.transcript = transcript;
    socket.on('data', (chunk: Buffer) => {
      transcript.received(name, this.recvOffset, chunk);
      this.recvOffset += chunk.length;
      this.append(chunk);
      if (this.bufEnd - this.bufStart > MAX_BUFFERED) {
        this.overflowed = true;
        socket.pause();
      }
      this.notify();
    });
    socket.on('end', () => {
      this.ended = true;
      transcript.note(name, 'peer closed its side (end of stream)');
      this.notify();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.socketError = err;
      transcript.note(name, `socket error ${err.code ?? err.message}`);
      this.notify();
    });
    socket.on('close', () => {
      this.closed = true;
      this.notify();
    });
  }

  /**
   * Connects to host:port as a tester client. `created` gets the peer before the socket is used,
   * so the caller can register its cleanup first.
   */
  static connect(port: number, name: string, transcript: Transcript, created: (p: Peer) => void, host = '127.0.0.1'): Promise<Peer> {
    const socket = net.connect({ host, port, allowHalfOpen: true });
    const peer = new Peer(socket, name, transcript);
    created(peer);
    const connected = new Promise<Peer>((resolve, reject) => {
      socket.once('connect', () => {
        transcript.note(name, `connected to ${host}:${port} from port ${socket.localPort ?? '?'}`);
        resolve(peer);
      });
      socket.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          new CheckFailure('CONNECT_FAILED', `could not connect to ${host}:${port}: ${err.code ?? err.message}`, {
            hint: 'Is the server still running and listening on the port it printed?',
          }),
        ),
      );
    });
    return withDeadline(connected, timing.connect, () => {
      socket.destroy();
      return new CheckFailure('CONNECT_FAILED', `connecting to ${host}:${port} took longer than ${timing.connect} ms`, {
        hint: 'A server whose accept queue is full, or that never calls listen(), cannot take connections.',
      });
    });
  }

  get localPort(): number {
    return this.socket.localPort ?? this.port;
  }
  get remotePort(): number {
    return this.socket.remotePort ?? 0;
  }
  /** The bytes received and not yet consumed by an expectation (a copy). */
  get unread(): Buffer {
    return Buffer.from(this.pending);
  }

  /** The unconsumed bytes, as a view that the next append may move: use it synchronously. */
  private get pending(): Buffer {
    return this.buf.subarray(this.bufStart, this.bufEnd);
  }

  private append(chunk: Buffer): void {
    const used = this.bufEnd - this.bufStart;
    if (this.bufEnd + chunk.length > this.buf.length) {
      const need = used + chunk.length;
      if (need <= this.buf.length / 2) {
        this.buf.copy(this.buf, 0, this.bufStart, this.bufEnd); // room enough: move the unread bytes to the front
      } else {
        const bigger = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2, 4096));
        this.buf.copy(bigger, 0, this.bufStart, this.bufEnd);
        this.buf = bigger;
      }
      this.bufStart = 0;
      this.bufEnd = used;
    }
    chunk.copy(this.buf, this.bufEnd);
    this.bufEnd += chunk.length;
  }

  /** Consumes n bytes of what arrived. */
  private consume(n: number): void {
    this.bufStart = Math.min(this.bufEnd, this.bufStart + n);
    if (this.bufStart === this.bufEnd) this.bufStart = this.bufEnd = 0;
  }
  get hasEnded(): boolean {
    return this.ended;
  }

  private notify(): void {
    this.waiter.notify();
  }

  /** Waits until test() holds, re-tested on every event; false at the deadline. */
  private until(test: () => boolean, ms: number): Promise<boolean> {
    return this.waiter.until(test, ms);
  }

  private get finished(): boolean {
    return this.ended || this.closed || this.socketError !== undefined || this.overflowed;
  }

  /**
   * Sends bytes, adversarially when asked. Resolves when every piece was handed to the kernel, with
   * where the bytes were cut and the pause after each piece (ms).
   */
  async send(data: string | Buffer, opts: SendOptions = {}): Promise<SendPlan> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const group = ++sendGroups;
    let pieces: Buffer[];
    let gaps: number[] | undefined;
    if (opts.seeded) {
      const { near, spots, maxCuts, what } = opts;
      const plan = opts.seeded.sendPlan(bytes, { ...(near ? { near } : {}), ...(spots ? { spots } : {}), ...(maxCuts !== undefined ? { maxCuts } : {}) });
      const size = `${bytes.length} byte${bytes.length === 1 ? '' : 's'}`;
      opts.seeded.note(`${this.name} sent ${what ? `${what} (${size})` : size} ${describePlan(plan)}`);
      this.transcript.note(this.name, `(the seed: ${what ? `${what} ` : ''}${describePlan(plan)})`);
      if (plan.cuts.length) this.socket.setNoDelay(true);
      pieces = [];
      let from = 0;
      for (const at of [...plan.cuts, bytes.length]) {
        pieces.push(bytes.subarray(from, at));
        from = at;
      }
      gaps = plan.gaps;
    } else if (opts.byteByByte) {
      this.socket.setNoDelay(true);
      pieces = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    } else if (opts.splitAt && opts.splitAt.length > 0) {
      this.socket.setNoDelay(true);
      pieces = [];
      let from = 0;
      for (const at of [...opts.splitAt, bytes.length]) {
        if (at > from) pieces.push(bytes.subarray(from, at));
        from = Math.max(from, at);
      }
    } else {
      pieces = [bytes];
    }
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i] as Buffer;
      if (this.socket.destroyed || this.socket.writableEnded) {
        throw new CheckFailure('CLOSED_EARLY', `${this.name}: the connection was closed before the tester could send ${showBytes(piece)}`, {
          actual: this.describeReceived(),
        });
      }
      this.transcript.sent(this.name, this.sendOffset, piece, group);
      this.sendOffset += piece.length;
      await new Promise<void>((resolve) => this.socket.write(piece, () => resolve()));
      const gap = gaps ? (gaps[i] ?? 0) : timing.byteGap;
      if (i < pieces.length - 1 && gap > 0) await pause(gap);
    }
    const cuts: number[] = [];
    let at = 0;
    for (const p of pieces.slice(0, -1)) cuts.push((at += p.length));
    return { cuts, gaps: gaps ?? cuts.map(() => timing.byteGap) };
  }

  /** Half-close: the tester ends its side and can still read. */
  end(): Promise<void> {
    this.transcript.note(this.name, 'tester closed its side (half-close, FIN)');
    return new Promise((resolve) => this.socket.end(resolve));
  }

  /** Abort the connection with a TCP RST. */
  reset(): void {
    this.transcript.note(this.name, 'tester reset the connection (RST)');
    this.socket.resetAndDestroy();
  }

  destroy(): void {
    if (!this.socket.destroyed) this.socket.destroy();
  }

  private describeReceived(): string {
    const what = this.pending.length ? showBytes(this.pending) : 'nothing';
    if (this.overflowed) return `${what} (over ${MAX_BUFFERED} bytes: the tester stopped reading)`;
    const tail = this.socketError ? ` then a socket error (${(this.socketError as NodeJS.ErrnoException).code ?? this.socketError.message})` : this.ended || this.closed ? ' then end of stream' : '';
    return `${what}${tail}`;
  }

  /** Reads one line (without its \n or \r\n). A last line without \n before end of stream counts. null: closed with nothing left. */
  async readLine(within: number = timing.reply): Promise<string | null> {
    const ok = await this.until(() => this.pending.includes(0x0a) || this.finished, within);
    if (!ok) {
      throw new CheckFailure('TIMEOUT', `${this.name}: no complete line arrived within ${within} ms`, {
        actual: this.describeReceived(),
      });
    }
    const nl = this.pending.indexOf(0x0a);
    if (nl < 0) {
      if (this.pending.length === 0) return null;
      const rest = this.pending.toString('utf8');
      this.consume(this.pending.length);
      return rest;
    }
    let line = this.pending.subarray(0, nl);
    if (line.at(-1) === 0x0d) line = line.subarray(0, -1);
    const text = line.toString('utf8');
    this.consume(nl + 1);
    return text;
  }

  /** The next line must be exactly `expected` (a \r\n ending is accepted). */
  async expectLine(expected: string, opts: ExpectOptions = {}): Promise<void> {
    const within = opts.within ?? timing.reply;
    const what = opts.what ?? `the line ${JSON.stringify(expected)}`;
    const want = Buffer.from(expected + '\n', 'utf8');
    const ok = await this.until(() => this.pending.includes(0x0a) || this.finished, within);
    const nl = this.pending.indexOf(0x0a);
    if (!ok || nl < 0) {
      const code = ok ? 'CLOSED_EARLY' : 'TIMEOUT';
      const why = ok
        ? this.pending.length
          ? `the connection ended before ${what} was complete (no \\n)`
          : `the connection ended before ${what} arrived`
        : `${what} did not arrive within ${within} ms`;
      // A last line without \n before end of stream counts as a line.
      if (ok && this.pending.length && nl < 0 && this.pending.equals(want.subarray(0, -1))) {
        this.consume(this.pending.length);
        return;
      }
      throw new CheckFailure(code, `${this.name}: ${why}`, {
        expected: showBytes(want),
        actual: this.describeReceived(),
        ...(opts.hint !== undefined ? { hint: opts.hint } : {}),
      });
    }
    let got = Buffer.from(this.pending.subarray(0, nl + 1));
    const crlf = got.length >= 2 && got[got.length - 2] === 0x0d;
    if (crlf) got = Buffer.concat([got.subarray(0, -2), Buffer.from('\n')]);
    if (!got.equals(want)) {
      const diff = isText(got) && isText(want) ? '' : `\n${hexDiff(want, got)}`;
      throw new CheckFailure('WRONG_BYTES', `${this.name}: ${what} is not what arrived`, {
        expected: showBytes(want),
        actual: showBytes(got) + diff,
        ...(opts.hint !== undefined ? { hint: opts.hint } : {}),
      });
    }
    this.consume(nl + 1);
  }

  /** The next bytes must be exactly `expected`. */
  async expectBytes(expected: Buffer | string, opts: ExpectOptions = {}): Promise<void> {
    const within = opts.within ?? timing.reply;
    const want = typeof expected === 'string' ? Buffer.from(expected, 'utf8') : expected;
    const what = opts.what ?? `${want.length} bytes`;
    const ok = await this.until(() => this.pending.length >= want.length || this.finished || !want.subarray(0, this.pending.length).equals(this.pending.subarray(0, want.length)), within);
    const got = Buffer.from(this.pending.subarray(0, want.length));
    if (got.equals(want)) {
      this.consume(want.length);
      return;
    }
    const prefixOk = want.subarray(0, got.length).equals(got);
    const code = !ok ? 'TIMEOUT' : prefixOk ? 'CLOSED_EARLY' : 'WRONG_BYTES';
    const why = !ok ? `${what} did not arrive within ${within} ms` : prefixOk ? `the connection ended before ${what} arrived` : `what arrived is not ${what}`;
    throw new CheckFailure(code, `${this.name}: ${why}`, {
      expected: showBytes(want),
      actual: `${this.describeReceived()}${prefixOk ? '' : `\n${hexDiff(want, got)}`}`,
      ...(opts.hint !== undefined ? { hint: opts.hint } : {}),
    });
  }

  /** The peer must end the connection next, with no further bytes. */
  async expectClose(opts: ExpectOptions = {}): Promise<void> {
    const within = opts.within ?? timing.reply;
    const ok = await this.until(() => this.finished || this.pending.length > 0, within);
    if (this.pending.length > 0) {
      throw new CheckFailure('UNEXPECTED_DATA', `${this.name}: expected the connection to close, but more bytes arrived`, {
        expected: 'end of stream',
        actual: this.describeReceived(),
        ...(opts.hint !== undefined ? { hint: opts.hint } : {}),
      });
    }
    if (!ok) {
      throw new CheckFailure('NOT_CLOSED', `${this.name}: the connection was still open ${within} ms after ${opts.what ?? 'the last reply'}`, {
        expected: 'end of stream',
        actual: 'the connection stayed open',
        ...(opts.hint !== undefined ? { hint: opts.hint } : {}),
      });
    }
  }

  /** Waits until the peer has ended its side (for fake servers: the client half-closed or left). */
  async waitForEnd(within: number = timing.reply): Promise<boolean> {
    return this.until(() => this.finished, within);
  }

  /** Nothing may arrive for ms. Use only where silence is the behaviour under test. */
  async expectNoData(ms: number, opts: ExpectOptions = {}): Promise<void> {
    const arrived = await this.until(() => this.pending.length > 0, ms);
    if (arrived) {
      throw new CheckFailure('UNEXPECTED_DATA', `${this.name}: bytes arrived where none should`, {
        expected: `no bytes for ${ms} ms`,
        actual: this.describeReceived(),
        ...(opts.hint !== undefined ? { hint: opts.hint } : {}),
      });
    }
  }
}
