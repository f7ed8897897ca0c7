// Lesson 01: greet, read one line, reply upper-cased, close; and the one-shot client.

import type { CheckDef, LessonChecks } from '../harness/check.ts';
import { CheckFailure } from '../harness/errors.ts';
import type { Peer } from '../harness/peer.ts';
import { fixedThenSeeded } from '../harness/seeded.ts';
import { clientConnectionRefused, expectAlive, expectClientLines, expectExit, noStackTrace, portInUse, readyCheck, STAYS_ALIVE, stopsOnSignal } from './common.ts';

const LESSON = '01-basic-socket';
const GREETING = '欢迎 welcome';

const greeted = { what: 'the greeting "欢迎 welcome\\n"' };

const checks: CheckDef[] = [
  readyCheck(LESSON),
  {
    id: 'greeting',
    title: 'greets each client with the exact bytes of "欢迎 welcome\\n"',
    target: 'server',
    shared: true,
    needs: ['ready'],
    hint: "Write the greeting as soon as the connection opens: socket.write('欢迎 welcome\\n'). A string is sent as UTF-8 unless you name another encoding.",
    async run(ctx) {
      const { port } = await ctx.sharedServer();
      const c = await ctx.connect(port);
      await c.expectBytes(Buffer.from(GREETING + '\n', 'utf8'), { ...greeted, hint: this.hint });
    },
  },
  {
    id: 'reply-upper-case',
    title: 'replies to one line with it upper-cased, then closes',
    target: 'server',
    shared: true,
    needs: ['greeting'],
    hint: "Collect 'data' until a \\n arrives, reply with line.toUpperCase() + '\\n', then socket.end() to close.",
    async run(ctx) {
      const { port } = await ctx.sharedServer();
      const c = await ctx.connect(port);
      await c.expectLine(GREETING, greeted);
      await c.send('hello, world\n');
      await c.expectLine('HELLO, WORLD', { what: 'the reply to "hello, world"', hint: this.hint });
      await c.expectClose({ what: 'the reply', hint: 'After the reply the server closes the connection: socket.end().' });
    },
  },
  {
    id: 'line-byte-by-byte',
    title: 'waits for the whole line when it arrives byte by byte',
    target: 'server',
    shared: true,
    needs: ['reply-upper-case'],
    hint: "One 'data' event is not one line: TCP delivers bytes, not messages. Append each chunk to a buffer and answer only when the buffer holds a \\n.",
    explores: true,
    async run(ctx) {
      const { port } = await ctx.sharedServer();
      await fixedThenSeeded(
        ctx,
        async () => {
          const c = await ctx.connect(port);
          await c.expectLine(GREETING, greeted);
          await c.send('slow line\n', { byteByByte: true });
          await c.expectLine('SLOW LINE', { what: 'the reply to "slow line" sent one byte at a time', hint: this.hint });
          await c.expectClose({ hint: this.hint });
        },
        // The same line on a connection of its own, cut where the seed says.
        async () => {
          const c = await ctx.connect(port);
          await c.expectLine(GREETING, greeted);
          await c.send('slow line\n', { seeded: ctx.choices });
          await c.expectLine('SLOW LINE', { what: 'the reply to "slow line" sent in pieces', hint: this.hint });
          await c.expectClose({ hint: this.hint });
        },
      );
    },
  },
  {
    id: 'multibyte-split',
    title: 'keeps a character whole when its bytes are split across reads',
    target: 'server',
    shared: true,
    needs: ['reply-upper-case'],
    hint: "chunk.toString() on each chunk on its own breaks a character whose bytes are split between chunks (you get U+FFFD �). Call socket.setEncoding('utf8') once, or decode with one StringDecoder for the whole stream.",
    explores: true,
    async run(ctx) {
      const { port } = await ctx.sharedServer();
      const line = Buffer.from('straße café 欢迎\n', 'utf8');
      await fixedThenSeeded(
        ctx,
        async () => {
          const c = await ctx.connect(port);
          await c.expectLine(GREETING, greeted);
          // split inside ß (2 bytes), inside é (2 bytes) and inside 欢 (3 bytes)
          await c.send(line, { splitAt: [5, 12, 15, 17] });
          await c.expectLine('STRASSE CAFÉ 欢迎', { what: 'the reply to "straße café 欢迎" (split mid-character)', hint: this.hint });
        },
        // The same line on a connection of its own, cut where the seed says (often inside a character).
        async () => {
          const c = await ctx.connect(port);
          await c.expectLine(GREETING, greeted);
          await c.send(line, { seeded: ctx.choices });
          await c.expectLine('STRASSE CAFÉ 欢迎', { what: 'the reply to "straße café 欢迎" (sent in pieces)', hint: this.hint });
        },
      );
    },
  },
  {
    id: 'one-line-per-connection',
    title: 'answers only the first line when two arrive in one write',
    target: 'server',
    shared: true,
    needs: ['reply-upper-case'],
    hint: 'This server answers one line per connection. A chunk may hold more than one line (or less): reply to the text before the first \\n and ignore the rest.',
    async run(ctx) {
      const { port } = await ctx.sharedServer();
      const c = await ctx.connect(port);
      await c.expectLine(GREETING, greeted);
      await c.send('first\nsecond\n');
      await c.expectLine('FIRST', { what: 'the reply to "first"', hint: this.hint });
      await c.expectClose({ what: 'the reply to the first line', hint: this.hint });
    },
  },
  {
    id: 'last-line-without-newline',
    title: 'answers a last line without \\n when the client half-closes',
    target: 'server',
    shared: true,
    needs: ['reply-upper-case'],
    hint: "When the client ends its side ('end' event) the text received so far is its line: reply to it, then end. Create the server with { allowHalfOpen: true } so you may still write after the client's FIN.",
    async run(ctx) {
      const { port } = await ctx.sharedServer();
      const c = await ctx.connect(port);
      await c.expectLine(GREETING, greeted);
      await c.send('no newline');
      await c.end();
      await c.expectLine('NO NEWLINE', { what: 'the reply to "no newline" (then FIN)', hint: this.hint });
      await c.expectClose({ hint: this.hint });
    },
  },
  {
    id: 'serves-client-after-client',
    title: 'keeps listening: five clients one after another are all served',
    target: 'server',
    shared: true,
    needs: ['reply-upper-case'],
    hint: STAYS_ALIVE,
    async run(ctx) {
      const { port, program } = await ctx.sharedServer();
      for (let i = 1; i <= 5; i++) {
        const c = await ctx.connect(port);
        await c.expectLine(GREETING, greeted);
        await c.send(`visitor ${i}\n`);
        await c.expectLine(`VISITOR ${i}`, { what: `the reply to visitor ${i}`, hint: this.hint });
        await c.expectClose({ hint: this.hint });
        c.destroy();
        // Whatever the server does once this client is gone (its 'end' and 'close' handlers) is done
        // before we look: an exit there is seen here, every time, and named for what it is.
        await ctx.settle(program);
        expectAlive(program, `client ${i} of 5 left`, this.hint);
      }
    },
  },
  {
    id: 'concurrent-clients',
    title: 'serves three clients connected at once, answered in reverse order',
    target: 'server',
    shared: true,
    // The clients' connections end one after another: a server that dies when one leaves is told so once, above.
    needs: ['serves-client-after-client'],
    hint: 'Keep each connection\'s state (its buffer, its socket) inside the connection handler, not in variables shared by all clients.',
    async run(ctx) {
      const { port } = await ctx.sharedServer();
      const clients = await ctx.connectMany(port, 3);
      for (const c of clients) await c.expectLine(GREETING, greeted);
      for (const [i, c] of [...clients.entries()].reverse()) {
        await c.send(`client ${i + 1}\n`);
        await c.expectLine(`CLIENT ${i + 1}`, { what: `the reply to "client ${i + 1}" on ${c.name}`, hint: this.hint });
        await c.expectClose({ hint: this.hint });
      }
    },
  },
  {
    id: 'survives-reset',
    title: 'a client that resets the connection, at any moment, does not stop the server',
    target: 'server',
    shared: true,
    needs: ['serves-client-after-client'],
    hint: "Give every socket an 'error' listener — and every object that re-emits the socket's errors too (a readline Interface over the socket emits 'error' when the socket does). A reset makes the socket emit 'error' (ECONNRESET); with no listener Node throws it and the whole server dies.",
    async run(ctx) {
      const { port, program } = await ctx.sharedServer();
      // The reset can come before the server has written anything, after the greeting, or in the
      // middle of a line: each reaches a different handler. Each moment twice.
      const moments = [
        ['right after connecting', async () => {}],
        ['after the greeting', async (c: Peer) => c.expectLine(GREETING, greeted)],
        ['in the middle of a line', async (c: Peer) => { await c.expectLine(GREETING, greeted); await c.send('half a li'); }],
      ] as const;
      for (const [when, before] of [...moments, ...moments]) {
        const rude = await ctx.connect(port);
        await before(rude);
        rude.reset();
        await ctx.settle(program);
        expectAlive(program, `a client reset its connection ${when}`, this.hint);
      }
      const next = await ctx.connect(port);
      await next.expectLine(GREETING, { ...greeted, hint: this.hint });
      await next.send('still there?\n');
      await next.expectLine('STILL THERE?', { what: 'the reply to the client after the resets', hint: this.hint });
      expectAlive(program, 'clients reset their connections', this.hint);
    },
  },
  portInUse('01'),
  stopsOnSignal('SIGINT'),
  stopsOnSignal('SIGTERM'),
  {
    id: 'client-sends-one-line',
    title: 'the client sends its arguments as one line',
    target: 'client',
    hint: "Join the message arguments with spaces and send them once, ending with '\\n': socket.write(message + '\\n').",
    async run(ctx) {
      const fake = await ctx.fakeServer();
      const program = await ctx.start('client', ['--host', '127.0.0.1', '--port', String(fake.port), 'hello', 'wörld'], 'keep');
      const conn = await fake.nextConnection(program);
      await conn.send(GREETING + '\n');
      const line = await conn.readLine();
      if (line !== 'hello wörld') {
        throw new CheckFailure('WRONG_BYTES', 'the client did not send its message as one line', {
          expected: '"hello wörld\\n"',
          actual: line === null ? 'the connection ended with no line' : JSON.stringify(line + '\n'),
          hint: this.hint,
        });
      }
    },
  },
  {
    id: 'client-prints-dribbled-replies',
    title: 'the client prints the greeting and the reply when they arrive byte by byte',
    target: 'client',
    needs: ['client-sends-one-line'],
    hint: "A 'data' event may hold one byte of a line. Buffer until \\n before printing, and decode with socket.setEncoding('utf8') so split characters stay whole.",
    explores: true,
    async run(ctx) {
      /** The conversation, the greeting and the reply sent byte by byte, or cut where the seed says. */
      const talk = async (seeded: boolean) => {
        const fake = await ctx.fakeServer(seeded ? 'seeded' : 'fake');
        const program = await ctx.start('client', ['--host', '127.0.0.1', '--port', String(fake.port), 'straße'], 'keep', seeded ? 'seeded client' : 'client');
        const conn = await fake.nextConnection(program);
        const how = seeded ? { seeded: ctx.choices } : { byteByByte: true };
        await conn.send(GREETING + '\n', how);
        await conn.readLine();
        await conn.send('STRASSE\n', how);
        await conn.end(); // as the lesson's server does: the reply, then close
        await expectExit(program, 0, 'the reply arrived and the server closed', this.hint);
        noStackTrace(program, 'after the reply', this.hint);
        expectClientLines(program, [GREETING, 'STRASSE'], this.hint);
      };
      await fixedThenSeeded(ctx, () => talk(false), () => talk(true), { together: true });
    },
  },
  {
    id: 'client-last-line-without-newline',
    title: 'the client prints a last reply that has no \\n before the server closes',
    target: 'client',
    needs: ['client-sends-one-line'],
    hint: "When the server closes ('end'), whatever is buffered is its last line: print it too.",
    async run(ctx) {
      const fake = await ctx.fakeServer();
      const program = await ctx.start('client', ['--host', '127.0.0.1', '--port', String(fake.port), 'no', 'newline'], 'keep');
      const conn = await fake.nextConnection(program);
      await conn.send(GREETING + '\n');
      await conn.readLine();
      await conn.send('NO NEWLINE');
      await conn.end();
      await expectExit(program, 0, 'the reply arrived and the server closed', this.hint);
      expectClientLines(program, [GREETING, 'NO NEWLINE'], this.hint);
    },
  },
  clientConnectionRefused('01', ['hello']),
];

export const lesson01: LessonChecks = { lesson: LESSON, checks };
