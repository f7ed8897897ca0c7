// Lesson 08: the group chat. Every line from any client goes to every client, the sender included,
// as `YYYY/MM/DD HH:MM:SS HOST:PORT\nLINE\n`; clients that leave in any way are removed and logged;
// a line over 64 KiB closes its client; one that does not read is closed past 1 MiB (08-chat-slow.ts);
// `quit` on stdin, SIGINT and SIGTERM close everything. The client's checks are in 08-chat-client.ts.

import type { CheckDef, LessonChecks } from '../harness/check.ts';
import { CheckFailure } from '../harness/errors.ts';
import type { Peer, SendOptions } from '../harness/peer.ts';
import { timing } from '../harness/timing.ts';
import { fixedThenSeeded } from '../harness/seeded.ts';
import { expectAlive, expectExit, portInUse, readyCheck, STAYS_ALIVE, stopsOnSignal } from './common.ts';
import { clientChecks } from './08-chat-client.ts';
import { slowReaderChecks } from './08-chat-slow.ts';
import { addressOf, brief, expectMessage, expectQuitsLog, FORMAT_HINT, judge, LESSON, LIMIT, readMessage, serverWithStdin, untilJoined, join, joinMany, type Expected } from './08-chat-wire.ts';

const RECEIVERS_HINT = 'Keep every connected client in a Set or Map; for each complete line, write the message to every one of them (the sender too), once.';
const REMOVED_HINT =
  "When a client's socket ends, errors or closes, remove it from your set of clients and log `HOST:PORT quits` (its address, kept from when it joined: remoteAddress is gone once the socket is closed). Give every socket an 'error' listener: a reset (ECONNRESET) or a write to a reset socket (EPIPE) without one kills the server and the whole room.";

/** Sends a line from a tester connection and returns what its receivers should get. */
async function say(c: Peer, text: string, opts: SendOptions = {}): Promise<Expected> {
  const sentAt = Date.now();
  await c.send(text + '\n', opts);
  return { from: c, text, sentAt };
}

/** Reads messages until one from `want.from` with `want.text` arrives (others on the way are skipped). */
async function skipUntil(c: Peer, want: Expected, what: string, hint: string): Promise<void> {
  for (let skipped = 0; skipped < 500; skipped++) {
    const got = await readMessage(c, what, hint);
    if (got.text === want.text && got.sender === addressOf(want.from)) return judge(c, got, want, what, hint);
  }
  throw new CheckFailure('TIMEOUT', `${c.name}: ${what} did not come within 500 messages`, { hint });
}

/** Every byte `c` is sent until the close is ignored; the connection must end within the deadline. */
async function expectClosed(c: Peer, what: string, hint: string): Promise<void> {
  if (!(await c.waitForEnd(timing.reply))) {
    throw new CheckFailure('NOT_CLOSED', `${c.name}: the connection was still open ${timing.reply} ms after ${what}`, { expected: 'the server closes that connection', actual: 'it stayed open', hint });
  }
}

const serverChecks: CheckDef[] = [
  readyCheck(LESSON),
  {
    id: 'broadcast-to-all',
    title: "sends a client's line to the other clients, with the time and the sender's address",
    target: 'server',
    shared: true,
    needs: ['ready'],
    hint: `${FORMAT_HINT} ${RECEIVERS_HINT}`,
    async run(ctx) {
      const { port, program } = await ctx.sharedServer();
      const [a, b, c] = (await joinMany(ctx, program, port, 3)) as [Peer, Peer, Peer];
      const first = await say(a, 'hello, 欢迎 😀');
      for (const r of [b, c]) await expectMessage(r, first, `the message ${brief(first.text)} from ${a.name}`, this.hint);
      const second = await say(a, 'and a second line');
      for (const r of [b, c]) await expectMessage(r, second, `the message ${brief(second.text)} from ${a.name}`, this.hint);
      const fromC = await say(c, `now ${c.name} talks`);
      await expectMessage(b, fromC, `the message ${brief(fromC.text)} from ${c.name}`, this.hint);
    },
  },
  {
    id: 'sender-gets-own',
    title: 'sends the line back to its sender too, once',
    target: 'server',
    shared: true,
    needs: ['broadcast-to-all'],
    hint: "Everyone in the room gets every message, the sender included (the sender sees its line come back with the time and its address, as the others see it): loop over every client, don't skip the one the line came from, and don't write it to the sender a second time.",
    async run(ctx) {
      const { port, program } = await ctx.sharedServer();
      const [a, b] = (await joinMany(ctx, program, port, 2)) as [Peer, Peer];
      const mine = await say(a, 'my own words');
      await expectMessage(a, mine, `its own message ${brief(mine.text)}`, this.hint);
      await expectMessage(b, mine, `the message ${brief(mine.text)} from ${a.name}`, this.hint);
      const next = await say(b, 'an answer');
      await expectMessage(a, next, `the message ${brief(next.text)} from ${b.name} (and not ${brief(mine.text)} again)`, this.hint);
      await expectMessage(b, next, `its own message ${brief(next.text)} (after ${brief(mine.text)}, once)`, this.hint);
    },
  },
  {
    id: 'lines-split-and-coalesced',
    title: 'takes lines, not reads: three lines in one write, a line byte by byte, characters split, \\r\\n',
    target: 'server',
    shared: true,
    needs: ['broadcast-to-all'],
    hint: "One 'data' event is not one line (the tutorial's recv(1024) taken as one message). Push every chunk into a line splitter (lesson 04's) and broadcast each complete line; keep the rest for the next chunk. Decode whole lines, not chunks, and drop the \\r of a \\r\\n.",
    explores: true,
    async run(ctx) {
      const { port, program } = await ctx.sharedServer();
      const [a, b] = (await joinMany(ctx, program, port, 2)) as [Peer, Peer];
      await fixedThenSeeded(
        ctx,
        async () => {
          const sentAt = Date.now();
          await a.send('one\ntwo\nthree\n');
          const want: Expected[] = ['one', 'two', 'three'].map((text) => ({ from: a, text, sentAt }));
          want.push(await say(a, 'byte by byte', { byteByByte: true }));
          want.push(await say(a, 'größe 欢迎 😀', { splitAt: [3, 5, 10, 12, 17] })); // inside ö, ß, 欢, 迎 and 😀
          const crlfAt = Date.now();
          await a.send('crlf ends\r\n', { splitAt: [10] });
          want.push({ from: a, text: 'crlf ends', sentAt: crlfAt });
          for (const [i, w] of want.entries()) await expectMessage(b, w, `message ${i + 1} of ${want.length}, ${brief(w.text)}`, this.hint);
        },
        // The same six lines from the same sender once more, as one run of bytes cut where the seed says
        // (often next to a \n or the \r, or inside a character): lines glued and split at once. One
        // sender's messages keep their order, so b gets the six in order after the fixed six.
        async () => {
          const texts = ['one', 'two', 'three', 'byte by byte', 'größe 欢迎 😀'];
          const sentAt = Date.now();
          await a.send(`${texts.map((t) => t + '\n').join('')}crlf ends\r\n`, { seeded: ctx.choices });
          const want: Expected[] = [...texts, 'crlf ends'].map((text) => ({ from: a, text, sentAt }));
          for (const [i, w] of want.entries()) await expectMessage(b, w, `message ${i + 1} of ${want.length}, ${brief(w.text)}, sent in pieces`, this.hint);
        },
      );
    },
  },
  {
    id: 'twenty-clients',
    title: "20 clients talking at once: every message reaches every client exactly once, in each sender's order",
    target: 'server',
    shared: true,
    needs: ['sender-gets-own', 'lines-split-and-coalesced'],
    hint: "Keep each client's state (its splitter, its address) inside the connection handler and every client in one Set or Map. Write each message once to each client, the moment its line is complete; messages of one sender must keep their order.",
    async run(ctx) {
      const { port, program } = await ctx.sharedServer();
      const clients = await joinMany(ctx, program, port, 20);
      const perSender = 3;
      const sentAt = Date.now();
      // The first line alone, the next two in one write; every client at once.
      await Promise.all(clients.map((c, i) => c.send(`c${i + 1} says 1\n`)));
      await Promise.all(clients.map((c, i) => c.send(`c${i + 1} says 2 ✓\nc${i + 1} says 3\n`)));
      const index = new Map(clients.map((c, i) => [addressOf(c), i]));
      const total = clients.length * perSender;
      await Promise.all(
        clients.map(async (r) => {
          const next = clients.map(() => 1); // the number of the next message expected from each sender
          for (let n = 0; n < total; n++) {
            const got = await readMessage(r, `message ${n + 1} of ${total}`, this.hint);
            const i = index.get(got.sender);
            if (i === undefined) {
              throw new CheckFailure('WRONG_BYTES', `${r.name}: message ${n + 1} names a sender that is none of the 20 clients`, { expected: 'the address of one of the 20 clients', actual: JSON.stringify(got.header), hint: FORMAT_HINT });
            }
            const k = next[i] as number;
            const text = `c${i + 1} says ${k}${k === 2 ? ' ✓' : ''}`;
            if (got.text !== text) {
              const seen = /^c\d+ says (\d)/.exec(got.text)?.[1];
              const again = seen !== undefined && Number(seen) < k;
              throw new CheckFailure('WRONG_BYTES', `${r.name}: ${again ? `a message of c${i + 1} arrived a second time` : `c${i + 1}'s messages are out of order or wrong`}`, {
                expected: `from ${got.sender} (c${i + 1}) the message ${JSON.stringify(text)} next${again ? ', every message exactly once' : ''}`,
                actual: JSON.stringify(got.text),
                hint: this.hint,
              });
            }
            judge(r, got, { from: clients[i] as Peer, text, sentAt }, `message ${n + 1}`, this.hint);
            next[i] = k + 1;
          }
        }),
      );
      // Everything the server wrote before it handles this line comes before it on every connection:
      // a duplicate or a stray message would show up here.
      const last = await say(clients[0] as Peer, 'that is all');
      await Promise.all(clients.map((r) => expectMessage(r, last, `${brief(last.text)} from c1, right after the ${total} messages (nothing more between)`, this.hint)));
    },
  },
  {
    id: 'quit-removes',
    title: '"quit" closes that client, is not broadcast, and nothing after it is',
    target: 'server',
    shared: true,
    needs: ['sender-gets-own'],
    hint: "When a client's line is exactly quit (after dropping a \\r), remove it from the clients and close it (socket.end()); ignore whatever else it sent. quit is a command, not a message: nobody receives it.",
    async run(ctx) {
      const { port, program } = await ctx.sharedServer();
      const [a, b, c] = (await joinMany(ctx, program, port, 3)) as [Peer, Peer, Peer];
      const hello = await say(a, 'hello before quit');
      await expectMessage(a, hello, `its own message ${brief(hello.text)}`, this.hint);
      await expectMessage(b, hello, `the message ${brief(hello.text)}`, this.hint);
      await expectMessage(c, hello, `the message ${brief(hello.text)}`, this.hint);
      // What a server says to a client that quits (nothing, or a goodbye of its own) is its business: the close is not.
      await a.send('quit\nlate line\n');
      await expectClosed(a, 'its quit', this.hint);
      await c.send('quit\r\n');
      await expectClosed(c, 'its quit\\r\\n', this.hint);
      const after = await say(b, 'anyone still here?');
      await expectMessage(b, after, `its own message ${brief(after.text)}, with nothing between (no "quit", no "late line")`, this.hint);
    },
  },
  {
    id: 'leaver-removed',
    title: 'a client that closes its side is removed, logged "HOST:PORT quits", and its last line without \\n still goes out',
    target: 'server',
    shared: true,
    needs: ['sender-gets-own'],
    hint: `${REMOVED_HINT} A last line without \\n before the client's FIN still counts: broadcast it to the others.`,
    async run(ctx) {
      const { port, program } = await ctx.sharedServer();
      const [a, b] = (await joinMany(ctx, program, port, 2)) as [Peer, Peer];
      const last = { from: a, text: 'last words, no newline', sentAt: Date.now() };
      await a.send(last.text);
      await a.end();
      await expectMessage(b, last, `the last line ${brief(last.text)} of ${a.name}, sent without \\n before its FIN`, this.hint);
      await expectClosed(a, 'it closed its side', this.hint);
      await expectQuitsLog(program, a, 'closed its side', this.hint);
      const d = await join(ctx, program, port);
      const bye = await say(d, 'I leave properly');
      await expectMessage(b, bye, `the message ${brief(bye.text)}`, this.hint);
      await d.end();
      await expectClosed(d, 'it closed its side', this.hint);
      await expectQuitsLog(program, d, 'closed its side', this.hint);
      await ctx.settle(program);
      expectAlive(program, 'two clients closed their side', STAYS_ALIVE);
      const on = await say(b, 'the room goes on');
      await expectMessage(b, on, `its own message ${brief(on.text)}`, this.hint);
    },
  },
  {
    id: 'reset-removed',
    title: 'a client that resets, at any moment (even while messages are on their way to it), is removed and logged; the room goes on',
    target: 'server',
    shared: true,
    needs: ['sender-gets-own'],
    hint: REMOVED_HINT,
    async run(ctx) {
      const { port, program } = await ctx.sharedServer();
      const b = await join(ctx, program, port);
      const moments: [string, (r: Peer) => Promise<void>][] = [
        ['right after connecting', async () => {}],
        ['after sending a line', async (r) => void (await r.send('about to vanish\n'))],
        ['in the middle of a line', async (r) => void (await r.send('half a li'))],
        [
          'with messages on their way to it, unread',
          async (r) => {
            const lines = Array.from({ length: 40 }, (_, i) => `flood ${i + 1} ${'z'.repeat(2000)}`);
            const sentAt = Date.now();
            await b.send(lines.map((l) => l + '\n').join(''));
            await skipUntil(r, { from: b, text: lines[0] as string, sentAt }, 'the first message of the flood', this.hint).catch(() => {});
          },
        ],
      ];
      for (const [when, before] of [...moments, ...moments]) {
        const r = await join(ctx, program, port);
        await untilJoined(program, [r]);
        await before(r);
        r.reset();
        await ctx.settle(program);
        expectAlive(program, `a client reset its connection ${when}`, REMOVED_HINT);
        await expectQuitsLog(program, r, `reset its connection ${when}`, this.hint);
      }
      const n = await join(ctx, program, port);
      const still = await say(b, 'still here?');
      await skipUntil(b, still, `its own message ${brief(still.text)} after the resets`, this.hint);
      await expectMessage(n, still, `the message ${brief(still.text)} to a client that joined after the resets`, this.hint);
      const hi = await say(n, 'hi, I am new');
      await skipUntil(b, hi, `the message ${brief(hi.text)} from the newcomer`, this.hint);
      expectAlive(program, 'clients reset their connections', REMOVED_HINT);
    },
  },
  {
    id: 'line-too-long',
    title: 'a line over 64 KiB closes that client only, in one write or without a \\n; 65,536 bytes is still a line',
    target: 'server',
    shared: true,
    needs: ['sender-gets-own'],
    hint: 'Count the bytes of each line without its \\n or \\r\\n, and of the unfinished rest after every chunk (a client may never send the \\n). Over 65,536: close that client (you may say `error line too long` first) and broadcast nothing of it. 65,536 bytes is still a line.',
    explores: true,
    async run(ctx) {
      const { port, program } = await ctx.sharedServer();
      const [a, b] = (await joinMany(ctx, program, port, 2)) as [Peer, Peer];
      /** Where the seed cuts a write of the seeded case: anywhere, and often next to the limit. */
      const nearLimit: SendOptions = { seeded: ctx.choices, near: [LIMIT - 1, LIMIT, LIMIT + 1, LIMIT + 2] };
      await fixedThenSeeded(
        ctx,
        async () => {
          const exact = await say(a, 'a'.repeat(LIMIT));
          await expectMessage(b, exact, 'a message of exactly 65,536 bytes', this.hint);
          const l1 = await join(ctx, program, port);
          await l1.send(`${'x'.repeat(LIMIT + 1)}\nafter the long one\n`).catch(() => {});
          await expectClosed(l1, 'a 65,537-byte line in one write', this.hint);
          const l2 = await join(ctx, program, port);
          await l2.send('欢'.repeat(21_846), { splitAt: [30_001] }).catch(() => {}); // 65,538 bytes, no \n, ever
          await expectClosed(l2, '65,538 bytes without a \\n, in two writes', this.hint);
          await ctx.settle(program);
          expectAlive(program, 'clients sent lines that are too long', this.hint);
          const on = await say(b, 'nothing of them came');
          await expectMessage(b, on, `its own message ${brief(on.text)}, right after the 65,536-byte one (nothing of the long lines between)`, this.hint);
        },
        // The same writes once more, each cut where the seed says (often right at the limit: the first
        // 65,536 bytes of a line may wait for their \n, or for the byte that makes them too many). The
        // three go at once, from a and two new clients (which need not have joined: they are sent
        // nothing that is judged): each send draws its cuts before its first write, so the draws keep
        // their order. b's next message, its own, shows that the server is alive and sent nothing more.
        async () => {
          const [l3, l4] = (await ctx.connectMany(port, 2)) as [Peer, Peer];
          const [exact] = await Promise.all([
            say(a, 'a'.repeat(LIMIT), nearLimit),
            l3.send(`${'x'.repeat(LIMIT + 1)}\nafter the long one\n`, nearLimit).catch(() => {}),
            l4.send('欢'.repeat(21_846), nearLimit).catch(() => {}), // 65,538 bytes, no \n, ever
          ]);
          await Promise.all([
            expectMessage(b, exact, 'a message of exactly 65,536 bytes, sent in pieces', this.hint),
            expectClosed(l3, 'a 65,537-byte line sent in pieces', this.hint),
            expectClosed(l4, '65,538 bytes without a \\n, sent in pieces', this.hint),
          ]);
          const on = await say(b, 'nothing of them came either');
          await expectMessage(b, on, `its own message ${brief(on.text)}, right after the 65,536-byte one (nothing of the long lines between)`, this.hint).catch((e: unknown) => {
            expectAlive(program, 'clients sent lines that are too long', this.hint);
            throw e;
          });
        },
      );
    },
  },
  {
    id: 'local-time',
    title: "stamps messages with the server's local time, in its time zone (TZ=Asia/Kathmandu, UTC+05:45)",
    target: 'server',
    needs: ['ready'],
    hint: "The time is local time, as the tutorial's datetime.now() is: new Date() with getHours(), getMinutes() and the rest, which follow the TZ the server runs in. toISOString() and getUTCHours() are UTC; a fixed offset (+8 for China) is right in one place only.",
    async run(ctx) {
      const zone = 'Asia/Kathmandu'; // never UTC, and a quarter-hour offset: neither UTC nor a whole-hour guess passes
      const { port, program } = await ctx.ownServer(undefined, 'server', { TZ: zone });
      const [a, b] = (await joinMany(ctx, program, port, 2)) as [Peer, Peer];
      for (const text of ['what time is it?', 'and now?']) {
        const m = await say(a, text);
        await expectMessage(b, m, `the message ${brief(text)}`, this.hint, zone);
      }
    },
  },
  ...slowReaderChecks,
  {
    id: 'stdin-quit',
    title: '"quit" on the server\'s stdin closes every client and the listener, and exits 0',
    target: 'server',
    needs: ['ready'],
    hint: "Read the server's stdin line by line (readline.createInterface({ input: process.stdin })); on quit: server.close(), destroy every client's socket, exit 0. The end of stdin is not quit: a server started with its input closed keeps serving.",
    async run(ctx) {
      const { program, port } = await serverWithStdin(ctx);
      const [a, b] = (await joinMany(ctx, program, port, 2)) as [Peer, Peer];
      ctx.transcript.note('tester', 'the tester types "quit" on the server\'s stdin');
      program.writeStdin('quit\n');
      for (const c of [a, b]) await expectClosed(c, 'quit on the server\'s stdin', this.hint);
      await expectExit(program, 0, 'quit on its stdin', this.hint, timing.signalExit);
    },
  },
  stopsOnSignal('SIGINT'),
  portInUse('08'),
  stopsOnSignal('SIGTERM'),
];

export const lesson08: LessonChecks = { lesson: LESSON, checks: [...serverChecks, ...clientChecks] };
