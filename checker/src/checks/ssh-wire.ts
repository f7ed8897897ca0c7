// Lesson 03's wire, from the tester's side: a command and its reply as a client of the learner's
// server (for small and for multi-megabyte outputs), and the fake server's side for grading a client.

import { createHash } from 'node:crypto';
import net from 'node:net';
import type { CheckContext } from '../harness/check.ts';
import { hexDiff, showBytes } from '../harness/bytes.ts';
import { CheckFailure, withDeadline } from '../harness/errors.ts';
import type { Peer } from '../harness/peer.ts';
import type { Choices } from '../harness/choices.ts';
import type { Program } from '../harness/program.ts';
import { pause, timing } from '../harness/timing.ts';

export const LENGTH_HINT =
  'The length line is the number of BYTES of the output in decimal, then \\n: `${output.length}\\n` on the Buffer you collected. A string\'s .length counts UTF-16 units, not bytes.';

/** Sends `command`, expects the length line of `expected`, answers ready, expects exactly those bytes. */
export async function expectReply(c: Peer, command: string, expected: Buffer | string, hint: string, within: number = timing.reply): Promise<void> {
  const want = typeof expected === 'string' ? Buffer.from(expected, 'utf8') : expected;
  await c.send(command + '\n');
  await c.expectLine(String(want.length), { what: `the length line for ${JSON.stringify(command)} (its output is ${want.length} bytes)`, hint, within });
  await c.send('ready\n');
  await c.expectBytes(want, { what: `the ${want.length} bytes of output of ${JSON.stringify(command)}`, hint });
}

export interface BigReply {
  /** The length line as sent, without \n. */
  lengthLine: string;
  body: Buffer;
}

/**
 * A command whose output is megabytes, on a connection of the tester's own that keeps only a
 * summary in the transcript (the bytes themselves would drown it). Reads the length line, answers
 * ready, then reads exactly that many bytes.
 */
export async function bigReply(ctx: CheckContext, port: number, command: string, within: number): Promise<BigReply> {
  const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  ctx.defer(() => {
    socket.destroy();
  });
  const t = ctx.transcript;
  const name = 'big';
  let buffered = Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let received = 0;
  let reads = 0;
  let lengthLine: string | undefined;
  let expectedLength = -1;
  const done = new Promise<BigReply>((resolve, reject) => {
    socket.once('connect', () => {
      t.note(name, `connected from port ${socket.localPort ?? '?'}; sends ${JSON.stringify(command + '\n')}`);
      socket.write(command + '\n');
    });
    socket.on('data', (chunk: Buffer) => {
      reads++;
      if (lengthLine === undefined) {
        buffered = Buffer.concat([buffered, chunk]);
        const nl = buffered.indexOf(0x0a);
        if (nl < 0) {
          if (buffered.length > 32) reject(new CheckFailure('WRONG_BYTES', `${name}: no length line: ${buffered.length} bytes arrived without a \\n`, { expected: 'a length line such as "3500000\\n"', actual: showBytes(buffered, 80), hint: LENGTH_HINT }));
          return;
        }
        lengthLine = buffered.subarray(0, nl).toString('latin1').replace(/\r$/, '');
        t.note(name, `received the length line ${JSON.stringify(lengthLine)}; sends "ready\\n"`);
        if (!/^\d+$/.test(lengthLine)) {
          reject(new CheckFailure('WRONG_BYTES', `${name}: the length line is not a number`, { expected: 'decimal digits, then \\n', actual: showBytes(buffered.subarray(0, nl + 1)), hint: LENGTH_HINT }));
          return;
        }
        expectedLength = Number(lengthLine);
        chunk = buffered.subarray(nl + 1);
        socket.write('ready\n');
      }
      if (chunk.length) {
        chunks.push(chunk);
        received += chunk.length;
      }
      if (received >= expectedLength) {
        t.note(name, `received ${received} bytes of output in ${reads} reads`);
        resolve({ lengthLine, body: Buffer.concat(chunks) });
      }
    });
    socket.on('end', () => {
      t.note(name, `the server closed the connection after ${received} bytes of output`);
      reject(new CheckFailure('CLOSED_EARLY', `${name}: the server closed the connection ${lengthLine === undefined ? 'before the length line' : `after ${received} of ${expectedLength} bytes of output`}`, { actual: lengthLine === undefined ? showBytes(buffered) : `${received} bytes` }));
    });
    socket.on('error', (err: NodeJS.ErrnoException) => reject(new CheckFailure('CONNECT_FAILED', `${name}: socket error ${err.code ?? err.message}`)));
  });
  return withDeadline(done, within, () => {
    const at = lengthLine === undefined ? `no length line (${showBytes(buffered, 80)} arrived)` : `the length line ${JSON.stringify(lengthLine)}, then ${received} bytes of output`;
    return new CheckFailure('TIMEOUT', `${name}: the whole output of ${JSON.stringify(command.slice(0, 60))} did not arrive within ${within} ms`, { actual: at });
  });
}

/** The big reply must be exactly `want`: its length line and every byte. */
export function expectBigBody(got: BigReply, want: Buffer, what: string, hint: string): void {
  if (got.lengthLine !== String(want.length)) {
    throw new CheckFailure('WRONG_BYTES', `the length line for ${what} is ${JSON.stringify(got.lengthLine)}, not ${want.length}`, {
      expected: `"${want.length}\\n"`,
      actual: `"${got.lengthLine}\\n" and ${got.body.length} bytes of output`,
      hint,
    });
  }
  const body = got.body.subarray(0, want.length);
  if (!body.equals(want)) {
    let i = 0;
    while (i < want.length && body[i] === want[i]) i++;
    const from = Math.max(0, i - 40);
    throw new CheckFailure('WRONG_BYTES', `${what}: the output differs from byte ${i} on`, {
      expected: `${want.length} bytes, sha256 ${sha256(want).slice(0, 16)}…; around byte ${i}: ${showBytes(want.subarray(from, i + 40), 120)}`,
      actual: `${body.length} bytes, sha256 ${sha256(body).slice(0, 16)}…; around byte ${i}: ${showBytes(body.subarray(from, i + 40), 120)}\n${hexDiff(want, body)}`,
      hint,
    });
  }
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

/** How the fake server answers one command. */
export interface FakeReply {
  body: Buffer | string;
  /** The length line's ending. */
  ending?: '\n' | '\r\n';
  /** Send the length line one byte at a time. */
  lengthByteByByte?: boolean;
  /** Split the body at these offsets (one write per piece). */
  bodySplitAt?: number[];
  /** With bodySplitAt: a pause between the pieces, so that each one arrives in a read of its own. */
  bodyPauseMs?: number;
  /** Send the body one byte at a time. */
  bodyByteByByte?: boolean;
  /** Send the length line and the body in one write, without waiting for ready (still expects ready). */
  coalesce?: boolean;
  /**
   * Cut the length line and the body where these choices say instead (the seeded case); with
   * coalesce, the two together, often right at the end of the length line.
   */
  seeded?: Choices;
}

/**
 * The fake server's side: for each command line the client sends, the reply `answer(command, n)`
 * gives, with the length-then-ready exchange. Ends its side when the client ends its own.
 * Every line the client sent is pushed to `seen`.
 */
export function serveCommands(conn: Peer, answer: (command: string, index: number) => FakeReply, seen: string[], hint: string): Promise<void> {
  const serving = (async () => {
    for (let n = 0; ; n++) {
      const command = await conn.readLine(timing.ready);
      if (command === null) {
        await conn.end();
        return;
      }
      seen.push(command);
      const r = answer(command, n);
      const body = typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : r.body;
      const lengthLine = `${body.length}${r.ending ?? '\n'}`;
      if (r.coalesce) await conn.send(Buffer.concat([Buffer.from(lengthLine), body]), r.seeded ? { seeded: r.seeded, near: [lengthLine.length] } : {});
      else await conn.send(lengthLine, r.seeded ? { seeded: r.seeded } : r.lengthByteByByte ? { byteByByte: true } : {});
      const ack = await conn.readLine(timing.reply).catch((e: unknown) => {
        if (e instanceof CheckFailure) {
          throw new CheckFailure('TIMEOUT', `the client did not answer the length line "${body.length}" with the line "ready" within ${timing.reply} ms`, { expected: '"ready\\n"', actual: showBytes(conn.unread), hint });
        }
        throw e;
      });
      if (ack !== 'ready') {
        throw new CheckFailure('WRONG_BYTES', ack === null ? `the client closed the connection instead of answering the length line "${body.length}" with "ready"` : `the client sent ${JSON.stringify(ack)} where "ready" was expected, after the length line "${body.length}"`, {
          expected: '"ready\\n"',
          actual: ack === null ? 'end of stream' : showBytes(ack + '\n'),
          hint,
        });
      }
      if (!r.coalesce) {
        if (r.seeded) await conn.send(body, { seeded: r.seeded });
        else if (r.bodyByteByByte) await conn.send(body, { byteByByte: true });
        else if (r.bodySplitAt && r.bodyPauseMs) {
          let from = 0;
          for (const at of [...r.bodySplitAt, body.length]) {
            if (from > 0) await pause(r.bodyPauseMs); // pacing the writes, not waiting for anything
            await conn.send(body.subarray(from, at));
            from = at;
          }
        } else await conn.send(body, r.bodySplitAt ? { splitAt: r.bodySplitAt } : {});
      }
    }
  })();
  serving.catch(() => {}); // awaited by the check; a failure before that must not go unhandled
  return serving;
}

/**
 * The lesson's client against a fake server of its own that answers each command with `answer`
 * (serveCommands). `seeded` labels the server and client of a check's seeded case ("seeded",
 * "seeded client"), which runs beside its fixed case.
 */
export async function commandClient(
  ctx: CheckContext,
  stdin: string | 'keep',
  answer: (command: string, index: number) => FakeReply,
  hint: string,
  seeded = false,
): Promise<{ program: Program; seen: string[]; serving: Promise<void> }> {
  const fake = await ctx.fakeServer(seeded ? 'seeded' : 'fake');
  const program = await ctx.start('client', ['--host', '127.0.0.1', '--port', String(fake.port)], stdin, seeded ? 'seeded client' : 'client');
  const conn = await fake.nextConnection(program);
  const seen: string[] = [];
  return { program, seen, serving: serveCommands(conn, answer, seen, hint) };
}

/**
 * The client's stdout must be exactly `expected` (UTF-8 text without \r). The harness captures
 * stdout as lines, so a missing or extra \n anywhere but at the very end is seen.
 */
export function expectStdoutExactly(program: Program, expected: string, hint: string): void {
  const want = expected.endsWith('\n') ? expected.slice(0, -1) : expected;
  const got = program.stdout.endsWith('\n') ? program.stdout.slice(0, -1) : program.stdout;
  if (got === want) return;
  let i = 0;
  while (i < want.length && got[i] === want[i]) i++;
  throw new CheckFailure('OUTPUT', `the client's stdout is not the output bytes exactly (it differs at character ${i})`, {
    expected: showBytes(expected, 300),
    actual: `${showBytes(program.stdout, 300)}\n${program.describeOutput(6)}`,
    hint,
  });
}
