// Lesson 06's checks of the answer as bytes: 32 of them, whatever reads they come in, whatever bytes
// they are (\n, \r, \0, spaces), and the lines that follow them in the same read.

import type { CheckDef } from '../harness/check.ts';
import { showBytes } from '../harness/bytes.ts';
import { fixedThenSeeded } from '../harness/seeded.ts';
import { authenticate, authServer, challengeOf, DIGEST_BYTES, expectServed, hmac, SECRET, sendAnswerSeeded } from './06-auth-tools.ts';

export const answerChecks: CheckDef[] = [
  {
    id: 'digest-byte-by-byte',
    title: 'waits for all 32 bytes of an answer that arrives one byte at a time',
    target: 'server',
    needs: ['auth-then-lines'],
    hint: "One 'data' event is not the whole answer: collect chunks until 32 bytes are in (Python's recv(32) may return fewer, too).",
    explores: true,
    async run(ctx) {
      const { port } = await authServer(ctx);
      await fixedThenSeeded(
        ctx,
        async () => {
          const { peer, challenge } = await challengeOf(ctx, port);
          await peer.send(hmac(SECRET, challenge), { byteByByte: true });
          await peer.send('ping\n');
          await expectServed(peer, 'PING', 'the reply to "ping" after an answer sent byte by byte', 'the answer arrived one byte at a time', this.hint);
        },
        // The answer and "ping\n" again on a connection of their own, as one run of bytes cut where the
        // seed says (often next to the answer's end: "ping" may start in the piece that completes it).
        async () => {
          const { peer, challenge } = await challengeOf(ctx, port, 'seeded');
          await sendAnswerSeeded(ctx, peer, hmac(SECRET, challenge), 'ping\n');
          await expectServed(peer, 'PING', 'the reply to "ping" after an answer sent in pieces', 'the answer (and "ping\\n" after it) arrived in pieces', this.hint);
        },
      );
    },
  },
  {
    id: 'digest-and-lines-in-one-write',
    title: 'answers the lines that arrive in the same write as the answer',
    target: 'server',
    // Only 'ready': a server that drops them fails 'auth-then-lines' too, but only when its answer and
    // first line happen to share a read; this check must not be skipped because of that.
    needs: ['ready'],
    hint: 'The bytes after the 32 of the answer are the start of the conversation: hand them to the line service before any later data. Do not drop the rest of the chunk.',
    explores: true,
    async run(ctx) {
      const { port, program } = await authServer(ctx);
      await fixedThenSeeded(
        ctx,
        async () => {
          const a = await authenticate(ctx, port, { after: 'one\ntwo\nthr', name: 'lines' });
          await expectServed(a.peer, 'ONE', 'the reply to "one", sent in the same write as the answer', 'the answer and "one\\ntwo\\nthr" in one write', this.hint);
          await a.peer.expectLine('TWO', { what: 'the reply to "two", sent in the same write as the answer', hint: this.hint });
          await a.peer.send('ee\n');
          await a.peer.expectLine('THREE', { what: 'the reply to "thr" (same write as the answer) + "ee\\n" (later)', hint: this.hint });
          const q = await authenticate(ctx, port, { after: 'quit\n', name: 'quit' });
          await expectServed(q.peer, 'bye', 'the reply to "quit", sent in the same write as the answer', 'the answer and "quit\\n" in one write', this.hint);
          await q.peer.expectClose({ what: 'bye' });
          // The answer cut before its last byte, and the server seen idle (it has read those 31 bytes)
          // before that byte and a line go in one write: the line starts where the answer ends in
          // that read, not 32 bytes into it.
          const s = await challengeOf(ctx, port, 'split');
          const digest = hmac(SECRET, s.challenge);
          await s.peer.send(digest.subarray(0, DIGEST_BYTES - 1));
          await ctx.settle(program);
          await s.peer.send(Buffer.concat([digest.subarray(DIGEST_BYTES - 1), Buffer.from('split\n')]));
          await expectServed(s.peer, 'SPLIT', 'the reply to "split", sent in the same write as the last byte of the answer', `the answer's first ${DIGEST_BYTES - 1} bytes, then its last byte and "split\\n" in one write`, this.hint);
        },
        // The same bytes on two connections of their own, at once: the answer and what follows it cut
        // where the seed says (often next to the answer's end or a \n), then "ee\n" cut too. Each send
        // draws its cuts before its first write, so the draws keep their order.
        async () => {
          const [a, q] = await Promise.all([challengeOf(ctx, port, 'seeded-lines'), challengeOf(ctx, port, 'seeded-quit')]);
          const lines = async () => {
            await expectServed(a.peer, 'ONE', 'the reply to "one", sent with the answer in pieces', 'the answer and "one\\ntwo\\nthr" in pieces', this.hint);
            await a.peer.expectLine('TWO', { what: 'the reply to "two", sent with the answer in pieces', hint: this.hint });
            await a.peer.send('ee\n', { seeded: ctx.choices });
            await a.peer.expectLine('THREE', { what: 'the reply to "thr" (sent with the answer) + "ee\\n" (later)', hint: this.hint });
          };
          const quit = async () => {
            await expectServed(q.peer, 'bye', 'the reply to "quit", sent with the answer in pieces', 'the answer and "quit\\n" in pieces', this.hint);
            await q.peer.expectClose({ what: 'bye' });
          };
          await Promise.all([sendAnswerSeeded(ctx, a.peer, hmac(SECRET, a.challenge), 'one\ntwo\nthr'), sendAnswerSeeded(ctx, q.peer, hmac(SECRET, q.challenge), 'quit\n')]);
          await Promise.all([lines(), quit()]);
        },
      );
    },
  },
  {
    id: 'digest-with-newline-and-nul',
    title: 'takes answers that contain \\n, \\r, \\0 and spaces as bytes (opens connections until answers hold each)',
    target: 'server',
    // Only 'ready': a server that mishandles some answers fails 'auth-then-lines' only sometimes, and this
    // check, which always finds them, must not be skipped because of that.
    needs: ['ready'],
    hint: 'The answer is 32 raw bytes, any of them \\n, \\r, \\0 or a space: never read it as a line, never trim it, never stop at a \\0. Count 32 bytes.',
    async run(ctx) {
      const { port } = await authServer(ctx);
      // Whitespace that String.prototype.trim() removes, in latin1: \t \n \v \f \r space and no-break space.
      const edge = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0]);
      const wanted: [string, (d: Buffer) => boolean][] = [
        ['a \\n', (d) => d.includes(0x0a)],
        ['a \\r', (d) => d.includes(0x0d)],
        ['a \\0', (d) => d.includes(0x00)],
        ['whitespace as its first or last byte', (d) => edge.has(d[0] ?? -1) || edge.has(d[DIGEST_BYTES - 1] ?? -1)],
      ];
      const seen = new Set<string>();
      const max = 400;
      for (let i = 1; i <= max && seen.size < wanted.length; i++) {
        const { peer, challenge } = await challengeOf(ctx, port, `c${i}`);
        const answer = hmac(SECRET, challenge);
        const holds = wanted.filter(([name, test]) => !seen.has(name) && test(answer)).map(([name]) => name);
        await peer.send(Buffer.concat([answer, Buffer.from(`probe ${i}\n`)]));
        const what = holds.length ? `an answer holding ${holds.join(', ')}: ${showBytes(answer)}` : 'the right answer';
        await expectServed(peer, `PROBE ${i}`, `the reply to "probe ${i}" after ${what}`, what, this.hint);
        for (const h of holds) seen.add(h);
        peer.destroy();
      }
      ctx.transcript.note('tester', `right answers holding ${[...seen].join(', ')} were all accepted`);
      if (seen.size < wanted.length) throw new Error(`no answer held all of ${wanted.map(([n]) => n).join(', ')} in ${max} connections`);
    },
  },
];
