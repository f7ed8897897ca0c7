// Lesson 04: TCP is a byte stream. The server answers newline-delimited messages `N MESSAGE\n` with
// a count per connection and a 64 KiB limit; the client pipelines. The checks send lines coalesced,
// byte by byte, split inside characters and exactly at the limit; the splitter's own checks are in
// 04-sticky-packets-lines.ts, the client's in 04-sticky-packets-client.ts.

import type { CheckDef, LessonChecks } from '../harness/check.ts';
import { CheckFailure } from '../harness/errors.ts';
import type { Peer, SendOptions } from '../harness/peer.ts';
import { portInUse, readyCheck, stopsOnSignal, expectAlive } from './common.ts';
import type { CheckContext } from '../harness/check.ts';
import { fixedThenSeeded } from '../harness/seeded.ts';
import { clientChecks } from './04-sticky-packets-client.ts';
import { describeLine, LIMIT, lineSplitterChecks } from './04-sticky-packets-lines.ts';

const LESSON = '04-sticky-packets';
const TOO_LONG = 'error line too long';

/** Expects the reply `N MESSAGE`. */
function expectReply(c: Peer, n: number, message: string, hint?: string): Promise<void> {
  return c.expectLine(`${n} ${message}`, { what: `the reply to ${describeLine(message)}`, ...(hint !== undefined ? { hint } : {}) });
}

/**
 * Sends bytes of which the server refuses part; a server may close (even reset) the connection as
 * soon as it has refused the line, so the pieces still to be sent then may fail to go out.
 */
async function sendRefused(c: Peer, data: string | Buffer, opts: SendOptions = {}): Promise<void> {
  await c.send(data, opts).catch((e: unknown) => {
    if (!(e instanceof CheckFailure) || e.code !== 'CLOSED_EARLY') throw e;
  });
}

/** Where the seed cuts a write of this check (next to the limit, besides the usual spots). */
const seededNearLimit = (ctx: CheckContext): SendOptions => ({ seeded: ctx.choices, near: [LIMIT - 1, LIMIT, LIMIT + 1, LIMIT + 2] });

/** The error line, then the close, and not one reply after it. */
async function expectRefused(c: Peer, what: string, hint: string): Promise<void> {
  await c.expectLine(TOO_LONG, { what: `the error for ${what}`, hint });
  await c.expectClose({ what: `"${TOO_LONG}"`, hint: `After "${TOO_LONG}" nothing more is answered: close the connection with socket.end() and ignore the rest of its input.` });
}

const serverChecks: CheckDef[] = [
  readyCheck(LESSON),
  {
    id: 'numbered-replies',
    title: 'answers each message with "N MESSAGE", N counting from 1',
    target: 'server',
    shared: true,
    needs: ['ready'],
    hint: 'Count the messages of the connection: the first reply is `1 ${message}\\n`, the next `2 ...`. The message comes back as it was sent, decoded from UTF-8.',
    async run(ctx) {
      const { port } = await ctx.sharedServer();
      const c = await ctx.connect(port);
      for (const [i, m] of ['hello', 'Straße und 欢迎', 'two  spaces inside'].entries()) {
        await c.send(m + '\n');
        await expectReply(c, i + 1, m, this.hint);
      }
    },
  },
  {
    id: 'thousand-lines-one-write',
    title: 'answers 1,000 lines sent in one write, one reply each, in order',
    target: 'server',
    shared: true,
    needs: ['numbered-replies'],
    hint: "One 'data' chunk is not one message (粘包, sticky packets): a chunk can hold a thousand lines. Answer every \\n-terminated line in it, and keep the unfinished rest for the next chunk.",
    explores: true,
    async run(ctx) {
      const { port } = await ctx.sharedServer();
      const lines = Array.from({ length: 1000 }, (_, i) => `message ${i + 1}${i % 10 === 0 ? ' 欢迎' : ''}`);
      // Seeded: the same 1,000 lines on a connection of their own, the write cut where the seed says.
      const talk = async (how: SendOptions) => {
        const c = await ctx.connect(port);
        await c.send(lines.map((l) => l + '\n').join(''), how);
        for (const [i, l] of lines.entries()) await expectReply(c, i + 1, l, this.hint);
      };
      await fixedThenSeeded(ctx, () => talk({}), () => talk({ seeded: ctx.choices }));
    },
  },
  {
    id: 'line-byte-by-byte',
    title: 'waits for the whole line when it arrives byte by byte',
    target: 'server',
    shared: true,
    needs: ['numbered-replies'],
    hint: "A line may come one byte per 'data' event. Keep the bytes that have no \\n yet and add the next chunk to them; answer only when the \\n arrives.",
    explores: true,
    async run(ctx) {
      const { port } = await ctx.sharedServer();
      // Seeded: the same two lines on a connection of their own, each cut where the seed says.
      const talk = async (how: SendOptions) => {
        const c = await ctx.connect(port);
        await c.send('one byte at a time\n', how);
        await expectReply(c, 1, 'one byte at a time', this.hint);
        await c.send('and again\n', how);
        await expectReply(c, 2, 'and again', this.hint);
      };
      await fixedThenSeeded(ctx, () => talk({ byteByByte: true }), () => talk({ seeded: ctx.choices }));
    },
  },
  {
    id: 'multibyte-split',
    title: 'keeps a character whole when its bytes are split across reads',
    target: 'server',
    shared: true,
    needs: ['numbered-replies'],
    hint: "Decoding each chunk on its own (chunk.toString()) turns a split character into U+FFFD �. Keep bytes until the \\n and decode the whole line, or decode the stream with one StringDecoder.",
    explores: true,
    async run(ctx) {
      const { port } = await ctx.sharedServer();
      // Seeded: the same two lines on a connection of their own, each cut where the seed says (often inside a character).
      const talk = async (first: SendOptions, second: SendOptions) => {
        const c = await ctx.connect(port);
        await c.send('größe 欢迎 😀\n', first);
        await expectReply(c, 1, 'größe 欢迎 😀', this.hint);
        await c.send('über\n', second);
        await expectReply(c, 2, 'über', this.hint);
      };
      await fixedThenSeeded(
        ctx,
        () => talk({ splitAt: [3, 5, 10, 12, 17] }, { byteByByte: true }), // inside ö, ß, 欢, 迎 and 😀
        () => talk({ seeded: ctx.choices }, { seeded: ctx.choices }),
      );
    },
  },
  {
    id: 'crlf-accepted',
    title: 'accepts \\r\\n as a line end, also with \\r and \\n in different reads',
    target: 'server',
    shared: true,
    needs: ['numbered-replies'],
    hint: 'A line ends at \\n; a \\r right before it is part of the ending, not a line of its own and not part of the message.',
    explores: true,
    async run(ctx) {
      const { port } = await ctx.sharedServer();
      // Seeded: the same writes on a connection of their own, each cut where the seed says (a \r and its \n often apart).
      const talk = async (seeded: boolean) => {
        const how = (fixed: SendOptions): SendOptions => (seeded ? { seeded: ctx.choices } : fixed);
        const c = await ctx.connect(port);
        await c.send('hello\r\n', how({}));
        await expectReply(c, 1, 'hello', this.hint);
        await c.send('plain\n', how({}));
        await expectReply(c, 2, 'plain', this.hint);
        await c.send('split\r\n', how({ splitAt: [6] }));
        await expectReply(c, 3, 'split', this.hint);
        await c.send('mixed\r\nlines\nend\r\n', how({}));
        for (const [n, m] of [[4, 'mixed'], [5, 'lines'], [6, 'end']] as const) await expectReply(c, n, m, this.hint);
      };
      await fixedThenSeeded(ctx, () => talk(false), () => talk(true));
    },
  },
  {
    id: 'last-line-without-newline',
    title: 'answers a last line without \\n when the client ends its side, then closes',
    target: 'server',
    shared: true,
    needs: ['numbered-replies'],
    hint: "On 'end' the client has stopped sending: what is left since the last \\n is its last line (the splitter's end()). Answer it, then socket.end(). Create the server with { allowHalfOpen: true }.",
    explores: true,
    async run(ctx) {
      const { port } = await ctx.sharedServer();
      // Seeded: the same two connections again, each write cut where the seed says.
      const talk = async (seeded: boolean) => {
        const c = await ctx.connect(port);
        await c.send('one\ntwo', seeded ? { seeded: ctx.choices } : {});
        await c.end();
        await expectReply(c, 1, 'one', this.hint);
        await expectReply(c, 2, 'two', this.hint);
        await c.expectClose({ what: 'the last reply', hint: 'After the client ended its side and every reply is sent, end yours: socket.end().' });
        const solo = await ctx.connect(port);
        await solo.send('solo 欢', seeded ? { seeded: ctx.choices } : { byteByByte: true });
        await solo.end();
        await expectReply(solo, 1, 'solo 欢', this.hint);
        await solo.expectClose({ what: 'the last reply' });
      };
      await fixedThenSeeded(ctx, () => talk(false), () => talk(true));
    },
  },
  {
    id: 'counter-per-connection',
    title: 'counts the messages of each connection on its own',
    target: 'server',
    shared: true,
    needs: ['numbered-replies'],
    hint: 'Keep the counter inside the connection handler (`let count = 0` next to the splitter), not at the top of the file: every connection starts at 1.',
    async run(ctx) {
      const { port } = await ctx.sharedServer();
      const clients = await ctx.connectMany(port, 3);
      const orders = [[0, 1, 2], [2, 0, 1], [1, 2, 0]];
      for (const [r, order] of orders.entries()) {
        for (const i of order) {
          const c = clients[i] as Peer;
          await c.send(`client ${i + 1} round ${r + 1}\n`);
          await expectReply(c, r + 1, `client ${i + 1} round ${r + 1}`, this.hint);
        }
      }
      const late = await ctx.connect(port);
      await late.send('newcomer\n');
      await expectReply(late, 1, 'newcomer', this.hint);
      const first = clients[0] as Peer;
      await first.send('still counting\n');
      await expectReply(first, 4, 'still counting', this.hint);
    },
  },
  {
    id: 'limit-exact-line',
    title: 'answers a message of exactly 65,536 bytes, with \\n or \\r\\n, in one write or in pieces',
    target: 'server',
    shared: true,
    needs: ['numbered-replies'],
    hint: 'The limit counts the message without its \\n or \\r\\n: 65,536 bytes is still a line. Count bytes, compare with >, and drop the \\r of a \\r\\n before you measure.',
    explores: true,
    async run(ctx) {
      const { port } = await ctx.sharedServer();
      const a = 'a'.repeat(LIMIT);
      const wide = '欢'.repeat(21_845) + 'b'; // 65,536 bytes
      // Seeded: the same writes on a connection of their own, each cut where the seed says (often at the limit).
      const talk = async (seeded: boolean) => {
        const how = (fixed: SendOptions): SendOptions => (seeded ? seededNearLimit(ctx) : fixed);
        const c = await ctx.connect(port);
        await c.send(a + '\n', how({}));
        await expectReply(c, 1, a, this.hint);
        await c.send(wide + '\r\n', how({}));
        await expectReply(c, 2, wide, this.hint);
        await c.send('c'.repeat(LIMIT) + '\r\n', how({ splitAt: [LIMIT + 1] }));
        await expectReply(c, 3, 'c'.repeat(LIMIT), this.hint);
        await c.send('d'.repeat(LIMIT) + '\n', how({ splitAt: [10_000, 30_001, 50_000, LIMIT - 1, LIMIT] }));
        await expectReply(c, 4, 'd'.repeat(LIMIT), this.hint);
        await c.send(wide + '\n', how({ splitAt: [1, 20_000, 40_000, 65_534] }));
        await expectReply(c, 5, wide, this.hint);
        await c.send('next\n', how({}));
        await expectReply(c, 6, 'next', this.hint);
      };
      await fixedThenSeeded(ctx, () => talk(false), () => talk(true));
    },
  },
  {
    id: 'limit-too-long-one-write',
    title: 'refuses a 65,537-byte message that arrives in one write, answers nothing after it, and serves the others on',
    target: 'server',
    shared: true,
    needs: ['numbered-replies'],
    hint: 'Measure every complete line, not only the unfinished rest: in one write, a too-long line can arrive whole. Write "error line too long\\n", close with socket.end(), and answer nothing after it; other connections go on with their own counts.',
    async run(ctx) {
      const { port, program } = await ctx.sharedServer();
      const bystander = await ctx.connect(port);
      await bystander.send('before\n');
      await expectReply(bystander, 1, 'before');
      const floods: [what: string, data: string, firstReply?: string][] = [
        ['a 65,537-byte line after "first"', `first\n${'a'.repeat(LIMIT + 1)}\nafter\n`, 'first'],
        ['21,846 × "欢" (65,538 bytes)', `${'欢'.repeat(21_846)}\nafter\n`],
        ['65,537 bytes ending in \\r\\n', `${'b'.repeat(LIMIT + 1)}\r\nafter\n`],
      ];
      for (const [what, data, firstReply] of floods) {
        const f = await ctx.connect(port);
        await sendRefused(f, data);
        if (firstReply) await expectReply(f, 1, firstReply, this.hint);
        await expectRefused(f, what, this.hint);
      }
      expectAlive(program, 'a client sent a line that is too long', this.hint);
      await bystander.send('still here\n');
      await expectReply(bystander, 2, 'still here', 'A too-long line closes that connection only: every other connection goes on, with its own count.');
    },
  },
  {
    id: 'limit-too-long-pieces',
    title: 'refuses a 65,537-byte message that arrives in pieces, without waiting for its \\n',
    target: 'server',
    shared: true,
    needs: ['numbered-replies'],
    hint: 'A client may never send the \\n: measure the unfinished rest after every chunk too. Once it holds more than 65,536 bytes (not counting a last \\r, which may be the start of \\r\\n), the line is too long.',
    explores: true,
    async run(ctx) {
      const { port, program } = await ctx.sharedServer();
      const bystander = await ctx.connect(port);
      await bystander.send('before\n');
      await expectReply(bystander, 1, 'before');

      // Seeded: the same three connections again, each long write cut where the seed says (often at the limit).
      const floods = async (seeded: boolean) => {
        const how = (fixed: SendOptions): SendOptions => (seeded ? seededNearLimit(ctx) : fixed);
        const f1 = await ctx.connect(port);
        await f1.send('first\n');
        await expectReply(f1, 1, 'first');
        await sendRefused(f1, 'a'.repeat(LIMIT + 1), how({ splitAt: [40_000] })); // and no \n, ever
        await expectRefused(f1, `65,537 bytes with no \\n (${seeded ? 'cut by the seed' : 'sent in two writes'})`, this.hint);

        const f2 = await ctx.connect(port);
        await sendRefused(f2, `${'g'.repeat(LIMIT + 1)}\nafter\n`, how({ splitAt: [1000, 30_000, LIMIT, LIMIT + 1] }));
        await expectRefused(f2, `a 65,537-byte line ${seeded ? 'cut by the seed' : 'in five writes'}`, this.hint);

        const f3 = await ctx.connect(port);
        await sendRefused(f3, `${'欢'.repeat(21_846)}\nafter\n`, how({ splitAt: [30_001, LIMIT] }));
        await expectRefused(f3, `21,846 × "欢" (65,538 bytes) ${seeded ? 'cut by the seed' : 'split inside characters'}`, this.hint);
      };
      await fixedThenSeeded(ctx, () => floods(false), () => floods(true));

      expectAlive(program, 'a client sent a line that is too long', this.hint);
      await bystander.send('still here\n');
      await expectReply(bystander, 2, 'still here', 'A too-long line closes that connection only: every other connection goes on, with its own count.');
    },
  },
  portInUse('04'),
  stopsOnSignal('SIGINT'),
  stopsOnSignal('SIGTERM'),
];

export const lesson04: LessonChecks = { lesson: LESSON, checks: [...serverChecks, ...clientChecks, ...lineSplitterChecks] };
