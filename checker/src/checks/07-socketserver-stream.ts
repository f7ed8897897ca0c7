// Lesson 07's module checks of StreamRequestHandler: readLine() over bytes cut the way the network
// cuts them, and write() against a client that does not read. The driver's `lines` handler writes
// what each readLine() call returned, as one JSON line, so the tester sees it on the wire.

import type { CheckDef } from '../harness/check.ts';
import { CheckFailure } from '../harness/errors.ts';
import type { ModuleHost } from '../harness/module.ts';
import type { Peer, SendOptions } from '../harness/peer.ts';
import { pause, timing } from '../harness/timing.ts';
import type { CheckContext } from '../harness/check.ts';
import { frameworkCheck, startRemote, type Remote } from './07-socketserver-framework.ts';
import { fixedThenSeeded } from '../harness/seeded.ts';

interface Case {
  what: string;
  data: string | Buffer;
  send?: SendOptions;
  /** The tester ends its side after sending. */
  end?: boolean;
  /** What readLine() must return, in order (null: the end of the stream). */
  lines: (string | null)[];
}

const show = (v: string | null) => (v === null ? 'null' : JSON.stringify(v));

/** A case's bytes for a message: short ones quoted, long ones counted. */
function showData(data: string | Buffer): string {
  const text = typeof data === 'string' ? data : data.toString('utf8');
  const bytes = Buffer.byteLength(text);
  return bytes <= 60 ? JSON.stringify(text) : `${text.split('\n').length - 1} lines (${bytes.toLocaleString('en-US')} bytes)`;
}

/**
 * While exploring, one `lines` server per pooled driver, for every run of every check (a server
 * per run would leave hundreds listening in that driver).
 */
const pooledServers = new WeakMap<ModuleHost, Promise<Remote>>();

/** The fixed cases, then each case's bytes once more cut where the seed says (exploring: those alone). */
async function runCases(ctx: CheckContext, host: ModuleHost, cases: Case[], hint: string): Promise<void> {
  let server: Promise<Remote> | undefined = ctx.hostPool ? pooledServers.get(host) : undefined;
  if (!server) {
    server = startRemote(host, 'ThreadingTCPServer', { handler: 'lines' });
    if (ctx.hostPool) pooledServers.set(host, server);
  }
  const { port } = await server;
  // A case without bytes has nothing to cut: it is not run again.
  const seeded = cases.filter((c) => c.data.length > 0).map((c) => ({ ...c, what: `sends ${showData(c.data)} cut where the seed says${c.end ? ' and ends its side' : ''}`, send: { seeded: ctx.choices } }));
  await fixedThenSeeded(ctx, () => runOn(ctx, port, cases, hint), () => runOn(ctx, port, seeded, hint));
}

async function runOn(ctx: CheckContext, port: number, cases: Case[], hint: string): Promise<void> {
  for (const c of cases) {
    const peer: Peer = await ctx.connect(port);
    ctx.transcript.note('tester', `${c.what}; each readLine() result comes back as a JSON line`);
    await peer.send(c.data, c.send ?? {});
    if (c.end) await peer.end();
    const expected = `readLine() returning ${c.lines.map(show).join(', ')}`;
    for (const [i, want] of c.lines.entries()) {
      const got = await peer.readLine(timing.reply).catch(() => undefined);
      if (got === undefined || got === null) {
        const calls = i === 0 ? 'the first readLine()' : `readLine() call ${i + 1}`;
        throw new CheckFailure('TIMEOUT', `${c.what}: ${calls} ${got === null ? 'was never answered: the connection closed' : `did not return within ${timing.reply} ms`}`, {
          expected,
          actual: `${i} call(s) answered${i ? `: ${c.lines.slice(0, i).map(show).join(', ')}` : ''}`,
          hint: want === null && i > 0 && c.lines[i - 1] === null ? 'readLine() returns null at the end of the stream and on every call after it: remember that the stream has ended.' : hint,
        });
      }
      if (got !== JSON.stringify(want)) {
        let why = '';
        if (typeof want === 'string' && got === JSON.stringify(want + '\r')) why = ' (with the \\r of its \\r\\n still on it)';
        else if (got.includes('\\ufffd') || got.includes('\uFFFD')) why = ' (U+FFFD: a character was decoded in two halves)';
        throw new CheckFailure('WRONG_VALUE', `${c.what}: readLine() call ${i + 1} returned ${got}, not ${show(want)}${why}`, { expected, actual: `call ${i + 1} returned ${got}`, hint });
      }
    }
    peer.destroy();
  }
}

export const streamHandlerChecks: CheckDef[] = [
  frameworkCheck({
    id: 'read-line-split',
    title: 'readLine() waits for the whole line when it arrives byte by byte, or split inside a character',
    explores: true,
    needs: ['phases-in-order'],
    hint: "One 'data' chunk is not one line: keep the bytes after the last \\n for the next chunk, and decode a line only once it is whole (a character's bytes may come in two chunks; \\n is never inside one).",
    async run(ctx, host, hint) {
      const text = 'größe 欢迎 😀\n';
      const bytes = Buffer.from(text, 'utf8');
      const inside: number[] = [];
      for (let i = 1; i < bytes.length; i++) if (((bytes[i] ?? 0) & 0xc0) === 0x80) inside.push(i);
      await runCases(ctx, host, [
        { what: 'sends "one byte at a time\\n" byte by byte', data: 'one byte at a time\n', send: { byteByByte: true }, lines: ['one byte at a time'] },
        { what: `sends ${JSON.stringify(text)} split inside every character`, data: bytes, send: { splitAt: inside }, lines: ['größe 欢迎 😀'] },
        { what: `sends "ab" + ${JSON.stringify(text)} byte by byte`, data: Buffer.concat([Buffer.from('ab'), bytes]), send: { byteByByte: true }, lines: ['abgröße 欢迎 😀'] },
      ], hint);
    },
  }),
  frameworkCheck({
    id: 'read-line-coalesced',
    title: 'readLine() hands out each of many lines that arrive in one write, one per call',
    explores: true,
    needs: ['phases-in-order'],
    hint: 'One chunk may hold many lines: hand out one per readLine() call and keep the others for the next calls. An empty line (\\n\\n) is a line too.',
    async run(ctx, host, hint) {
      const many = Array.from({ length: 200 }, (_, i) => `line ${i + 1}`);
      await runCases(ctx, host, [
        { what: 'sends "alpha\\nbeta\\n\\ngamma\\n" in one write', data: 'alpha\nbeta\n\ngamma\n', lines: ['alpha', 'beta', '', 'gamma'] },
        { what: 'sends 200 lines in one write', data: many.map((l) => l + '\n').join(''), lines: many },
      ], hint);
    },
  }),
  frameworkCheck({
    id: 'read-line-crlf',
    title: 'readLine() takes \\r\\n as a line end, even with \\r and \\n in different reads',
    explores: true,
    needs: ['phases-in-order'],
    hint: 'A \\r right before the \\n belongs to the line end: drop it from the whole line (it may have come in the previous chunk).',
    async run(ctx, host, hint) {
      await runCases(ctx, host, [
        { what: 'sends "crlf\\r\\nmixed\\nlast\\r\\n" in one write', data: 'crlf\r\nmixed\nlast\r\n', lines: ['crlf', 'mixed', 'last'] },
        { what: 'sends "split\\r" then "\\nnext\\r\\n"', data: 'split\r\nnext\r\n', send: { splitAt: [6] }, lines: ['split', 'next'] },
      ], hint);
    },
  }),
  frameworkCheck({
    id: 'read-line-end',
    title: 'readLine() returns a last line without \\n, then null at the end of the stream and on every call after it',
    explores: true,
    needs: ['phases-in-order'],
    hint: "On 'end', the bytes kept since the last \\n are the last line (if there are any); after that readLine() returns null, on every call: remember that the stream has ended, do not wait for another 'end'.",
    async run(ctx, host, hint) {
      await runCases(ctx, host, [
        { what: 'sends "one\\ntwo" and ends its side', data: 'one\ntwo', end: true, lines: ['one', 'two', null, null, null] },
        { what: 'sends "solo 欢" byte by byte and ends its side', data: 'solo 欢', send: { byteByByte: true }, end: true, lines: ['solo 欢', null, null, null] },
        { what: 'sends "done\\n" and ends its side', data: 'done\n', end: true, lines: ['done', null, null, null] },
        { what: 'sends nothing and ends its side', data: '', end: true, lines: [null, null, null] },
      ], hint);
    },
  }),
  frameworkCheck({
    id: 'write-backpressure',
    title: "write() waits while the client does not read, and resolves again once it reads",
    needs: ['phases-in-order'],
    hint: "write(): `if (socket.write(data)) return;` otherwise wait for the socket's 'drain' (and reject on 'close'). A write() that resolves at once lets a handler queue gigabytes for a client that never reads.",
    async run(ctx, host, hint) {
      const total = 32 * 1024 * 1024;
      const server = await startRemote(host, 'ThreadingTCPServer', { handler: 'flood', floodBytes: total });
      const c = await ctx.connect(server.port);
      c.socket.pause(); // the tester does not read
      ctx.transcript.note('tester', `the handler write()s ${total / 1024 / 1024} MiB in 64 KiB pieces; the tester does not read`);
      await server.waitFor('construct', c.localPort);
      const key = String(c.localPort);
      let last = -1;
      let stalled = false;
      for (let look = 0; look < 20; look++) {
        const s = await server.state();
        const written = s.written[key] ?? 0;
        if (s.flooded[key]) break;
        if (written === last && written > 0) {
          stalled = true;
          break;
        }
        last = written;
        await pause(150); // measuring over a window: does write() still resolve?
      }
      const s = await server.state();
      const written = s.written[key] ?? 0;
      if (!stalled) {
        throw new CheckFailure('WRONG_VALUE', `write() resolved for ${(written / 1024 / 1024).toFixed(1)} MiB while the client read nothing`, {
          expected: 'write() waits once the socket\'s buffer is full (a few MiB at most here), until the client reads',
          actual: `${(written / 1024 / 1024).toFixed(1)} MiB of ${total / 1024 / 1024} MiB "written"${s.flooded[key] ? ': every write() resolved at once' : ', and still growing'}`,
          hint,
        });
      }
      ctx.transcript.note('tester', `write() waits after ${(written / 1024 / 1024).toFixed(1)} MiB; the tester starts reading`);
      c.socket.resume();
      const done = await server.waitFor('flooded', c.localPort, timing.reply * 3);
      if (!done.ok) throw new CheckFailure('TIMEOUT', 'write() did not resolve again once the client read', { actual: `${(((await server.state()).written[key] ?? 0) / 1024 / 1024).toFixed(1)} MiB written`, hint });
      await c.waitForEnd(timing.reply * 3);
      if (c.unread.length !== total) throw new CheckFailure('WRONG_BYTES', `the client received ${c.unread.length} bytes, not ${total}`, { hint });
      c.destroy();
    },
  }),
];
