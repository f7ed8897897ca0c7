// Lesson 08: the client that does not read. The server's write() never blocks: what the kernel cannot
// take waits in the server's own queue for that client (socket.writableLength). The rule: more than
// 1 MiB waiting there closes that client, and nobody else waits for it.
//
// The kernel buffers several MB of a loopback connection by itself (the server's send buffer and the
// tester's receive buffer), and how much depends on the machine. So these checks do not guess: they
// count the bytes broadcast to the paused tester connection and take off what the kernel holds of it
// (its two queues in /proc/net/tcp) and what the tester read, which leaves what waits in the server.
// Without /proc they fall back to totals that are fair whatever the kernel holds.

import type { CheckDef } from '../harness/check.ts';
import { CheckFailure } from '../harness/errors.ts';
import type { Peer } from '../harness/peer.ts';
import type { Program } from '../harness/program.ts';
import { timing } from '../harness/timing.ts';
import { expectAlive } from './common.ts';
import { addressOf, brief, expectMessage, MAX_QUEUED, messageBytes, queuedInServer, quitsLogged, serverHolds, join, joinMany, type Expected } from './08-chat-wire.ts';

const KiB = 1024;
const kib = (n: number): string => `${Math.round(n / KiB)} KiB`;

/** Most messages on their way at once from the talking tester (it sends the next as one arrives). */
const IN_FLIGHT = 4;
/** Past 1 MiB + this (a lower bound of what waits), the server must have closed the paused client. */
const OVER_BY = 512 * KiB;
/** A paused client is never sent more than this in all: the check gives up (without /proc, the only bound). */
const GIVE_UP_AT = 64 * 1024 * KiB;

const STALL_HINT =
  "One client that does not read must not hold up the others. Never wait for one client's 'drain' before writing to the next, and never pause the sender (lesson 02's backpressure) because a receiver is behind: the room would wait for its slowest reader. Check socket.writableLength after each write instead, and close that one client when it passes 1 MiB.";

/** Sends `count` messages (or until `stop` says so) from talker, keeping IN_FLIGHT on their way; each must reach every receiver in order. */
async function talk(
  talker: Peer,
  receivers: Peer[],
  text: (i: number) => string,
  what: (i: number) => string,
  hint: string,
  after: (m: Expected, i: number) => Promise<boolean>,
): Promise<{ sent: Expected[]; delays: number[] }> {
  const sent: Expected[] = [];
  const delays: number[] = [];
  const flying: Expected[] = [];
  let next = 1;
  for (let done = 1; ; done++) {
    while (flying.length < IN_FLIGHT) {
      const m = { from: talker, text: text(next), sentAt: Date.now() };
      await talker.send(m.text + '\n');
      flying.push(m);
      next++;
    }
    const m = flying.shift() as Expected;
    for (const r of receivers) await expectMessage(r, m, what(done), hint);
    delays.push(Date.now() - m.sentAt);
    sent.push(m);
    if (await after(m, done)) break;
  }
  // What is still on its way reaches everyone too.
  for (const [k, m] of flying.entries()) {
    for (const r of receivers) await expectMessage(r, m, what(sent.length + 1 + k), hint);
    delays.push(Date.now() - m.sentAt);
    sent.push(m);
  }
  return { sent, delays };
}

function figures(delays: number[]): string {
  const sorted = [...delays].sort((x, y) => x - y);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return `${delays.length} messages, delay from send to receipt p50 ${at(0.5)} ms, max ${sorted.at(-1) ?? 0} ms`;
}

/** Waits (bounded) until the server has let go of the connection (without /proc: logged it quits); true when it has. */
async function untilReleased(program: Program, c: Peer, within: number): Promise<boolean> {
  const deadline = performance.now() + within;
  for (;;) {
    const held = serverHolds(program, c) ?? !quitsLogged(program, c);
    if (!held) return true;
    if (performance.now() >= deadline || program.exit !== undefined) return false;
    await program.until(() => program.exit !== undefined, 20);
  }
}

export const slowReaderChecks: CheckDef[] = [
  {
    id: 'brief-pause-kept',
    title: 'a client that stops reading for a while, with well under 1 MiB waiting for it, is kept and gets every message',
    target: 'server',
    shared: true,
    needs: ['sender-gets-own'],
    hint: "Closing a client as soon as write() returns false (past the 16 KiB high-water mark) drops every client that is busy for a moment. The limit is 1 MiB waiting in the server's own queue for that client (socket.writableLength > 1024 * 1024), whatever the kernel buffers besides.",
    async run(ctx) {
      const { port, program } = await ctx.sharedServer();
      const paused = await join(ctx, program, port);
      const talker = await join(ctx, program, port);
      paused.socket.pause();
      ctx.transcript.note(paused.name, 'the tester stops reading this connection');
      // Stop once about 512 KiB wait: with the messages still on their way (4 × 48 KiB) and what the
      // estimate may miss (a segment counted in both kernel queues), well under 1 MiB.
      const target = 512 * KiB;
      const body = 'p'.repeat(48 * KiB - 64);
      let toPaused = 0;
      let waiting: number | undefined;
      const { sent } = await talk(
        talker,
        [talker],
        (i) => `pause ${i} ${body}`,
        (i) => `message ${i} (its own, while ${paused.name} does not read)`,
        this.hint,
        async (m) => {
          toPaused += messageBytes(talker, m.text);
          if (toPaused < target) return false;
          waiting = queuedInServer(paused, port, toPaused);
          return waiting === undefined || waiting >= target;
        },
      );
      ctx.transcript.note('tester', `${kib(toPaused)} were broadcast to ${paused.name}; about ${waiting === undefined ? '?' : kib(waiting)} of it waits in the server (no more than ~${kib(target + IN_FLIGHT * 48 * KiB)}, well under 1 MiB)`);
      if (serverHolds(program, paused) === false) {
        throw new CheckFailure('CLOSED_EARLY', `the server closed ${paused.name}, which had stopped reading, though far less than 1 MiB waited for it`, {
          expected: `${paused.name} kept: about ${waiting === undefined ? kib(toPaused) + ' at most' : kib(waiting)} waited for it in the server, under the limit of 1 MiB`,
          actual: 'the server closed the connection',
          hint: this.hint,
        });
      }
      paused.socket.resume();
      ctx.transcript.note(paused.name, 'the tester reads this connection again');
      for (const [i, m] of sent.entries()) await expectMessage(paused, m, `message ${i + 1} of ${sent.length}, which waited while it did not read`, this.hint);
      const back = await (async () => {
        const m = { from: paused, text: 'I am back', sentAt: Date.now() };
        await paused.send(m.text + '\n');
        return m;
      })();
      await expectMessage(talker, back, `the message ${brief(back.text)} from ${paused.name}`, this.hint);
    },
  },
  {
    id: 'slow-reader-closed',
    title: 'a client that stops reading is closed once over 1 MiB waits for it, and the others keep receiving meanwhile',
    target: 'server',
    shared: true,
    needs: ['sender-gets-own'],
    hint: "After each write, look at the client's socket.writableLength (what the kernel could not take yet). Over 1 MiB: remove that client and socket.destroy() it (end() would wait for a queue that never drains). Never wait for it: the others go on.",
    async run(ctx) {
      const { port, program } = await ctx.sharedServer();
      const slow = await join(ctx, program, port);
      const [talker, bystander] = (await joinMany(ctx, program, port, 2)) as [Peer, Peer];
      slow.socket.pause();
      ctx.transcript.note(slow.name, 'the tester stops reading this connection, for good');
      const body = 's'.repeat(60 * KiB);
      let toSlow = 0;
      let waiting: number | undefined;
      let released = false;
      const { delays } = await talk(
        talker,
        [bystander, talker],
        (i) => `slow ${i} ${body}`,
        (i) => `message ${i} of the talker, while ${slow.name} does not read`,
        STALL_HINT,
        async (m, done) => {
          toSlow += messageBytes(talker, m.text);
          if (toSlow <= MAX_QUEUED) return false; // no server can be past the limit yet
          waiting = queuedInServer(slow, port, toSlow); // one read of /proc/net/tcp: cheap
          const over = waiting !== undefined && waiting > MAX_QUEUED + OVER_BY;
          // Whether the server still holds the connection costs a scan of its fds: every 4th message.
          if (over || done % 4 === 0) {
            const held = serverHolds(program, slow) ?? !quitsLogged(program, slow);
            if (!held) return (released = true);
          }
          if (over && waiting !== undefined) {
            // What waits is past the limit: the server has decided. Give it a moment to act, bounded.
            released = await untilReleased(program, slow, timing.reply);
            if (released) return true;
            throw new CheckFailure('NOT_CLOSED', `the server did not close ${slow.name}, which stopped reading, though more than 1 MiB waits for it`, {
              expected: `${slow.name} closed once more than 1 MiB waits for it in the server`,
              actual: `${kib(toSlow)} were broadcast to it; at least ${kib(waiting)} of that waits in the server (the kernel holds the rest), and the server still holds the connection`,
              hint: this.hint,
            });
          }
          if (toSlow > GIVE_UP_AT) {
            throw new CheckFailure('NOT_CLOSED', `the server did not close ${slow.name}, which stopped reading, after ${kib(toSlow)} were broadcast to it`, {
              expected: `${slow.name} closed once more than 1 MiB waits for it`,
              actual: 'the connection is still open',
              hint: this.hint,
            });
          }
          return false;
        },
      );
      ctx.transcript.note('tester', `the server let go of ${slow.name} after ${kib(toSlow)} were broadcast to it${waiting === undefined ? '' : ` (at the last look, at least ${kib(waiting)} waited in the server)`}; the others: ${figures(delays)}`);
      if (!released && (serverHolds(program, slow) ?? !quitsLogged(program, slow))) {
        throw new CheckFailure('NOT_CLOSED', `the server did not close ${slow.name}`, { expected: 'the connection closed', actual: 'still open', hint: this.hint });
      }
      // The closed connection ends once the tester reads what the kernel still held for it.
      slow.socket.resume();
      if (!(await slow.waitForEnd(timing.reply))) {
        throw new CheckFailure('NOT_CLOSED', `${slow.name}: the connection did not end after the server let it go`, { expected: 'end of stream', actual: 'still open', hint: this.hint });
      }
      await ctx.settle(program);
      expectAlive(program, `it closed ${slow.name}, which did not read`, this.hint);
      const m = { from: bystander, text: 'after the slow one', sentAt: Date.now() };
      await bystander.send(m.text + '\n');
      for (const r of [talker, bystander]) await expectMessage(r, m, `the message ${brief(m.text)} from ${bystander.name} (${addressOf(bystander)})`, this.hint);
    },
  },
];
