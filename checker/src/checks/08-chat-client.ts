// Lesson 08's client checks: the client against a fake chat server that echoes each line as a chat
// message, closes on quit and on the client's FIN (as the real server does), and sends messages of
// other users while nobody types.

import type { CheckContext, CheckDef } from '../harness/check.ts';
import { CheckFailure } from '../harness/errors.ts';
import type { Peer } from '../harness/peer.ts';
import type { Program } from '../harness/program.ts';
import { pause, timing } from '../harness/timing.ts';
import { fixedThenSeeded } from '../harness/seeded.ts';
import { clientConnectionRefused, expectClientLines, expectExit, noStackTrace } from './common.ts';
import { kernelQueues, stampOf } from './08-chat-wire.ts';

const READY = "I'm ready.";

/** The bytes of a chat message from `sender` now, as the real server sends it. */
function message(sender: string, text: string): string {
  return `${stampOf(Date.now())} ${sender}\n${text}\n`;
}

/** The lines a client prints for a message: the header line, then the text. */
function printed(msg: string): string[] {
  return msg.split('\n').slice(0, 2);
}

interface Session {
  conn: Peer;
  program: Program;
  /** The lines the client sent after `I'm ready.`. */
  seen: string[];
  /** What the client sent after quit (until it closed). */
  afterQuit: string[];
  /** The messages the fake server sent, as bytes. */
  sentToClient: string[];
  /** Resolves when the client has quit or closed its side and the fake has closed. */
  done: Promise<void>;
}

/**
 * Starts the client against a fake chat server; resolves once the client has said `I'm ready.`.
 * With `serving`, the fake server answers from then on (else the check plays it by hand). `seeded`
 * labels the fake server and the client of a check's seeded case, which runs beside its fixed one.
 */
async function session(ctx: CheckContext, stdin: string | 'keep', hint: string, serving = false, seeded = false): Promise<Session> {
  const fake = await ctx.fakeServer(seeded ? 'seeded' : undefined);
  const program = await ctx.start('client', ['--host', '127.0.0.1', '--port', String(fake.port)], stdin, seeded ? 'seeded client' : undefined);
  const conn = await fake.nextConnection(program);
  const first = await conn.readLine(timing.reply).catch(() => undefined);
  if (first !== READY) {
    throw new CheckFailure(first === undefined ? 'TIMEOUT' : 'WRONG_BYTES', `the client's first line is not ${JSON.stringify(READY)}`, {
      expected: `${JSON.stringify(READY + '\n')} right after connecting, before anything typed`,
      actual: first === undefined ? `nothing within ${timing.reply} ms\n${program.describeOutput()}` : first === null ? 'the connection closed' : JSON.stringify(first),
      hint,
    });
  }
  const s: Session = { conn, program, seen: [], afterQuit: [], sentToClient: [], done: Promise.resolve() };
  if (serving) {
    s.done = serve(s);
    s.done.catch(() => {}); // awaited by the check; a failure before that must not go unhandled
  }
  return s;
}

/** The fake server's side: each line comes back as a message from the client's address; quit or FIN closes. */
async function serve(s: Session): Promise<void> {
  const self = `127.0.0.1:${s.conn.remotePort}`;
  for (;;) {
    const line = await s.conn.readLine(timing.exit);
    if (line === null) break;
    if (line === 'quit') {
      if (!s.conn.socket.destroyed) await s.conn.end();
      for (;;) {
        const more = await s.conn.readLine(timing.reply).catch(() => null);
        if (more === null) break;
        s.afterQuit.push(more);
      }
      return;
    }
    s.seen.push(line);
    const m = message(self, line);
    s.sentToClient.push(m);
    if (!s.conn.socket.destroyed && !s.conn.socket.writableEnded) await s.conn.send(m).catch(() => {});
  }
  if (!s.conn.socket.destroyed && !s.conn.socket.writableEnded) await s.conn.end();
}

/**
 * Sends bytes in pieces, each only once the client has read the one before (its receive queue in
 * /proc/net/tcp is empty), so every piece is a read of its own however loaded the machine is.
 * Without /proc, the pieces go with the harness's short gaps.
 */
async function sendInReads(conn: Peer, bytes: Buffer, cuts: number[]): Promise<void> {
  conn.socket.setNoDelay(true);
  let from = 0;
  for (const to of [...cuts, bytes.length]) {
    if (to <= from) continue;
    await conn.send(bytes.subarray(from, to));
    from = to;
    const deadline = performance.now() + timing.reply;
    while (performance.now() < deadline) {
      const q = kernelQueues(conn.remotePort, conn.localPort);
      if (!q || q.clientReceive === 0) break;
      await pause(2);
    }
  }
}

/** Waits (bounded) until the client has printed these lines in order. */
async function untilPrinted(program: Program, lines: string[], hint: string): Promise<void> {
  const has = () => {
    let at = 0;
    for (const l of program.stdoutLines) if (at < lines.length && l === lines[at]) at++;
    return at === lines.length;
  };
  await program.until(() => has() || program.exit !== undefined, timing.reply);
  expectClientLines(program, lines, hint);
}

export const clientChecks: CheckDef[] = [
  {
    id: 'client-says-ready',
    title: "the client sends \"I'm ready.\" first, then each line typed, and prints the messages",
    target: 'client',
    hint: "Once connected, write \"I'm ready.\\n\" before anything else; then write each line typed on stdin with a \\n, and print every line the server sends, unchanged (a message is two lines).",
    async run(ctx) {
      const s = await session(ctx, 'keep', this.hint);
      s.program.writeStdin('hello, everyone\n');
      const got = await s.conn.readLine(timing.reply).catch(() => undefined);
      if (got !== 'hello, everyone') {
        throw new CheckFailure('WRONG_BYTES', 'the client did not send the line typed on its stdin', {
          expected: '"hello, everyone\\n" after "I\'m ready.\\n"',
          actual: got === undefined ? 'nothing' : JSON.stringify(got),
          hint: this.hint,
        });
      }
      const m = message(`127.0.0.1:${s.conn.remotePort}`, 'hello, everyone');
      await s.conn.send(m);
      await untilPrinted(s.program, printed(m), this.hint);
    },
  },
  {
    id: 'client-prints-unprompted',
    title: 'the client prints messages as they arrive while nobody types: one per write, several in one write, and cut into pieces',
    target: 'client',
    needs: ['client-says-ready'],
    hint: "Print from the socket's 'data' events, not after a line was typed: the others talk whenever they like (the tutorial's client needs a thread for it; Node needs only the event). Cut what arrives into lines: one chunk may hold several, or a piece of one.",
    explores: true,
    async run(ctx) {
      const others = ['127.0.0.1:40001', '127.0.0.1:40002'] as const;
      const messages = () => [message(others[0], 'hi, who is there?'), message(others[1], 'me, 欢迎'), message(others[0], 'and two at once'), message(others[1], 'grüß dich, in pieces 😀')] as const;
      /** The client of the fixed case, which the seeded case goes on with (a plain run starts one client only). */
      let fixed: Session | undefined;
      await fixedThenSeeded(
        ctx,
        async () => {
          const s = await session(ctx, 'keep', this.hint);
          fixed = s;
          const [one, two, three, four] = messages();
          await s.conn.send(one);
          await untilPrinted(s.program, printed(one), this.hint);
          await s.conn.send(two + three);
          await untilPrinted(s.program, [...printed(one), ...printed(two), ...printed(three)], this.hint);
          // Cut inside the header, at its \n, inside ü and inside 😀, and one byte alone.
          const bytes = Buffer.from(four);
          const at = (x: string, plus: number) => bytes.indexOf(Buffer.from(x)) + plus;
          await sendInReads(s.conn, bytes, [1, 2, 20, at('\n', 0), at('\n', 1), at('ü', 1), at('😀', 2), bytes.length - 1]);
          await untilPrinted(s.program, [one, two, three, four].flatMap(printed), this.hint);
        },
        // The same four messages once more, to the same client (while exploring, to a client of its
        // own): after each one the seed sends what is held so far (in one write, cut where it says) or
        // holds it to go with the next; the last always goes. What was sent must be printed, after what
        // was printed before, before anything more comes.
        async () => {
          const s = fixed ?? (await session(ctx, 'keep', this.hint, false, true));
          const before = [...s.program.stdoutLines];
          const all = messages();
          let sent = 0;
          for (let i = 0; i < all.length; i++) {
            if (i < all.length - 1 && ctx.choices.below(2) === 1) {
              ctx.choices.note(`the fake server holds message ${i + 1} for later`);
              continue;
            }
            await s.conn.send(all.slice(sent, i + 1).join(''), { seeded: ctx.choices });
            sent = i + 1;
            await untilPrinted(s.program, [...before, ...all.slice(0, sent).flatMap(printed)], this.hint);
          }
        },
      );
    },
  },
  {
    id: 'client-quit',
    title: 'after quit the client sends nothing more and exits 0, even with more input after it',
    target: 'client',
    needs: ['client-says-ready'],
    hint: 'quit ends the conversation: send it (the server then removes you and closes) or just close; stop reading stdin either way, never write after it, and exit 0 once the connection is closed.',
    async run(ctx) {
      const s = await session(ctx, 'hello\nquit\nmore\nand more\n', this.hint, true);
      await expectExit(s.program, 0, 'quit (with more input after it)', this.hint);
      await s.done;
      noStackTrace(s.program, 'after quit', this.hint);
      if (s.afterQuit.length > 0 || s.seen.some((l) => l === 'more' || l === 'and more')) {
        throw new CheckFailure('UNEXPECTED_DATA', 'the client went on sending after quit', {
          expected: '"hello\\n", "quit\\n" (or the close), then nothing',
          actual: [...s.seen, 'quit', ...s.afterQuit].map((l) => JSON.stringify(l + '\n')).join(' then '),
          hint: this.hint,
        });
      }
    },
  },
  {
    id: 'client-end-of-stdin',
    title: 'at the end of its input the client leaves and exits 0',
    target: 'client',
    needs: ['client-says-ready'],
    hint: "When stdin ends, close your side (socket.end()): the server removes you and closes, then exit 0. A client that keeps the connection after its input ended never leaves the room.",
    async run(ctx) {
      const s = await session(ctx, 'only this line\n', this.hint, true);
      await expectExit(s.program, 0, 'its input ended', this.hint);
      await s.done;
      noStackTrace(s.program, 'at the end of its input', this.hint);
      if (!s.seen.includes('only this line')) {
        throw new CheckFailure('OUTPUT', 'the client left without sending its input', { expected: '"only this line\\n"', actual: JSON.stringify(s.seen), hint: this.hint });
      }
    },
  },
  {
    id: 'client-server-closes',
    title: 'the client prints what came and exits 0 when the server closes the connection',
    target: 'client',
    needs: ['client-says-ready'],
    hint: "On the socket's 'end' the room is gone (the server shut down): print what is left, say so if you like, and exit 0. Stop reading stdin, or the process waits for the user forever.",
    async run(ctx) {
      const s = await session(ctx, 'keep', this.hint);
      const last = message('127.0.0.1:40003', 'the server shuts down now');
      await s.conn.send(last);
      await s.conn.end();
      await expectExit(s.program, 0, 'the server closed the connection', this.hint);
      noStackTrace(s.program, 'when the server closed', this.hint);
      expectClientLines(s.program, printed(last), this.hint);
    },
  },
  clientConnectionRefused('08'),
];
