// Lesson 04's client checks: the pipelining client against fake servers that answer only after
// every line has arrived (a lock-step client deadlocks there), that send every reply in one write,
// and that dribble the replies byte by byte. The fake servers never close first: the client must
// exit once it has one reply per line.

import type { CheckContext, CheckDef } from '../harness/check.ts';
import type { Choices } from '../harness/choices.ts';
import { CheckFailure } from '../harness/errors.ts';
import type { Peer } from '../harness/peer.ts';
import type { Program } from '../harness/program.ts';
import { timing } from '../harness/timing.ts';
import { fixedThenSeeded } from '../harness/seeded.ts';
import { clientConnectionRefused, expectClientLines, noStackTrace } from './common.ts';

/**
 * How the fake server answers: after every line has arrived, one write per reply; every reply in one
 * write; each reply as its line arrives, byte by byte; or as the seed says (the seeded case): after
 * each line it sends the replies it holds, or holds them for later (coalescing them with the next
 * ones; the rest after the last line), every write cut where the seed says.
 */
type Answer = 'after-all' | 'one-write' | 'dribble' | { seeded: Choices; maxCuts: number };

/**
 * Plays lesson 04's server to the client: reads `count` lines, answering `N LINE` as `answer` says.
 * Rejects, saying what the client did, when the lines do not all come.
 */
async function serve(ctx: CheckContext, conn: Peer, program: Program, count: number, answer: Answer, hint: string): Promise<void> {
  const seen: string[] = [];
  const replies: string[] = [];
  while (seen.length < count) {
    let line: string | null;
    try {
      line = await conn.readLine(timing.reply);
    } catch (e) {
      if (!(e instanceof CheckFailure) || e.code !== 'TIMEOUT') throw e;
      const waiting = seen.length > 0 && answer === 'after-all';
      throw new CheckFailure('TIMEOUT', waiting ? `deadlock: the client sent ${seen.length} of its ${count} lines, then waited` : `the client sent ${seen.length} of its ${count} lines, then nothing for ${timing.reply} ms`, {
        expected: `all ${count} lines of its input, without waiting for replies (this server answers only once every line has arrived)`,
        actual: `${seen.map((l) => JSON.stringify(l)).join(', ') || 'nothing'}\n${program.describeOutput()}`,
        hint: waiting ? 'This is the lock-step client: it waits for each reply before sending the next line. Write every line at once, and read the replies as they come.' : hint,
      });
    }
    if (line === null) {
      throw new CheckFailure('CLOSED_EARLY', `the client ended the connection after sending ${seen.length} of its ${count} lines`, {
        expected: `${count} lines, then the replies read before exiting`,
        actual: `${seen.map((l) => JSON.stringify(l)).join(', ') || 'nothing'}\n${program.describeOutput()}`,
        hint,
      });
    }
    seen.push(line);
    const reply = `${seen.length} ${line}\n`;
    if (answer === 'dribble') await conn.send(reply, { byteByByte: true });
    else replies.push(reply);
    if (typeof answer === 'object' && seen.length < count) {
      if (answer.seeded.below(2) === 1) answer.seeded.note(`${conn.name} holds the replies to line ${seen.length - replies.length + 1}${replies.length > 1 ? `-${seen.length}` : ''} for later`);
      else await conn.send(replies.splice(0).join(''), { seeded: answer.seeded, maxCuts: answer.maxCuts });
    }
  }
  if (answer === 'after-all') for (const r of replies) await conn.send(r);
  if (answer === 'one-write') await conn.send(replies.join(''));
  if (typeof answer === 'object' && replies.length) await conn.send(replies.join(''), { seeded: answer.seeded, maxCuts: answer.maxCuts });
  ctx.transcript.note(conn.name, 'the fake server has answered every line and keeps the connection open');
}

/** Runs the client on `lines` against a fake server that answers as `answer` says; checks its output and exit. */
async function runClient(ctx: CheckContext, lines: string[], answer: Answer, hint: string): Promise<void> {
  const seeded = typeof answer === 'object';
  const fake = await ctx.fakeServer(seeded ? 'seeded' : 'fake');
  const program = await ctx.start('client', ['--host', '127.0.0.1', '--port', String(fake.port)], lines.map((l) => l + '\n').join(''), seeded ? 'seeded client' : 'client');
  const conn = await fake.nextConnection(program);
  await serve(ctx, conn, program, lines.length, answer, hint);
  const want = lines.map((l, i) => `${i + 1} ${l}`);
  const exit = await program.waitForExit();
  if (!exit) {
    const printedAll = want.every((w) => program.stdoutLines.includes(w));
    throw new CheckFailure('TIMEOUT', `the client was still running ${timing.exit} ms after the last reply`, {
      expected: `exit code 0 once it has one reply per line (${lines.length})`,
      actual: `still running\n${program.describeOutput()}`,
      hint: printedAll
        ? 'It printed every reply but did not exit: it is waiting for the server to close, and this server does not. Count the replies; exit when every line has one.'
        : 'Count the replies by \\n, not by chunk: one chunk may hold every reply, or part of one.',
    });
  }
  if (exit.code !== 0) {
    throw new CheckFailure('EXIT_CODE', `the client ${program.describeExit()}`, { expected: 'exit code 0', actual: program.describeOutput(), hint });
  }
  noStackTrace(program, 'after its replies', hint);
  expectClientLines(program, want, hint);
}

const LINES = ['hello', 'grüß dich', '欢迎 welcome', 'one more line', 'the end 😀'];

export const clientChecks: CheckDef[] = [
  {
    id: 'client-pipelines',
    title: 'the client sends every line without waiting for replies (this server answers only once all have arrived)',
    target: 'client',
    hint: 'Write every stdin line to the socket as you read it, without waiting for its reply; read replies as they come, and exit once you have one per line.',
    async run(ctx) {
      const lines = Array.from({ length: 40 }, (_, i) => `line ${i + 1}${i % 7 === 3 ? ' 欢迎' : ''}`);
      await runClient(ctx, lines, 'after-all', this.hint);
    },
  },
  {
    id: 'client-replies-one-write',
    title: 'the client prints each reply when all of them arrive in one write',
    target: 'client',
    hint: "One 'data' chunk can hold every reply. Split the replies at \\n (your LineSplitter), print each one, and count replies, not chunks.",
    explores: true,
    async run(ctx) {
      // Seeded: the replies coalesced (held and sent together) and cut where the seed says.
      await fixedThenSeeded(ctx, () => runClient(ctx, LINES, 'one-write', this.hint), () => runClient(ctx, LINES, { seeded: ctx.choices, maxCuts: 6 }, this.hint), { together: true });
    },
  },
  {
    id: 'client-replies-dribbled',
    title: 'the client prints whole replies when they arrive byte by byte',
    target: 'client',
    hint: "A reply may come one byte per 'data' event, cutting characters in two. Print a reply only when its \\n has come, and decode whole lines (or use one StringDecoder), never chunk by chunk.",
    explores: true,
    async run(ctx) {
      // Seeded: the replies coalesced or not, each write cut in many pieces where the seed says (often inside a character).
      await fixedThenSeeded(ctx, () => runClient(ctx, LINES, 'dribble', this.hint), () => runClient(ctx, LINES, { seeded: ctx.choices, maxCuts: 16 }, this.hint), { together: true });
    },
  },
  // This client may read all of its input before it connects: the input is given and ended.
  clientConnectionRefused('04', [], 'hello\nworld\n'),
];
