// Lesson 09's client checks: the client against a fake UDP server that answers at once, drops the
// first datagrams, answers twice, answers late, lets a stranger answer first, or never answers. Short
// --timeout values keep the checks quick; every bound on time is loose enough for a loaded machine
// and tight enough to tell a client that ignores --timeout (1000 ms by default) from one that obeys it.

import type { CheckContext, CheckDef } from '../harness/check.ts';
import { CheckFailure } from '../harness/errors.ts';
import { showBytes } from '../harness/bytes.ts';
import type { Datagram } from '../harness/datagram.ts';
import type { Fate, FakeUdpServer } from '../harness/fake-udp-server.ts';
import { fixedThenSeeded } from '../harness/seeded.ts';
import type { Program } from '../harness/program.ts';
import { closedUdpPort } from '../harness/udp-ready.ts';
import { timing } from '../harness/timing.ts';
import { expectExit, noStackTrace } from './common.ts';

/** How late a resend may come after --timeout on a loaded machine (and still be told from the default 1000 ms). */
const RESEND_SLACK_MS = 700;

const upper = (data: Buffer): string => data.toString('utf8').toUpperCase();

async function startClient(ctx: CheckContext, input: string, args: string[], seeded = false): Promise<{ fake: FakeUdpServer; program: Program; exitAt: () => number | undefined }> {
  const fake = await ctx.fakeUdpServer(seeded ? 'seeded' : 'fake');
  const program = await ctx.start('client', ['--host', '127.0.0.1', '--port', String(fake.port), ...args], input, seeded ? 'seeded client' : 'client');
  let exitAt: number | undefined;
  void program.exited.then(() => {
    exitAt = performance.now();
    fake.poke();
  });
  return { fake, program, exitAt: () => exitAt };
}

/** Waits (bounded) for the client's first datagram; fails saying so when none comes to the fake server's port. */
async function expectFirstDatagram(fake: FakeUdpServer, program: Program, hint: string): Promise<void> {
  await fake.until(() => fake.history.length > 0 || program.exit !== undefined, timing.ready);
  if (fake.history.length > 0) return;
  throw new CheckFailure(program.exit ? 'EXITED' : 'TIMEOUT', `the client sent no datagram to 127.0.0.1:${fake.port}${program.exit ? ` before it ${program.describeExit()}` : ` within ${timing.ready} ms`}`, {
    expected: `a datagram to 127.0.0.1:${fake.port}, the --host and --port it was given`,
    actual: program.describeOutput(),
    hint,
  });
}

/** stdout must be exactly these lines: the client prints each reply and nothing else. */
function expectStdout(program: Program, want: string[], hint: string): void {
  const got = program.stdoutLines;
  if (got.length === want.length && got.every((l, i) => l === want[i])) return;
  const at = want.findIndex((w, i) => got[i] !== w);
  throw new CheckFailure('OUTPUT', at >= 0 ? `the client's stdout line ${at + 1} is not ${JSON.stringify(want[at])}` : `the client printed ${got.length - want.length} line(s) more than the replies`, {
    expected: `exactly these lines on stdout, one per reply:\n${want.map((l) => `  ${JSON.stringify(l)}`).join('\n')}`,
    actual: program.describeOutput(),
    hint,
  });
}

/** The datagrams that arrived, with a resend of the same line folded into one: they must be the lines, in order. */
function expectDatagrams(history: readonly Datagram[], lines: string[], hint: string): void {
  const got: Buffer[] = [];
  for (const d of history) if (!got.at(-1)?.equals(d.data)) got.push(d.data);
  const want = lines.map((l) => Buffer.from(l, 'utf8'));
  const at = want.findIndex((w, i) => !got[i]?.equals(w));
  if (at < 0 && got.length === want.length) return;
  const i = at >= 0 ? at : want.length;
  throw new CheckFailure('WRONG_BYTES', at >= 0 ? `datagram ${i + 1} from the client is not the line ${JSON.stringify(lines[i])}` : 'the client sent more datagrams than it had lines', {
    expected: `one datagram per line, holding the line's bytes only (no \\n):\n${want.map((w) => `  ${showBytes(w, 80)}`).join('\n')}`,
    actual: got.length ? got.map((g) => `  ${showBytes(g, 80)}`).join('\n') : 'no datagram',
    hint,
  });
}

/**
 * Fails unless every gap between these tries is about `timeout` ms: not at once, and not at the default
 * 1000 ms. The arrival times are the tester's, and a busy tester may see one datagram late, so the
 * lower bound is a quarter of the timeout: still far from a resend at once.
 */
function expectResendGaps(tries: readonly Datagram[], timeout: number, hint: string): void {
  for (let i = 1; i < tries.length; i++) {
    const gap = Math.round((tries[i]?.at ?? 0) - (tries[i - 1]?.at ?? 0));
    if (gap < timeout / 4 || gap > timeout + RESEND_SLACK_MS) {
      throw new CheckFailure('WRONG_BYTES', `try ${i + 1} came ${gap} ms after try ${i}, not after the --timeout of ${timeout} ms`, {
        expected: `a resend about ${timeout} ms after the try before it (the tester accepts ${timeout / 4} to ${timeout + RESEND_SLACK_MS} ms: its own clock may be late to see a datagram)`,
        actual: tries.map((t, k) => `try ${k + 1} at ${Math.round(t.at - (tries[0]?.at ?? 0))} ms`).join(', '),
        hint,
      });
    }
  }
}

const FATES: Record<Fate, string> = { answer: 'answered', twice: 'answered twice', drop: 'dropped', late: 'answered late' };

/**
 * The seeded case of the checks about loss: the client's lines go to a fake server that decides
 * each datagram's fate as it arrives (answered, answered twice, dropped, or answered late, when the
 * next datagram comes), drawn from the seed in the order of `fates` (the first the simplest). Per
 * line at most --retries - 1 datagrams are dropped or answered late, so a correct client (a try and
 * --retries resends, --timeout apart, a socket per line) always gets a reply in time, with a try to
 * spare for a loaded machine. Judged by the README alone: one datagram per line, in order, each resend
 * about --timeout after the try before it (the bounds of expectResendGaps); every reply printed once,
 * in order, nothing else; exit 0.
 */
async function seededLoss(ctx: CheckContext, lines: string[], fates: readonly Fate[], hint: string): Promise<void> {
  const timeout = 200;
  const retries = 3;
  const { fake, program } = await startClient(ctx, lines.join('\n') + '\n', ['--timeout', String(timeout), '--retries', String(retries)], true);
  const lost = new Map<string, number>();
  fake.serve({
    answer: upper,
    fate: (d) => {
      const line = d.data.toString('utf8');
      const used = lost.get(line) ?? 0;
      const fate = ctx.choices.pick(used < retries - 1 ? fates : fates.filter((f) => f === 'answer' || f === 'twice'));
      if (fate === 'drop' || fate === 'late') lost.set(line, used + 1);
      ctx.choices.note(`datagram #${d.n} ${JSON.stringify(line)} ${FATES[fate]}`);
      return fate;
    },
  });
  await expectFirstDatagram(fake, program, hint);
  await expectExit(program, 0, 'its input ended and every line had its reply', hint, lines.length * (retries + 1) * timeout + timing.exit);
  expectDatagrams(fake.history, lines, hint);
  // Each resend came about --timeout after the try before it (the tries of one line are consecutive).
  const runs: Datagram[][] = [];
  for (const d of fake.history) {
    const last = runs.at(-1);
    if (last?.[0]?.data.equals(d.data)) last.push(d);
    else runs.push([d]);
  }
  for (const tries of runs) expectResendGaps(tries, timeout, hint);
  noStackTrace(program, 'after its replies', hint);
  expectStdout(program, lines.map((l) => l.toUpperCase()), hint);
}

/** client-resends' fixed case: the first two datagrams dropped, every other one answered twice. */
async function resendsFixed(ctx: CheckContext, hint: string): Promise<void> {
  const timeout = 200;
  const { fake, program } = await startClient(ctx, 'hello\ngrüß dich\n', ['--timeout', String(timeout), '--retries', '3']);
  ctx.transcript.note('fake', 'the fake server drops the first 2 datagrams and answers every other one twice');
  fake.serve({ answer: upper, dropFirst: 2, duplicate: true });
  await fake.until(() => fake.history.length >= 3 || program.exit !== undefined, 3 * (timeout + RESEND_SLACK_MS) + timing.reply);
  const tries = fake.history.slice(0, 3);
  if (tries.length < 3 || !tries.every((t) => t.data.toString('utf8') === 'hello')) {
    throw new CheckFailure('TIMEOUT', `the client sent "hello" ${tries.filter((t) => t.data.toString('utf8') === 'hello').length} time(s): after a lost datagram it did not send it again`, {
      expected: `"hello" three times (two are lost), about ${timeout} ms apart`,
      actual: `${fake.history.map((d) => showBytes(d.data, 40)).join(', ') || 'no datagram'}\n${program.describeOutput()}`,
      hint,
    });
  }
  expectResendGaps(tries, timeout, hint);
  await expectExit(program, 0, 'its input ended and every line had its reply', hint);
  expectStdout(program, ['HELLO', 'GRÜSS DICH'], hint);
}

/**
 * client-late-duplicate's fixed case: the reply to the first "alpha" held until the next line
 * arrives, then sent to where that first try came from. A new socket may get the port an old one
 * had (Linux picks from about 28,000 at random), and then a late reply reaches it like an answer:
 * when the next line comes from the held try's port, the held reply is dropped and that line's
 * first try is held instead. A client with one socket for every line (the bug) sends every line from
 * one port, so its last line gets the late reply; a correct client is misjudged only if its new
 * sockets get the old port twice running (about 1 in 800 million).
 */
async function lateDuplicateFixed(ctx: CheckContext, hint: string): Promise<void> {
  const timeout = 400;
  const lines = ['alpha', 'beta', 'gamma'];
  const { fake, program } = await startClient(ctx, lines.map((l) => `${l}\n`).join(''), ['--timeout', String(timeout), '--retries', '3']);
  let held = await fake.nextDatagram(program, timing.ready, 'the datagram "alpha"');
  let k = 0; // the line whose first try's reply is held
  ctx.transcript.note('fake', 'the fake server holds its reply to the first "alpha": it will come late');
  for (;;) {
    const line = lines[k] as string;
    const next = lines[k + 1] as string;
    const d = await fake.nextDatagram(program, timeout + RESEND_SLACK_MS + timing.reply, `the resend of "${line}", then "${next}"`, hint);
    const text = d.data.toString('utf8');
    if (text === line) {
      await fake.reply(d, upper(d.data));
      continue;
    }
    if (text !== next) {
      throw new CheckFailure('WRONG_BYTES', `the client sent ${showBytes(d.data, 60)}, not "${line}" (again) or "${next}"`, { expected: `"${line}" (again) or "${next}"`, actual: showBytes(d.data), hint });
    }
    const samePort = d.from.port === held.from.port && d.from.address === held.from.address;
    if (samePort && k + 2 < lines.length) {
      ctx.transcript.note('fake', `"${next}" came from the port the held try of "${line}" came from (${held.from.port}): a new socket can get an old one's port by chance, so the late reply would prove nothing; it is dropped, and the reply to the first "${next}" is held instead`);
      held = d;
      k++;
      continue;
    }
    ctx.transcript.note('fake', `"${next}" arrived: now the late reply to the first "${line}" goes to where that try came from (port ${held.from.port}), then the reply to "${next}"`);
    await fake.reply(held, upper(held.data));
    await fake.reply(d, upper(d.data));
    break;
  }
  fake.serve({ answer: upper }); // the lines after it, answered at once
  await expectExit(program, 0, 'its input ended and every line had its reply', hint);
  expectStdout(program, lines.map((l) => l.toUpperCase()), hint);
}

export const clientChecks: CheckDef[] = [
  {
    id: 'client-prints-replies',
    title: 'the client sends each line as one datagram and prints each reply',
    target: 'client',
    hint: "For each stdin line send one datagram holding the line's bytes, without its \\n, to --host and --port: socket.send(Buffer.from(line), port, host). Print the reply with console.log, and exit 0 when the input has ended and every line has its reply.",
    async run(ctx) {
      const lines = ['hello', 'grüß dich', '欢迎 welcome 😀', '  two  spaces  '];
      const { fake, program } = await startClient(ctx, lines.join('\n') + '\n', ['--timeout', '2000']);
      fake.serve({ answer: upper });
      await expectFirstDatagram(fake, program, this.hint);
      await expectExit(program, 0, 'its input ended and every line had its reply', this.hint);
      expectDatagrams(fake.history, lines, this.hint);
      noStackTrace(program, 'after its replies', this.hint);
      expectStdout(program, lines.map((l) => l.toUpperCase()), this.hint);
    },
  },
  {
    id: 'client-empty-line',
    title: 'the client sends an empty line as an empty datagram (in UDP it is a message)',
    target: 'client',
    needs: ['client-prints-replies'],
    hint: "Do not skip empty lines: an empty datagram is a real request in UDP (the time server answers it with the default format). socket.send(Buffer.alloc(0), port, host) sends one.",
    async run(ctx) {
      const { fake, program } = await startClient(ctx, 'one\n\ntwo\n', ['--timeout', '2000']);
      fake.serve({ answer: (data) => (data.length === 0 ? 'an empty datagram arrived' : upper(data)) });
      await expectExit(program, 0, 'its input ended and every line had its reply', this.hint);
      expectDatagrams(fake.history, ['one', '', 'two'], this.hint);
      expectStdout(program, ['ONE', 'an empty datagram arrived', 'TWO'], this.hint);
    },
  },
  {
    id: 'client-resends',
    title: 'the client resends after --timeout when its datagrams are lost, and prints a doubled reply once',
    target: 'client',
    needs: ['client-prints-replies'],
    hint: 'UDP does not resend for you. After sending, start a timer of --timeout ms; when it fires with no reply, send the same datagram again, up to --retries times. Take the first reply from the server; a copy of it that comes after is not printed.',
    explores: true,
    async run(ctx) {
      // Seeded: the datagrams dropped, doubled or answered late where the seed says.
      await fixedThenSeeded(ctx, () => resendsFixed(ctx, this.hint), () => seededLoss(ctx, ['hello', 'grüß dich'], ['answer', 'drop', 'twice', 'late'], this.hint), { together: true });
    },
  },
  {
    id: 'client-late-duplicate',
    title: 'a late reply to an earlier line is not printed as the answer to the next line',
    target: 'client',
    needs: ['client-prints-replies'],
    hint: "This protocol has no request ids, so a late reply to \"alpha\" looks exactly like an answer. Send each line from a socket of its own (a new dgram socket, a new port) and close it once the line has its reply: a late reply then goes to a port nobody reads, never to the next line's socket.",
    explores: true,
    async run(ctx) {
      // Seeded: replies held and sent late (to where their datagram came from, when the next one arrives), dropped or doubled where the seed says.
      await fixedThenSeeded(ctx, () => lateDuplicateFixed(ctx, this.hint), () => seededLoss(ctx, ['alpha', 'beta'], ['answer', 'late', 'twice', 'drop'], this.hint), { together: true });
    },
  },
  {
    id: 'client-ignores-strangers',
    title: 'a reply from an unexpected address is ignored',
    target: 'client',
    needs: ['client-prints-replies'],
    hint: "Anyone can send a datagram to your port. Take a reply only when rinfo.address and rinfo.port are the server's (the address you sent to); ignore any other and keep waiting.",
    async run(ctx) {
      const { fake, program } = await startClient(ctx, 'hello\nworld\n', ['--timeout', '2000']);
      ctx.transcript.note('fake', 'before each reply, strangers send "NOT THE SERVER" from another port and from 127.0.0.2 at the server\'s port');
      fake.serve({ answer: upper, decoy: 'NOT THE SERVER' });
      await expectExit(program, 0, 'its input ended and every line had its reply', this.hint);
      expectStdout(program, ['HELLO', 'WORLD'], this.hint);
    },
  },
  {
    id: 'client-gives-up',
    title: 'no reply after the retries: one line on stderr and exit 1, within (retries+1) × timeout',
    target: 'client',
    needs: ['client-prints-replies'],
    hint: 'Send the datagram once and resend it --retries times, --timeout ms apart. When the last wait ends with no reply, print one line on stderr naming the server (`no reply from 127.0.0.1:PORT after 3 tries`) and exit 1.',
    async run(ctx) {
      const timeout = 200;
      const retries = 2;
      const { fake, program, exitAt } = await startClient(ctx, 'hello\n', ['--timeout', String(timeout), '--retries', String(retries)]);
      ctx.transcript.note('fake', 'the fake server never answers');
      const bound = (retries + 1) * timeout;
      await expectExit(program, 1, `${retries + 1} tries with no reply`, this.hint, bound + timing.exit);
      const tries = fake.history;
      if (tries.length !== retries + 1) {
        throw new CheckFailure('WRONG_BYTES', `the client sent ${tries.length} datagram(s) before giving up, not ${retries + 1} (1 + --retries ${retries})`, {
          expected: `${retries + 1} datagrams "hello", ${timeout} ms apart`,
          actual: tries.map((t) => `${showBytes(t.data, 40)} at ${Math.round(t.at - (tries[0]?.at ?? 0))} ms`).join(', ') || 'no datagram',
          hint: this.hint,
        });
      }
      expectResendGaps(tries, timeout, this.hint);
      const firstAt = tries[0]?.at ?? 0;
      const lastAt = tries.at(-1)?.at ?? 0;
      const end = exitAt() ?? performance.now();
      const margin = timing.reply / 2;
      if (end - lastAt < timeout / 4 || end - firstAt > bound + margin) {
        throw new CheckFailure('EXIT_CODE', `the client gave up ${Math.round(end - firstAt)} ms after its first try${end - lastAt < timeout / 4 ? `, only ${Math.round(end - lastAt)} ms after its last one` : ''}`, {
          expected: `an exit once the last try has waited its ${timeout} ms: about ${bound} ms after the first try (at most ${bound + margin})`,
          actual: `exit ${Math.round(end - firstAt)} ms after the first try, ${Math.round(end - lastAt)} ms after the last`,
          hint: this.hint,
        });
      }
      noStackTrace(program, 'when no reply came', this.hint);
      const lines = program.stderrLines.filter((l) => l.trim().length > 0);
      if (lines.length !== 1 || !(lines[0] ?? '').includes(`127.0.0.1:${fake.port}`)) {
        throw new CheckFailure('OUTPUT', 'the client did not report the missing reply in one stderr line naming the server', {
          expected: `one line on stderr naming 127.0.0.1:${fake.port}, such as "no reply from 127.0.0.1:${fake.port} after ${retries + 1} tries"`,
          actual: program.describeOutput(),
          hint: this.hint,
        });
      }
    },
  },
  {
    id: 'client-no-server',
    title: 'nothing at the address: one line on stderr naming it and exit 1, never a stack trace',
    target: 'client',
    needs: ['client-prints-replies'],
    hint: "A UDP send to a port where nothing listens succeeds; the answer is silence (or, on a connected socket, an 'error' event with ECONNREFUSED: listen for it). Either way print one line naming the address on stderr and exit 1.",
    async run(ctx) {
      const port = await closedUdpPort();
      ctx.transcript.note('tester', `nothing is bound to UDP 127.0.0.1:${port}`);
      const timeout = 200;
      const program = await ctx.start('client', ['--host', '127.0.0.1', '--port', String(port), '--timeout', String(timeout), '--retries', '1'], 'hello\n');
      await expectExit(program, 1, 'nothing answered at its address', this.hint, 2 * timeout + timing.exit);
      noStackTrace(program, 'when nothing answered', this.hint);
      const lines = program.stderrLines.filter((l) => l.trim().length > 0);
      if (lines.length !== 1 || !(lines[0] ?? '').includes(`127.0.0.1:${port}`)) {
        throw new CheckFailure('OUTPUT', 'the client did not report it in one stderr line naming the address', {
          expected: `one line on stderr naming 127.0.0.1:${port}`,
          actual: program.describeOutput(),
          hint: this.hint,
        });
      }
    },
  },
];
