// Lesson 02: the communication loop and the connection loop; the interactive client.

import type { CheckDef, LessonChecks } from '../harness/check.ts';
import { CheckFailure } from '../harness/errors.ts';
import { pause, timing } from '../harness/timing.ts';
import type { Peer, SendOptions } from '../harness/peer.ts';
import type { Choices } from '../harness/choices.ts';
import { fixedThenSeeded } from '../harness/seeded.ts';
import { clientConnectionRefused, expectAlive, expectClientLines, expectExit, noStackTrace, portInUse, readyCheck, STAYS_ALIVE, stopsOnSignal } from './common.ts';

const LESSON = '02-loop-server';

interface ServeOptions {
  byteByByte?: boolean;
  /** Cut every reply where these choices say (the seeded case). */
  seeded?: Choices;
  /** Every line the client sent, in order. */
  seen?: string[];
  /** Lines (or a last piece without \n) that arrived after the client's quit. */
  afterQuit?: string[];
  /** End the connection after answering this many lines. */
  closeAfter?: number;
  /** Send replies without their \n at the end of the last one, then close (a last line without \n). */
  lastWithoutNewline?: boolean;
}

/** The fake server's side of lesson 02: answer each line upper-cased (quit: bye and close), with a chosen way of writing. */
function serveLikeLesson02(conn: Peer, opts: ServeOptions = {}): Promise<void> {
  const serving = serve(conn, opts);
  serving.catch(() => {}); // awaited by the check; a failure before that must not go unhandled
  return serving;
}

async function serve(conn: Peer, opts: ServeOptions): Promise<void> {
  let answered = 0;
  const how: SendOptions = opts.seeded ? { seeded: opts.seeded } : opts.byteByByte ? { byteByByte: true } : {};
  for (;;) {
    const line = await conn.readLine(timing.ready);
    if (line === null) {
      await conn.end();
      return;
    }
    opts.seen?.push(line);
    if (line === 'quit') {
      // A client may leave right after sending quit without reading bye: that is fair.
      await conn.send('bye\n', how).catch(() => {});
      if (!conn.socket.destroyed) await conn.end();
      // Anything the client sends after quit is recorded (until it closes, bounded).
      if (opts.afterQuit) {
        for (;;) {
          const more = await conn.readLine(timing.reply).catch(() => null);
          if (more === null) break;
          opts.afterQuit.push(more);
        }
      }
      return;
    }
    const reply = line.toUpperCase();
    if (opts.lastWithoutNewline) {
      await conn.send(reply);
      await conn.end();
      return;
    }
    await conn.send(reply + '\n', how);
    if (opts.closeAfter !== undefined && ++answered >= opts.closeAfter) {
      await conn.end();
      return;
    }
  }
}

const checks: CheckDef[] = [
  readyCheck(LESSON),
  {
    id: 'reply-upper-case',
    title: 'answers every line on one connection, upper-cased',
    target: 'server',
    shared: true,
    needs: ['ready'],
    hint: "Keep the connection open and answer each line as it completes: socket.write(line.toUpperCase() + '\\n'). Close only on quit or when the client leaves.",
    async run(ctx) {
      const { port } = await ctx.sharedServer();
      const c = await ctx.connect(port);
      for (const [sent, want] of [['hello', 'HELLO'], ['Straße', 'STRASSE'], ['déjà vu', 'DÉJÀ VU']] as const) {
        await c.send(sent + '\n');
        await c.expectLine(want, { what: `the reply to ${JSON.stringify(sent)}`, hint: this.hint });
      }
    },
  },
  {
    id: 'line-byte-by-byte',
    title: 'waits for the whole line when it arrives byte by byte',
    target: 'server',
    shared: true,
    needs: ['reply-upper-case'],
    hint: "One 'data' event is not one line. Append every chunk to a buffer and answer each complete line (up to \\n) in it; keep the rest for the next chunk.",
    explores: true,
    async run(ctx) {
      const { port } = await ctx.sharedServer();
      const c = await ctx.connect(port);
      await fixedThenSeeded(
        ctx,
        async () => {
          await c.send('one byte at a time\n', { byteByByte: true });
          await c.expectLine('ONE BYTE AT A TIME', { what: 'the reply to a line sent byte by byte', hint: this.hint });
          await c.send('and again\n', { byteByByte: true });
          await c.expectLine('AND AGAIN', { what: 'the reply to the second line sent byte by byte', hint: this.hint });
        },
        // The same two lines again on that connection, each cut where the seed says.
        async () => {
          await c.send('one byte at a time\n', { seeded: ctx.choices });
          await c.expectLine('ONE BYTE AT A TIME', { what: 'the reply to a line sent in pieces', hint: this.hint });
          await c.send('and again\n', { seeded: ctx.choices });
          await c.expectLine('AND AGAIN', { what: 'the reply to the second line sent in pieces', hint: this.hint });
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
    hint: "Decoding each chunk on its own (chunk.toString()) turns a split character into U+FFFD �. Call socket.setEncoding('utf8') once: Node then decodes the whole stream with one StringDecoder.",
    explores: true,
    async run(ctx) {
      const { port } = await ctx.sharedServer();
      const c = await ctx.connect(port);
      const line = Buffer.from('größe 欢迎\n', 'utf8');
      await fixedThenSeeded(
        ctx,
        async () => {
          await c.send(line, { splitAt: [3, 5, 10, 12] }); // inside ö, ß, 欢 and 迎
          await c.expectLine('GRÖSSE 欢迎', { what: 'the reply to "größe 欢迎" split mid-character', hint: this.hint });
        },
        // The line again on that connection, cut where the seed says (often inside a character).
        async () => {
          await c.send(line, { seeded: ctx.choices });
          await c.expectLine('GRÖSSE 欢迎', { what: 'the reply to "größe 欢迎" sent in pieces', hint: this.hint });
        },
      );
    },
  },
  {
    id: 'lines-in-one-write',
    title: 'answers each of several lines that arrive in one write',
    target: 'server',
    shared: true,
    needs: ['reply-upper-case'],
    hint: 'One chunk can hold many lines. Loop: while the buffer holds a \\n, cut off the line before it and answer it.',
    explores: true,
    async run(ctx) {
      const { port } = await ctx.sharedServer();
      const c = await ctx.connect(port);
      await fixedThenSeeded(
        ctx,
        async () => {
          await c.send('alpha\nbeta\ngamma\n');
          for (const want of ['ALPHA', 'BETA', 'GAMMA']) await c.expectLine(want, { what: `the reply ${JSON.stringify(want)}`, hint: this.hint });
        },
        // The three lines again on that connection, the write cut where the seed says (lines glued and split at once).
        async () => {
          await c.send('alpha\nbeta\ngamma\n', { seeded: ctx.choices });
          for (const want of ['ALPHA', 'BETA', 'GAMMA']) await c.expectLine(want, { what: `the reply ${JSON.stringify(want)}`, hint: this.hint });
        },
      );
    },
  },
  {
    id: 'quit-says-bye',
    title: 'answers quit with bye and closes that connection',
    target: 'server',
    shared: true,
    needs: ['reply-upper-case'],
    hint: "When the line is exactly quit, reply 'bye\\n' and close: socket.end('bye\\n').",
    async run(ctx) {
      const { port } = await ctx.sharedServer();
      const c = await ctx.connect(port);
      await c.send('first\nquit\n');
      await c.expectLine('FIRST', { what: 'the reply to "first"' });
      await c.expectLine('bye', { what: 'the reply to "quit"', hint: this.hint });
      await c.expectClose({ what: 'bye', hint: this.hint });
    },
  },
  {
    id: 'crlf-lines',
    title: 'takes a line ending in \\r\\n as the same line: quit\\r\\n says bye and closes',
    target: 'server',
    shared: true,
    needs: ['quit-says-bye'],
    hint: "A line may end in \\r\\n (telnet, Windows, many clients send it): strip one \\r before the \\n. Then quit\\r\\n is quit, and the \\r never ends up inside a reply.",
    explores: true,
    async run(ctx) {
      const { port } = await ctx.sharedServer();
      /** The conversation; seeded: on a connection of its own, each write cut where the seed says (a \r and its \n often apart). */
      const talk = async (how: SendOptions) => {
        const c = await ctx.connect(port);
        await c.send('hello\r\nagain\r\n', how);
        // A reply that ends in \r\n is fair; "HELLO\r" followed by its own \r\n is not.
        await c.expectLine('HELLO', { what: 'the reply to "hello\\r\\n"', hint: this.hint });
        await c.expectLine('AGAIN', { what: 'the reply to "again\\r\\n"', hint: this.hint });
        await c.send('quit\r\n', how);
        await c.expectLine('bye', { what: 'the reply to "quit\\r\\n"', hint: this.hint });
        await c.expectClose({ what: 'bye', hint: this.hint });
        c.destroy();
      };
      await fixedThenSeeded(ctx, () => talk({}), () => talk({ seeded: ctx.choices }));
    },
  },
  {
    id: 'concurrent-clients',
    title: 'serves three clients connected at once, answered in reverse order',
    target: 'server',
    shared: true,
    needs: ['reply-upper-case'],
    hint: "Keep every connection's state (its socket, its buffer) inside the connection handler. A variable shared by all connections sends one client's replies to another.",
    async run(ctx) {
      const { port } = await ctx.sharedServer();
      const clients = await ctx.connectMany(port, 3);
      for (let round = 1; round <= 2; round++) {
        for (const [i, c] of [...clients.entries()].reverse()) {
          await c.send(`client ${i + 1} round ${round}\n`);
          await c.expectLine(`CLIENT ${i + 1} ROUND ${round}`, { what: `the reply on ${c.name} (round ${round})`, hint: this.hint });
        }
      }
    },
  },
  {
    id: 'serves-client-after-client',
    title: 'keeps serving: clients that come and go one after another',
    target: 'server',
    shared: true,
    needs: ['reply-upper-case'],
    hint: STAYS_ALIVE,
    async run(ctx) {
      const { port, program } = await ctx.sharedServer();
      for (let i = 1; i <= 4; i++) {
        const c = await ctx.connect(port);
        await c.send(`guest ${i}\n`);
        await c.expectLine(`GUEST ${i}`, { what: `the reply to guest ${i}`, hint: this.hint });
        if (i % 2) {
          await c.send('quit\n');
          await c.expectLine('bye', { what: 'the reply to "quit"' });
        } else {
          await c.end();
        }
        await c.expectClose({ hint: this.hint });
        c.destroy();
        // What the server does once this client is gone ('end', 'close') is done before we look.
        await ctx.settle(program);
        expectAlive(program, `client ${i} of 4 left (by ${i % 2 ? 'quit' : 'closing its side'})`, this.hint);
      }
    },
  },
  {
    id: 'nothing-after-quit',
    title: 'after bye nothing more comes and nothing fails, even when more lines follow quit',
    target: 'server',
    shared: true,
    // Its clients come and go: a server that dies when one leaves is told so once, there.
    needs: ['serves-client-after-client'],
    hint: "After quit the connection is over: stop reading (or ignore what still arrives) and never write again. Writing after socket.end() is an error (ERR_STREAM_WRITE_AFTER_END); keep a flag, or remove the 'data' listener, once quit was answered.",
    async run(ctx) {
      const { port, program } = await ctx.sharedServer();
      // The lines after quit arrive in the same read as quit, and in a write of their own just after.
      const sameWrite = await ctx.connect(port);
      await sameWrite.send('quit\nmore\nand more\n');
      const nextWrite = await ctx.connect(port);
      await nextWrite.send('quit\n');
      await nextWrite.send('too late\n');
      for (const c of [sameWrite, nextWrite]) {
        await c.expectLine('bye', { what: 'the reply to "quit"', hint: this.hint });
        await c.expectClose({ what: 'bye: nothing may follow it', hint: this.hint });
        c.destroy();
      }
      await ctx.settle(program);
      expectAlive(program, 'lines followed quit', this.hint);
      const failed = [...program.stdoutLines, ...program.stderrLines].find((l) => /ERR_STREAM_WRITE_AFTER_END|ERR_STREAM_DESTROYED|write after end/i.test(l));
      if (failed) {
        throw new CheckFailure('OUTPUT', 'the server wrote to a connection after ending it', {
          expected: 'bye, the close, and no error: nothing is written after socket.end()',
          actual: `the server reported: ${failed.trim()}`,
          hint: this.hint,
        });
      }
    },
  },
  {
    id: 'half-close-gets-replies',
    title: 'a client that half-closes still gets every reply, the last line without \\n too',
    target: 'server',
    shared: true,
    needs: ['reply-upper-case'],
    hint: "On 'end' the client has stopped sending but still reads: answer what is buffered (a last line without \\n counts), then socket.end(). Create the server with { allowHalfOpen: true }.",
    async run(ctx) {
      const { port } = await ctx.sharedServer();
      const c = await ctx.connect(port);
      await c.send('one\ntwo\nthree');
      await c.end();
      for (const want of ['ONE', 'TWO', 'THREE']) await c.expectLine(want, { what: `the reply ${JSON.stringify(want)} after the client's FIN`, hint: this.hint });
      await c.expectClose({ what: 'the last reply', hint: 'After the client ended its side and every reply is sent, end yours: socket.end().' });
    },
  },
  {
    id: 'survives-reset',
    title: 'a client that resets its connection, at any moment, does not stop the server',
    target: 'server',
    shared: true,
    needs: ['serves-client-after-client'],
    hint: "Give every socket an 'error' listener — and every object that re-emits the socket's errors too (a readline Interface over the socket emits 'error' when the socket does). A reset (RST) makes the socket emit 'error' with ECONNRESET; unhandled, it kills the server and every other client with it.",
    async run(ctx) {
      const { port, program } = await ctx.sharedServer();
      const bystander = await ctx.connect(port);
      // Before a byte was exchanged, after a reply, in the middle of a line: each moment twice.
      const moments = [
        ['right after connecting', async () => {}],
        ['after a reply', async (c: Peer) => { await c.send('about to vanish\n'); await c.expectLine('ABOUT TO VANISH'); }],
        ['in the middle of a line', async (c: Peer) => { await c.send('half a li'); }],
      ] as const;
      for (const [when, before] of [...moments, ...moments]) {
        const rude = await ctx.connect(port);
        await before(rude);
        rude.reset();
        await ctx.settle(program);
        expectAlive(program, `a client reset its connection ${when}`, this.hint);
      }
      const next = await ctx.connect(port);
      await next.send('still there?\n');
      await next.expectLine('STILL THERE?', { what: 'the reply to a new client after the resets', hint: this.hint });
      await bystander.send('and me?\n');
      await bystander.expectLine('AND ME?', { what: 'the reply to a client connected before the resets', hint: this.hint });
      expectAlive(program, 'clients reset their connections', this.hint);
    },
  },
  {
    id: 'logs-connections',
    title: 'logs "connected HOST:PORT" and "disconnected HOST:PORT" on stdout',
    target: 'server',
    shared: true,
    // "disconnected" comes once the client has left: a server that dies then is told so once, above.
    needs: ['serves-client-after-client'],
    hint: "console.log(`connected ${socket.remoteAddress}:${socket.remotePort}`) in the connection handler, and the same with disconnected on the socket's 'close' event.",
    async run(ctx) {
      const { port, program } = await ctx.sharedServer();
      const c = await ctx.connect(port);
      const addr = `127.0.0.1:${c.localPort}`;
      const esc = addr.replace(/\./g, '\\.');
      await program.expectStdout(new RegExp(`^connected ${esc}$`), `"connected ${addr}"`, timing.reply, this.hint);
      await c.send('bye for now\n');
      await c.expectLine('BYE FOR NOW');
      await c.end();
      await c.expectClose();
      await program.expectStdout(new RegExp(`^disconnected ${esc}$`), `"disconnected ${addr}"`, timing.reply, this.hint);
    },
  },
  {
    id: 'idle-uses-no-cpu',
    title: 'uses no CPU while idle after every client has left',
    target: 'server',
    shared: true,
    needs: ['serves-client-after-client'],
    hint: "Never poll: no loop that calls socket.read() again and again, no setImmediate/setInterval spinning \"until the next client comes\". Let 'connection', 'data', 'end' and 'close' events call you. (Python's version of this bug: a loop on recv() that returns b'' forever after the client left.)",
    async run(ctx) {
      const { port, program } = await ctx.sharedServer();
      for (const how of ['end', 'quit', 'reset'] as const) {
        const c = await ctx.connect(port);
        await c.send(`leaving by ${how}\n`);
        await c.expectLine(`LEAVING BY ${how.toUpperCase()}`);
        if (how === 'end') await c.end();
        if (how === 'quit') await c.send('quit\n');
        if (how === 'reset') c.reset();
        else await c.waitForEnd();
        c.destroy(); // fully closed on our side too: the server holds no half-open connection of ours
      }
      // Measure an idle server: it has let go of every connection and its handlers are done.
      const settled = await ctx.settle(program);
      if (!settled.measured) {
        ctx.transcript.note('tester', 'CPU time cannot be read on this system (no /proc); measuring skipped');
        return;
      }
      if (!settled.released) ctx.transcript.note('tester', 'the server still holds a connection of a client that left (measured anyway)');
      const before = program.familyTicks() ?? 0;
      const t0 = performance.now();
      const windowMs = 500; // 50 clock ticks: a busy loop cannot hide between two 10 ms ticks
      await pause(windowMs); // a measurement window, not a wait for an event
      const after = program.familyTicks() ?? before;
      const elapsed = performance.now() - t0;
      const usedMs = (after - before) * 10; // clock ticks are 10 ms on Linux
      ctx.transcript.note('tester', `the server used ${usedMs} ms of CPU in ${Math.round(elapsed)} ms of idling`);
      if (usedMs > elapsed * 0.2) {
        throw new CheckFailure('BUSY', `the server used ${usedMs} ms of CPU in ${Math.round(elapsed)} ms with no client connected`, {
          expected: 'close to 0 ms of CPU while idle',
          actual: `${Math.round((usedMs / elapsed) * 100)}% of a core`,
          hint: this.hint,
        });
      }
      expectAlive(program, 'its clients left', this.hint);
    },
  },
  portInUse('02'),
  stopsOnSignal('SIGINT'),
  stopsOnSignal('SIGTERM'),
  {
    id: 'client-prints-replies',
    title: 'the client sends each line and prints each reply, even when replies arrive byte by byte',
    target: 'client',
    hint: "Buffer the server's bytes and print one line per \\n; decode with socket.setEncoding('utf8') so a split character stays whole.",
    explores: true,
    async run(ctx) {
      /** The conversation; the replies byte by byte, or (seeded) cut where the seed says. */
      const talk = async (seeded: boolean) => {
        const fake = await ctx.fakeServer(seeded ? 'seeded' : 'fake');
        const program = await ctx.start('client', ['--host', '127.0.0.1', '--port', String(fake.port)], 'keep', seeded ? 'seeded client' : 'client');
        const conn = await fake.nextConnection(program);
        const serving = serveLikeLesson02(conn, seeded ? { seeded: ctx.choices } : { byteByByte: true });
        program.writeStdin('hello\n');
        await program.expectStdout(/^HELLO$/, 'the reply "HELLO"', timing.reply, this.hint);
        program.writeStdin('grüß dich\n');
        await program.expectStdout(/^GRÜSS DICH$/, 'the reply "GRÜSS DICH"', timing.reply, this.hint);
        program.writeStdin('quit\n');
        await serving;
        await expectExit(program, 0, 'quit', 'After quit (or when the server closes) the client ends with exit code 0.');
        noStackTrace(program, 'after quit', this.hint);
        expectClientLines(program, ['HELLO', 'GRÜSS DICH'], this.hint);
      };
      await fixedThenSeeded(ctx, () => talk(false), () => talk(true), { together: true });
    },
  },
  {
    id: 'client-skips-empty-lines',
    title: 'the client never sends an empty line',
    target: 'client',
    // It reads its input to the end: a client that leaves before the replies is told so once, there.
    needs: ['client-end-of-stdin'],
    hint: "Skip an empty input line instead of sending it. (In Python send(b'') sends nothing and the client then waits forever for a reply.)",
    async run(ctx) {
      const fake = await ctx.fakeServer();
      const program = await ctx.start('client', ['--host', '127.0.0.1', '--port', String(fake.port)], 'one\n\ntwo\n');
      const conn = await fake.nextConnection(program);
      const seen: string[] = [];
      const serving = serveLikeLesson02(conn, { seen });
      await expectExit(program, 0, 'its input ended', this.hint).catch((e: unknown) => {
        throw seen.length < 2 ? new CheckFailure('TIMEOUT', `the client stopped after sending ${JSON.stringify(seen)}: it never sent "two"`, { expected: 'the lines "one" and "two", nothing between them', actual: `${JSON.stringify(seen)}\n${program.describeOutput()}`, hint: this.hint }) : e;
      });
      await serving;
      if (seen.some((l) => l.trim() === '')) {
        throw new CheckFailure('WRONG_BYTES', 'the client sent an empty line', { expected: '"one\\n" then "two\\n"', actual: seen.map((l) => JSON.stringify(l + '\n')).join(' then '), hint: this.hint });
      }
      expectClientLines(program, ['ONE', 'TWO'], this.hint);
    },
  },
  {
    id: 'client-end-of-stdin',
    title: 'at the end of its input the client still prints the replies, then exits 0',
    target: 'client',
    needs: ['client-prints-replies'],
    hint: "When stdin ends, half-close (socket.end()) but keep reading: exit only when the server has closed ('end'), so the last replies are printed.",
    async run(ctx) {
      const fake = await ctx.fakeServer();
      const program = await ctx.start('client', ['--host', '127.0.0.1', '--port', String(fake.port)], 'first words\nlast words\n');
      const conn = await fake.nextConnection(program);
      const serving = serveLikeLesson02(conn, { byteByByte: true });
      await expectExit(program, 0, 'its input ended', this.hint);
      await serving;
      expectClientLines(program, ['FIRST WORDS', 'LAST WORDS'], this.hint);
    },
  },
  {
    id: 'client-server-closes-first',
    title: 'the client says "connection closed by server" and exits 0 when the server closes first',
    target: 'client',
    needs: ['client-prints-replies'],
    hint: "On the socket's 'end' event, when you did not send quit and your input has not ended, print `connection closed by server` and exit 0.",
    async run(ctx) {
      const fake = await ctx.fakeServer();
      const program = await ctx.start('client', ['--host', '127.0.0.1', '--port', String(fake.port)], 'keep');
      const conn = await fake.nextConnection(program);
      const serving = serveLikeLesson02(conn, { closeAfter: 1 });
      program.writeStdin('are you there?\n');
      await serving;
      await expectExit(program, 0, 'the server closed the connection', this.hint);
      noStackTrace(program, 'when the server closed', this.hint);
      const said = [...program.stdoutLines, ...program.stderrLines].some((l) => l.trim() === 'connection closed by server');
      if (!said) {
        throw new CheckFailure('OUTPUT', 'the client did not say "connection closed by server"', { expected: 'the line "connection closed by server"', actual: program.describeOutput(), hint: this.hint });
      }
      expectClientLines(program, ['ARE YOU THERE?'], this.hint);
    },
  },
  {
    id: 'client-stops-after-quit',
    title: 'after quit the client sends nothing more and exits 0, even when more input follows',
    target: 'client',
    needs: ['client-prints-replies'],
    hint: "quit ends the conversation: stop reading stdin (close the readline interface, or ignore the lines after it) and never write again. Writing after socket.end() fails with ERR_STREAM_WRITE_AFTER_END.",
    async run(ctx) {
      const fake = await ctx.fakeServer();
      const program = await ctx.start('client', ['--host', '127.0.0.1', '--port', String(fake.port)], 'hello\nquit\nmore\nand more\n');
      const conn = await fake.nextConnection(program);
      const seen: string[] = [];
      const afterQuit: string[] = [];
      const serving = serveLikeLesson02(conn, { seen, afterQuit });
      await expectExit(program, 0, 'it sent quit (with more input after it)', this.hint);
      await serving;
      noStackTrace(program, 'after quit', this.hint);
      if (afterQuit.length > 0) {
        throw new CheckFailure('UNEXPECTED_DATA', 'the client went on sending after quit', {
          expected: '"hello\\n", "quit\\n", then nothing',
          actual: [...seen, ...afterQuit].map((l) => JSON.stringify(l + '\n')).join(' then '),
          hint: this.hint,
        });
      }
      // Whether it waits to print the reply to "hello" before it leaves is not this check's business:
      // a client that leaves at quit without reading further is fair, as one that waits for bye is.
    },
  },
  {
    id: 'client-last-line-without-newline',
    title: 'the client prints a last reply that has no \\n before the server closes',
    target: 'client',
    needs: ['client-prints-replies'],
    hint: "When the server closes ('end'), whatever is buffered is its last line: print it too.",
    async run(ctx) {
      const fake = await ctx.fakeServer();
      const program = await ctx.start('client', ['--host', '127.0.0.1', '--port', String(fake.port)], 'keep');
      const conn = await fake.nextConnection(program);
      const serving = serveLikeLesson02(conn, { lastWithoutNewline: true });
      program.writeStdin('the end\n');
      await serving;
      await expectExit(program, 0, 'the server sent its reply without \\n and closed', this.hint);
      expectClientLines(program, ['THE END'], this.hint);
    },
  },
  clientConnectionRefused('02'),
];

export const lesson02: LessonChecks = { lesson: LESSON, checks };
