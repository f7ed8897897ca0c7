// Lesson 09: UDP. Datagrams keep their boundaries, never stick, and can be lost. The server checks
// send bursts, empty and 60,000-byte datagrams and datagrams from many sockets, each expecting its
// own reply datagram back at its own address; the time mode's checks are in 09-udp-time.ts and the
// client's (against a fake server that loses, duplicates, delays and impersonates) in 09-udp-client.ts.
// No check is shared: the harness's shared server waits for a TCP listener, so every check starts a
// UDP server of its own (harness/udp-ready.ts).

import dgram from 'node:dgram';
import type { CheckContext, CheckDef, LessonChecks } from '../harness/check.ts';
import { CheckFailure } from '../harness/errors.ts';
import { showBytes } from '../harness/bytes.ts';
import { checkDatagram } from '../harness/datagram.ts';
import { startUdpServer } from '../harness/udp-ready.ts';
import { timing } from '../harness/timing.ts';
import { expectExit, noStackTrace } from './common.ts';
import { clientChecks } from './09-udp-client.ts';
import { timeChecks } from './09-udp-time.ts';

const LESSON = '09-udp';

/** The server in upper mode, on a port of its own. */
function upperServer(ctx: CheckContext) {
  return startUdpServer(ctx, ['--host', '127.0.0.1', '--port', '0', '--mode', 'upper']);
}

function signalCheck(sig: 'SIGINT' | 'SIGTERM'): CheckDef {
  return {
    id: sig === 'SIGTERM' ? 'stops-on-sigterm' : 'stops-on-sigint',
    title: `${sig} closes the socket and exits 0`,
    target: 'server',
    needs: ['ready'],
    hint: `process.once('${sig}', ...): socket.close(), then exit 0. (Handle both SIGINT and SIGTERM: Ctrl-C sends the one, kill and service managers the other.)`,
    async run(ctx) {
      const { program, port } = await upperServer(ctx);
      const u = await ctx.udpPeer(port);
      await u.send('a datagram just before the signal');
      await ctx.signal(program, sig);
      await expectExit(program, 0, sig, this.hint, timing.signalExit);
    },
  };
}

const serverChecks: CheckDef[] = [
  {
    id: 'ready',
    title: 'binds its UDP socket and prints "listening on 127.0.0.1:PORT" with the real port',
    target: 'server',
    hint: "Print the ready line in bind()'s callback with the port from socket.address().port. Run it by hand: `npm run run -- 09 server`.",
    async run(ctx) {
      await upperServer(ctx);
    },
  },
  {
    id: 'reply-upper-case',
    title: 'answers each datagram with one datagram, upper-cased, from its own port',
    target: 'server',
    needs: ['ready'],
    hint: "On 'message' (msg, rinfo): decode, upper-case with toUpperCase(), and send the reply with the same socket to rinfo.port and rinfo.address. Nothing is added: no \\n, no prompt.",
    async run(ctx) {
      const { port } = await upperServer(ctx);
      const u = await ctx.udpPeer(port);
      for (const [sent, want] of [['hello', 'HELLO'], ['Straße', 'STRASSE'], ['déjà vu 欢迎 😀', 'DÉJÀ VU 欢迎 😀'], ['two\nlines\n', 'TWO\nLINES\n']] as const) {
        await u.send(sent);
        await u.expectDatagram(want, { what: `the reply to ${JSON.stringify(sent)}`, hint: this.hint });
      }
    },
  },
  {
    id: 'hundred-datagrams',
    title: '100 datagrams sent back to back get 100 replies, each the reply to its own datagram',
    target: 'server',
    needs: ['reply-upper-case'],
    hint: "Each 'message' is one whole datagram: answer it with one datagram of its own, at once. Never join replies into one send, never split one into several: UDP keeps the boundaries you give it.",
    async run(ctx) {
      const { port } = await upperServer(ctx);
      const u = await ctx.udpPeer(port);
      const sent = Array.from({ length: 100 }, (_, i) => `datagram ${i + 1}${i % 9 === 4 ? ' grüße 欢迎' : ''}${'.'.repeat(i % 7)}`);
      const want = new Map(sent.map((s) => [s.toUpperCase(), s]));
      // Back to back: every send handed to the kernel at once, none waiting for a reply.
      await Promise.all(sent.map((s) => u.send(s)));
      const answered = new Set<string>();
      while (answered.size < sent.length) {
        const d = await u.take(timing.reply);
        if (!d) {
          const missing = sent.filter((s) => !answered.has(s));
          throw new CheckFailure('TIMEOUT', `${u.name}: ${answered.size} of the 100 datagrams were answered, then nothing came for ${timing.reply} ms`, {
            expected: 'one reply datagram per datagram sent',
            actual: `no reply to ${missing.slice(0, 5).map((m) => JSON.stringify(m)).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`,
            hint: this.hint,
          });
        }
        const text = d.data.toString('utf8');
        const of = want.get(text);
        if (of === undefined || answered.has(of)) {
          const merged = [...want.keys()].filter((k) => text.includes(k)).length;
          throw new CheckFailure('WRONG_BYTES', `${u.name}: datagram #${d.n} is not the reply to any one datagram${of !== undefined ? ' not answered yet (a second reply to the same datagram)' : ''}`, {
            expected: 'one reply datagram per datagram sent: "DATAGRAM 1", "DATAGRAM 2", ... (in any order)',
            actual: `${showBytes(d.data, 200)}${merged > 1 ? `\n(it holds the replies to ${merged} datagrams: replies were joined into one datagram)` : ''}`,
            hint: this.hint,
          });
        }
        checkDatagram(d, d.data, `the reply to ${JSON.stringify(of)}`, port, u.name);
        answered.add(of);
      }
    },
  },
  {
    id: 'empty-datagram',
    title: 'an empty datagram gets an empty reply datagram',
    target: 'server',
    needs: ['reply-upper-case'],
    hint: "In UDP an empty datagram is a message like any other (in TCP zero bytes means the end of the stream; here it does not). 'message' fires with an empty Buffer: answer it, with an empty datagram in upper mode.",
    async run(ctx) {
      const { port } = await upperServer(ctx);
      const u = await ctx.udpPeer(port);
      await u.send('');
      await u.expectDatagram('', { what: 'the reply to an empty datagram', hint: this.hint });
      await u.send('after');
      await u.expectDatagram('AFTER', { what: 'the reply to "after", sent after the empty datagram' });
      await u.send(Buffer.alloc(0));
      await u.expectDatagram('', { what: 'the reply to a second empty datagram', hint: this.hint });
    },
  },
  {
    id: 'clients-own-address',
    title: 'datagrams from five client sockets are each answered to their own address',
    target: 'server',
    needs: ['reply-upper-case'],
    hint: "There are no connections in UDP: every datagram carries its sender's address (rinfo). Reply to rinfo.address and rinfo.port of the datagram you are answering, never to a client remembered from before.",
    async run(ctx) {
      const { port } = await upperServer(ctx);
      const peers = await Promise.all(Array.from({ length: 5 }, () => ctx.udpPeer(port)));
      for (const round of [1, 2]) {
        const order = round === 1 ? peers : [...peers].reverse();
        for (const p of order) await p.send(`${p.name} round ${round}`);
        for (const p of order) {
          await p.expectDatagram(`${p.name} round ${round}`.toUpperCase(), { what: `the reply to ${p.name}'s own datagram (round ${round})`, hint: this.hint });
        }
      }
    },
  },
  {
    id: 'big-datagram',
    title: 'a datagram of 60,000 bytes gets its whole reply in one datagram',
    target: 'server',
    needs: ['reply-upper-case'],
    hint: "A UDP datagram holds up to 65,507 bytes, and Node hands you all of it in one 'message' (there is no recvfrom(1024) to cut it). Reply with the whole of it in one send.",
    async run(ctx) {
      const { port } = await upperServer(ctx);
      const u = await ctx.udpPeer(port);
      const unit = 'straße 欢迎 datagram ';
      const unitBytes = Buffer.byteLength(unit);
      let text = unit.repeat(Math.floor(60_000 / unitBytes));
      text += 'x'.repeat(60_000 - Buffer.byteLength(text));
      await u.send(text);
      await u.expectDatagram(text.toUpperCase(), { what: 'the reply to the 60,000-byte datagram', hint: this.hint });
      await u.send('small one after');
      await u.expectDatagram('SMALL ONE AFTER', { what: 'the reply to a small datagram after the big one', hint: this.hint });
    },
  },
  ...timeChecks,
  {
    id: 'port-in-use',
    title: 'a port already in use gives one clear line and exit 1',
    target: 'server',
    needs: ['ready'],
    hint: "Listen for the socket's 'error' event; for EADDRINUSE print one line (`cannot listen on HOST:PORT: address already in use`) to stderr and exit with code 1.",
    async run(ctx) {
      const blocker = dgram.createSocket('udp4');
      ctx.defer(() => new Promise<void>((r) => blocker.close(() => r())));
      await new Promise<void>((r) => blocker.bind(0, '127.0.0.1', r));
      const port = blocker.address().port;
      ctx.transcript.note('tester', `the tester holds UDP 127.0.0.1:${port} and starts the server on it`);
      const program = await ctx.start('server', ['--host', '127.0.0.1', '--port', String(port), '--mode', 'upper']);
      const hint = `Listen for the socket's 'error' event. For EADDRINUSE print one line to stderr naming the address, then exit with code 1 (bind() fails there, not at send). Try it: \`npm run run -- 09 server\` twice.`;
      await expectExit(program, 1, 'its port was already in use', hint);
      noStackTrace(program, 'when its port was in use', hint);
      const lines = program.stderrLines.filter((l) => l.trim().length > 0);
      if (lines.length !== 1) {
        throw new CheckFailure('OUTPUT', `the server printed ${lines.length} lines on stderr, not one`, {
          expected: `one line on stderr, such as "cannot listen on 127.0.0.1:${port}: address already in use"`,
          actual: program.describeOutput(),
          hint,
        });
      }
    },
  },
  signalCheck('SIGINT'),
  signalCheck('SIGTERM'),
];

export const lesson09: LessonChecks = { lesson: LESSON, checks: [...serverChecks, ...clientChecks] };
