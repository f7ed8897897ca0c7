// The tester as a UDP server, for grading a learner's UDP client. It can do what a real network and a
// real server do to datagrams: lose the first N, answer one twice, answer late, and have a stranger
// (another port, another address) answer first. Every datagram it receives is kept in `history`,
// so a check can count the client's tries and measure the time between them.

import { CheckFailure } from './errors.ts';
import { DatagramSocket, showAddress, type Datagram } from './datagram.ts';
import { timing } from './timing.ts';
import type { Program } from './program.ts';
import type { Transcript } from './transcript.ts';

export interface UdpBehaviour {
  /** The reply to a datagram; undefined sends none. */
  answer: (data: Buffer, d: Datagram) => Buffer | string | undefined;
  /** The first N datagrams get no reply, as if they were lost on the way. */
  dropFirst?: number;
  /** Every reply is sent this many ms after its datagram arrived. */
  delayMs?: number;
  /** Every reply is sent twice, the copy right after the first. */
  duplicate?: boolean;
  /** Before every reply, this datagram comes from strangers: another port of 127.0.0.1, and 127.0.0.2 at the server's own port (where the system has it). */
  decoy?: string;
  /**
   * What happens to each datagram, asked as it arrives, in order (a seeded check draws it); it
   * overrides dropFirst and duplicate. See Fate.
   */
  fate?: (d: Datagram) => Fate;
}

/**
 * What the network and the server do with one datagram: it is answered; answered twice (the copy
 * right after); dropped (no reply, as if lost on the way); or answered late: its reply is held and
 * sent, to where the datagram came from, when the next datagram arrives, before that one is handled
 * (by then the client has resent it, or gone on to its next line). Not sent when that next datagram
 * is another line from the same port: the client's new socket may have got the old port by chance.
 */
export type Fate = 'answer' | 'twice' | 'drop' | 'late';

export class FakeUdpServer extends DatagramSocket {
  private strangers: { socket: DatagramSocket; address: string }[] = [];
  private serving = false;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(transcript: Transcript, name: string) {
    // Its datagrams' arrival times are judged (a client's resend after --timeout): stamped by a thread of their own.
    super(name, transcript, true, true);
  }

  /**
   * Binds 127.0.0.1 at a free port. `created` gets it before it is used, to register its cleanup first.
   * `name` labels it in the transcript ("fake"; a check with two: "seeded").
   */
  static async start(transcript: Transcript, created: (f: FakeUdpServer) => void, name = 'fake'): Promise<FakeUdpServer> {
    const fake = new FakeUdpServer(transcript, name);
    created(fake);
    await fake.bind();
    transcript.note(name, `fake UDP server on 127.0.0.1:${fake.port}`);
    return fake;
  }

  /**
   * The next datagram from the client, waiting (bounded) for it. With the client's program given,
   * its exit ends the wait at once.
   */
  async nextDatagram(program?: Program, within: number = timing.ready, what = 'a datagram', hint?: string): Promise<Datagram> {
    if (this.serving) throw new Error('nextDatagram while serve() is running');
    let exited = false;
    void program?.exited.then(() => {
      exited = true;
      this.poke();
    });
    await this.until(() => this.pending.length > 0 || exited, within);
    const d = await this.take(0);
    if (d) return d;
    const sentSoFar = this.history.length;
    if (exited && program) {
      throw new CheckFailure('EXITED', `the client ${program.describeExit()} before sending ${what} to 127.0.0.1:${this.port}`, {
        expected: `${what} to 127.0.0.1:${this.port} (the --host and --port it was given)`,
        actual: `${sentSoFar} datagram${sentSoFar === 1 ? '' : 's'} before it exited\n${program.describeOutput()}`,
        ...(hint !== undefined ? { hint } : {}),
      });
    }
    throw new CheckFailure('TIMEOUT', `the client did not send ${what} to 127.0.0.1:${this.port} within ${within} ms`, {
      expected: `${what} to 127.0.0.1:${this.port}`,
      actual: `${sentSoFar} datagram${sentSoFar === 1 ? '' : 's'} so far${program ? `\n${program.describeOutput()}` : ''}`,
      hint: hint ?? 'Send each line with socket.send(line, port, host), using the values from --host and --port.',
    });
  }

  /** Sends `data` to where datagram `d` came from, from the server's own port. */
  reply(d: Datagram, data: string | Buffer): Promise<void> {
    return this.sendTo(data, d.from.port, d.from.address, this.name);
  }

  /** Sends `data` to where `d` came from, from strangers: another port, and 127.0.0.1's neighbour 127.0.0.2 at our own port. */
  async decoy(d: Datagram, data: string | Buffer): Promise<void> {
    if (this.strangers.length === 0) {
      const other = new DatagramSocket('stranger', this.transcript);
      this.strangers.push({ socket: other, address: '127.0.0.1' });
      await other.bind();
      const neighbour = new DatagramSocket('stranger', this.transcript);
      try {
        await neighbour.bind(this.port, '127.0.0.2');
        this.strangers.push({ socket: neighbour, address: '127.0.0.2' });
      } catch {
        neighbour.close(); // not every system routes all of 127.0.0.0/8 to loopback
      }
    }
    for (const s of this.strangers) await s.socket.sendTo(data, d.from.port, d.from.address, `stranger ${showAddress(s.address, s.socket.port)}`);
  }

  /** Answers every datagram as `b` says until stop() (or close()). */
  serve(b: UdpBehaviour): void {
    if (this.serving) throw new Error('serve() twice');
    this.serving = true;
    let count = 0;
    /** Replies held by the fate 'late', sent when the next datagram arrives. */
    let held: { d: Datagram; reply: Buffer | string }[] = [];
    const answerOne = async (d: Datagram): Promise<void> => {
      const n = ++count;
      // Decided at once, in the order the datagrams arrived (the seeded draws stay in that order).
      const fate: Fate = b.fate ? b.fate(d) : n <= (b.dropFirst ?? 0) ? 'drop' : b.duplicate ? 'twice' : 'answer';
      const late = held;
      held = [];
      const reply = fate === 'drop' ? undefined : b.answer(d.data, d);
      if (fate === 'late' && reply !== undefined) {
        held.push({ d, reply });
        this.transcript.note(this.name, `(the reply to datagram #${d.n} is held: it will come late, when the next datagram arrives)`, 'tester', { held: d.n });
      }
      for (const h of late) {
        if (this.stopped) return;
        // Another line from the held try's port: a new socket that got the old one's port by chance
        // (a correct client) would take the late reply for its answer. Not sent: it would prove nothing.
        if (h.d.from.port === d.from.port && h.d.from.address === d.from.address && !h.d.data.equals(d.data)) {
          this.transcript.note(this.name, `(datagram #${d.n}, another line, came from the port of #${h.d.n}: the late reply to #${h.d.n} is not sent, a new socket may get an old one's port by chance)`);
          continue;
        }
        this.transcript.note(this.name, `(datagram #${d.n} arrived: now the late reply to #${h.d.n}, to ${showAddress(h.d.from.address, h.d.from.port)})`);
        await this.reply(h.d, h.reply);
      }
      if (fate === 'drop') {
        this.transcript.note(this.name, `(datagram #${d.n} is dropped: as if lost on the way, it gets no reply)`, 'tester', { dropped: d.n });
        return;
      }
      if (reply === undefined || fate === 'late') return;
      if (b.delayMs) await this.later(b.delayMs);
      if (this.stopped) return;
      if (b.decoy !== undefined) await this.decoy(d, b.decoy);
      // The copy goes out right behind the reply, not a send's round trip later: a client that has
      // its reply, closes that socket and opens the next line's could otherwise get the copy on its
      // new socket, if the system gave that one the old port (a correct client, misjudged).
      await Promise.all(fate === 'twice' ? [this.reply(d, reply), this.reply(d, reply)] : [this.reply(d, reply)]);
    };
    this.loop = (async () => {
      while (!this.stopped) {
        await this.until(() => this.pending.length > 0 || this.stopped, timing.checkBudget);
        const d = await this.take(0);
        if (!d || this.stopped) continue;
        // Each reply on its own, so a late one does not hold up the next datagram's.
        void answerOne(d).catch(() => {});
      }
    })();
  }

  /** A pause that stop() cuts short. */
  private later(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  /** Stops answering (datagrams still arrive and are counted in history). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.poke();
    await this.loop;
  }

  override close(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.poke();
    for (const s of this.strangers) s.socket.close();
    super.close();
  }
}
