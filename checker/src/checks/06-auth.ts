// Lesson 06: challenge-response authentication before lesson 02's line service.
// Every server check starts a server of its own with a secret (see 06-auth-tools.ts for why).

import type { CheckDef, LessonChecks } from '../harness/check.ts';
import { CheckFailure } from '../harness/errors.ts';
import { showBytes } from '../harness/bytes.ts';
import { pause, timing } from '../harness/timing.ts';
import { fixedThenSeeded } from '../harness/seeded.ts';
import { clientChecks } from './06-auth-client.ts';
import { programChecks } from './06-auth-program.ts';
import { answerChecks } from './06-auth-answer.ts';
import {
  AUTH_HINT,
  secretEnv,
  authenticate,
  CHALLENGE_BYTES,
  CHALLENGE_HINT,
  authServer,
  challengeOf,
  DIGEST_BYTES,
  expectRefused,
  expectServed,
  hmac,
  LESSON,
  SECRET,
  takeBytes,
  WRONG_SECRET,
} from './06-auth-tools.ts';
import { expectAlive, stopsOnSignal } from './common.ts';

const REFUSE_HINT =
  'A wrong answer closes the connection, with nothing sent (no error line, no service): socket.destroy() once the 32 bytes are in and differ. A short delay before the close is fine.';
const TIMEOUT_HINT =
  'Start a timer when the challenge is sent: setTimeout(() => socket.destroy(), authTimeout * 1000). Clear it when the answer is right (and on close). socket.setTimeout() is the wrong tool here: every byte restarts it, so a client sending one byte a second is never closed.';

const serverChecks: CheckDef[] = [
  {
    id: 'ready',
    title: 'starts with NETLINGS_SECRET set and prints "listening on 127.0.0.1:PORT" with the real port',
    target: 'server',
    hint: "Print the ready line in listen()'s callback with the port from server.address().port. Run it by hand: `NETLINGS_SECRET=abc npm run run -- 06 server`.",
    async run(ctx) {
      await authServer(ctx);
    },
  },
  {
    id: 'auth-then-lines',
    title: 'sends a 32-byte challenge; the right answer turns the connection into the line service',
    target: 'server',
    needs: ['ready'],
    hint: AUTH_HINT,
    async run(ctx) {
      const { port } = await authServer(ctx);
      const { peer } = await authenticate(ctx, port);
      const refused = 'the right answer, HMAC-SHA256(NETLINGS_SECRET, challenge)';
      await peer.send('hello\n');
      await expectServed(peer, 'HELLO', 'the reply to "hello" after the right answer', refused, this.hint);
      await peer.send('Straße\nquit\n');
      await peer.expectLine('STRASSE', { what: 'the reply to "Straße"', hint: 'After authentication, answer every line upper-cased, as in lesson 02.' });
      await peer.expectLine('bye', { what: 'the reply to "quit"', hint: "quit gets bye and the connection is closed: socket.end('bye\\n')." });
      await peer.expectClose({ what: 'bye' });
    },
  },
  {
    id: 'wrong-secret-refused',
    title: 'a wrong answer is closed with no service and nothing answered',
    target: 'server',
    needs: ['auth-then-lines'],
    hint: REFUSE_HINT,
    async run(ctx) {
      // A long --auth-timeout, so a close can only come from the refusal.
      const { port, program } = await authServer(ctx, { args: ['--auth-timeout', '10'] });
      const wrongKey = await challengeOf(ctx, port, 'wrong-key');
      const lastByte = await challengeOf(ctx, port, 'last-byte');
      ctx.transcript.note('tester', 'wrong-key answers with the HMAC of another secret, and a line in the same write');
      await wrongKey.peer.send(Buffer.concat([hmac(WRONG_SECRET, wrongKey.challenge), Buffer.from('hello\n')]));
      const almost = hmac(SECRET, lastByte.challenge);
      almost[DIGEST_BYTES - 1] = (almost[DIGEST_BYTES - 1] ?? 0) ^ 0x01;
      ctx.transcript.note('tester', 'last-byte answers with the right digest but its last byte changed, then a line');
      await lastByte.peer.send(almost);
      await lastByte.peer.send('hello\n').catch(() => {}); // the server may have closed already
      await expectRefused(wrongKey.peer, 'the HMAC of a wrong secret', this.hint);
      await expectRefused(lastByte.peer, 'a digest wrong in its last byte only', `${this.hint} Compare all 32 bytes: crypto.timingSafeEqual(answer, expected).`);
      expectAlive(program, 'it refused two clients', this.hint);
      const { peer } = await authenticate(ctx, port, { after: 'still there\n' });
      await expectServed(peer, 'STILL THERE', 'the reply to a right answer after two refusals', 'the right answer', this.hint);
    },
  },
  ...answerChecks,
  {
    id: 'concurrent-handshakes',
    title: 'three clients get their challenges at once and answer in reverse order',
    target: 'server',
    needs: ['auth-then-lines'],
    hint: "Keep each connection's challenge (and what it has received of the answer) inside the connection handler. A module-level variable holds only the newest client's challenge.",
    async run(ctx) {
      const { port } = await authServer(ctx);
      const clients = [];
      for (let i = 1; i <= 3; i++) clients.push(await challengeOf(ctx, port, `c${i}`));
      for (const [i, { peer, challenge }] of [...clients.entries()].reverse()) {
        await peer.send(Buffer.concat([hmac(SECRET, challenge), Buffer.from(`client ${i + 1}\n`)]));
        await expectServed(peer, `CLIENT ${i + 1}`, `the reply on ${peer.name}`, `the right answer to ${peer.name}'s own challenge, while other clients were waiting`, this.hint);
      }
    },
  },
  {
    id: 'fresh-challenges',
    title: '50 connections get 50 different challenges that look random',
    target: 'server',
    needs: ['auth-then-lines'],
    hint: 'A fresh challenge for every connection, from crypto.randomBytes(32), made inside the connection handler: never a constant, a counter, a clock or one value per server.',
    async run(ctx) {
      const { port } = await authServer(ctx);
      const peers = await ctx.connectMany(port, 50);
      const challenges = await Promise.all(peers.map((p) => takeBytes(p, CHALLENGE_BYTES, { what: 'the 32-byte challenge', hint: CHALLENGE_HINT })));
      const seen = new Map<string, string>();
      for (const [i, c] of challenges.entries()) {
        const name = peers[i]?.name ?? `c${i + 1}`;
        const hex = c.toString('hex');
        const twin = seen.get(hex);
        if (twin) {
          throw new CheckFailure('WRONG_BYTES', `${name} got the same challenge as ${twin}`, {
            expected: '50 different challenges',
            actual: `${showBytes(c)} on both`,
            hint: this.hint,
          });
        }
        seen.set(hex, name);
        // 32 random bytes hold about 30 different values; a counter or a short number padded with zeros far fewer.
        const distinct = new Set(c).size;
        if (distinct < 16) {
          throw new CheckFailure('WRONG_BYTES', `${name}'s challenge has only ${distinct} different byte values in 32: it is not random`, {
            expected: '32 bytes from crypto.randomBytes(32) (about 30 different values)',
            actual: showBytes(c),
            hint: `${this.hint} A guessable challenge lets an attacker collect answers in advance.`,
          });
        }
      }
    },
  },
  {
    id: 'replayed-answer-refused',
    title: 'an answer captured on one connection is refused on the next',
    target: 'server',
    needs: ['auth-then-lines'],
    hint: "The right answer is the HMAC of this connection's own challenge: compare with that, and accept nothing else (no list of answers that worked before).",
    async run(ctx) {
      const { port } = await authServer(ctx, { args: ['--auth-timeout', '10'] });
      const early = await challengeOf(ctx, port, 'opened-before');
      const victim = await authenticate(ctx, port, { after: 'first\n', name: 'victim' });
      await expectServed(victim.peer, 'FIRST', 'the reply to the victim', 'the right answer', this.hint);
      ctx.transcript.note('tester', "the tester replays the victim's answer on opened-before (connected before the answer) and on opened-after");
      const late = await challengeOf(ctx, port, 'opened-after');
      for (const c of [early, late]) {
        if (c.challenge.equals(victim.challenge)) {
          throw new CheckFailure('WRONG_BYTES', `${c.peer.name} got the victim's challenge again`, { expected: 'a challenge of its own', actual: showBytes(c.challenge), hint: this.hint });
        }
        await c.peer.send(Buffer.concat([victim.answer, Buffer.from('let me in\n')]));
      }
      for (const c of [early, late]) await expectRefused(c.peer, "the victim's answer, replayed", this.hint);
    },
  },
  {
    id: 'auth-timeout',
    title: 'at --auth-timeout, a silent client, half an answer and an answer trickled byte by byte are closed; an answered client stays',
    target: 'server',
    needs: ['auth-then-lines'],
    hint: TIMEOUT_HINT,
    async run(ctx) {
      const authS = 1;
      const { port } = await authServer(ctx, { args: ['--auth-timeout', String(authS)] });
      const deadline = authS * 1000 + timing.reply;
      const good = await authenticate(ctx, port, { after: 'before\n', name: 'answered' });
      await expectServed(good.peer, 'BEFORE', 'the reply to a client that answered', 'the right answer', AUTH_HINT);
      const t0 = performance.now();
      const [silent, half, trickle] = [await challengeOf(ctx, port, 'silent'), await challengeOf(ctx, port, 'half'), await challengeOf(ctx, port, 'trickle')];
      const trickleAnswer = hmac(SECRET, trickle.challenge);
      await half.peer.send(hmac(SECRET, half.challenge).subarray(0, 16));
      await trickle.peer.send(trickleAnswer.subarray(0, 16));
      // One byte of the right answer at a time, slowly enough that bytes 17..31 span more than the
      // deadline, and never the 32nd: a timer that each byte restarts (socket.setTimeout) never fires.
      const gap = Math.ceil(deadline / 12);
      ctx.transcript.note('tester', `--auth-timeout ${authS}: silent says nothing, half stops after 16 bytes, trickle sends bytes 17 to 31 one every ${gap} ms and never the 32nd`);
      let stop = false;
      const trickling = (async () => {
        for (let i = 16; i < DIGEST_BYTES - 1 && !stop; i++) {
          await pause(gap); // pacing writes
          if (stop || trickle.peer.hasEnded || trickle.peer.socket.destroyed) return;
          await trickle.peer.send(trickleAnswer.subarray(i, i + 1)).catch(() => {});
        }
      })();
      try {
        await expectRefused(silent.peer, `the challenge (the client stayed silent past --auth-timeout ${authS})`, this.hint, deadline);
        const after = Math.round(performance.now() - t0);
        ctx.transcript.note('tester', `silent was closed ${after} ms after it connected`);
        if (after < authS * 500) {
          throw new CheckFailure('CLOSED_EARLY', `silent was closed ${after} ms after it connected, long before --auth-timeout ${authS} had passed`, {
            expected: `the close about ${authS * 1000} ms after the challenge`,
            actual: `the close after ${after} ms`,
            hint: '--auth-timeout is in seconds; setTimeout takes milliseconds (authTimeout * 1000).',
          });
        }
        await expectRefused(half.peer, '16 of the 32 bytes of the answer, then silence', this.hint, Math.max(1, deadline - (performance.now() - t0)));
        await expectRefused(trickle.peer, 'the answer trickled one byte at a time, never complete', `${this.hint} Count the timeout from the challenge, not from the last byte.`, Math.max(1, deadline - (performance.now() - t0)));
      } finally {
        stop = true;
        await trickling;
      }
      await good.peer.send('after\n');
      await good.peer.expectLine('AFTER', {
        what: `the reply to a client that answered, once --auth-timeout ${authS} has passed`,
        hint: 'Clear the authentication timer when the answer is right: clearTimeout(timer). It is for clients that do not answer.',
      });
    },
  },
  {
    id: 'line-service-after-auth',
    title: 'after the answer, lines byte by byte, a character split across reads and a half-close are all answered',
    target: 'server',
    needs: ['auth-then-lines'],
    hint: "After authentication it is lesson 02's service: buffer until \\n, decode the whole stream with one decoder (split characters stay whole), and on 'end' answer a last line without \\n, then socket.end().",
    explores: true,
    async run(ctx) {
      const { port } = await authServer(ctx);
      const decodeHint = "Decode with one StringDecoder (or socket.setEncoding('utf8') once the answer is in), not chunk.toString() per chunk.";
      await fixedThenSeeded(
        ctx,
        async () => {
          const { peer } = await authenticate(ctx, port);
          await peer.send('one byte at a time\n', { byteByByte: true });
          await expectServed(peer, 'ONE BYTE AT A TIME', 'the reply to a line sent byte by byte', 'the right answer', this.hint);
          await peer.send(Buffer.from('größe 欢迎\n', 'utf8'), { splitAt: [3, 5, 10, 12] });
          await peer.expectLine('GRÖSSE 欢迎', { what: 'the reply to "größe 欢迎" split mid-character', hint: decodeHint });
          await peer.send('no newline');
          await peer.end();
          await peer.expectLine('NO NEWLINE', { what: "the reply to a last line without \\n, after the client's FIN", hint: this.hint });
          await peer.expectClose({ what: 'the last reply', hint: 'After the client ended its side and every reply is sent, end yours: socket.end().' });
        },
        // The same three writes after a right answer on a connection of their own, each cut where the
        // seed says (often next to a \n or inside a character), the last one still before the FIN.
        async () => {
          const { peer } = await authenticate(ctx, port, { name: 'seeded' });
          await peer.send('one byte at a time\n', { seeded: ctx.choices });
          await expectServed(peer, 'ONE BYTE AT A TIME', 'the reply to a line sent in pieces', 'the right answer', this.hint);
          await peer.send(Buffer.from('größe 欢迎\n', 'utf8'), { seeded: ctx.choices });
          await peer.expectLine('GRÖSSE 欢迎', { what: 'the reply to "größe 欢迎" sent in pieces', hint: decodeHint });
          await peer.send('no newline', { seeded: ctx.choices });
          await peer.end();
          await peer.expectLine('NO NEWLINE', { what: "the reply to a last line without \\n (sent in pieces), after the client's FIN", hint: this.hint });
          await peer.expectClose({ what: 'the last reply', hint: 'After the client ended its side and every reply is sent, end yours: socket.end().' });
        },
      );
    },
  },
  {
    id: 'survives-reset',
    title: 'clients that reset during the handshake or mid-line do not stop the server',
    target: 'server',
    needs: ['auth-then-lines'],
    hint: "Give every socket an 'error' listener from the moment it connects, before the challenge: a reset (RST) makes it emit 'error' with ECONNRESET, which unhandled kills the server and every client.",
    async run(ctx) {
      const { port, program } = await authServer(ctx);
      const bystander = await authenticate(ctx, port, { after: 'hi\n', name: 'bystander' });
      await expectServed(bystander.peer, 'HI', 'the reply to the bystander', 'the right answer', AUTH_HINT);
      const early = await challengeOf(ctx, port, 'reset-in-handshake');
      await early.peer.send(hmac(SECRET, early.challenge).subarray(0, 10));
      early.peer.reset();
      const late = await authenticate(ctx, port, { after: 'about to vanish\n', name: 'reset-mid-line' });
      await expectServed(late.peer, 'ABOUT TO VANISH', 'the reply before the reset', 'the right answer', AUTH_HINT);
      await late.peer.send('half a li');
      late.peer.reset();
      // Bytes and the RST in one go may reach the server as data then end of stream, with no error at
      // all; a reset with nothing in flight always makes its socket emit ECONNRESET.
      const quiet = await authenticate(ctx, port, { after: 'and now I go\n', name: 'reset-when-quiet' });
      await expectServed(quiet.peer, 'AND NOW I GO', 'the reply before the reset', 'the right answer', AUTH_HINT);
      quiet.peer.reset();
      const next = await authenticate(ctx, port, { after: 'still there?\n', name: 'next' });
      await expectServed(next.peer, 'STILL THERE?', 'the reply to a new client after three resets', 'the right answer', this.hint);
      await bystander.peer.send('and me?\n');
      await bystander.peer.expectLine('AND ME?', { what: 'the reply to a client connected before the resets', hint: this.hint });
      expectAlive(program, 'three clients reset their connections', this.hint);
    },
  },
  {
    id: 'idle-uses-no-cpu',
    title: 'uses no CPU while idle after clients have left, one of them in the middle of its answer',
    target: 'server',
    needs: ['auth-then-lines'],
    hint: "Never poll: no loop that calls socket.read() again and again, no setImmediate/setInterval spinning while waiting for the answer. Let 'data', 'end' and a timer call you.",
    async run(ctx) {
      const { port, program } = await authServer(ctx);
      for (const how of ['end', 'quit', 'reset'] as const) {
        const { peer } = await authenticate(ctx, port, { after: `leaving by ${how}\n`, name: `by-${how}` });
        await expectServed(peer, `LEAVING BY ${how.toUpperCase()}`, `the reply on by-${how}`, 'the right answer', AUTH_HINT);
        if (how === 'end') await peer.end();
        if (how === 'quit') await peer.send('quit\n');
        if (how === 'reset') peer.reset();
        else await peer.waitForEnd();
      }
      const gone = await challengeOf(ctx, port, 'gone-mid-answer');
      await gone.peer.send(hmac(SECRET, gone.challenge).subarray(0, 8));
      gone.peer.destroy();
      const before = program.cpuTicks();
      if (before === undefined) {
        ctx.transcript.note('tester', 'CPU time cannot be read on this system (no /proc); measuring skipped');
        return;
      }
      const windowMs = 400;
      await pause(windowMs); // a measurement window, not a wait for an event
      const usedMs = ((program.cpuTicks() ?? before) - before) * 10; // clock ticks are 10 ms on Linux
      ctx.transcript.note('tester', `the server used ${usedMs} ms of CPU in ${windowMs} ms of idling`);
      if (usedMs > windowMs * 0.25) {
        throw new CheckFailure('BUSY', `the server used ${usedMs} ms of CPU in ${windowMs} ms with no clients talking`, {
          expected: 'close to 0 ms of CPU while idle',
          actual: `${Math.round((usedMs / windowMs) * 100)}% of a core`,
          hint: this.hint,
        });
      }
      expectAlive(program, 'its clients left', this.hint);
    },
  },
];

// Every server the shared checks start knows the secret (the checks of where it comes from set their own).
export const lesson06: LessonChecks = { lesson: LESSON, checks: [...serverChecks, ...programChecks, stopsOnSignal('SIGINT'), ...clientChecks], server: { env: secretEnv() } };
