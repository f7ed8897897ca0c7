// Lesson 03: a remote shell. The length of the output first, an acknowledgement, then the output;
// a process tree killed at its deadline; output cut at its limit; every client served at once.

import type { CheckContext, CheckDef, LessonChecks } from '../harness/check.ts';
import { CheckFailure } from '../harness/errors.ts';
import type { Peer } from '../harness/peer.ts';
import { Waiter } from '../harness/waiter.ts';
import { fixedThenSeeded } from '../harness/seeded.ts';
import { timing } from '../harness/timing.ts';
import { canSeeProcesses, markedProcesses, markProcesses, type Mark } from './process-marks.ts';
import { clientConnectionRefused, expectExit, noStackTrace, portInUse, readyCheck, stopsOnSignal } from './common.ts';
import { bigReply, commandClient, expectBigBody, expectReply, expectStdoutExactly, LENGTH_HINT, type FakeReply } from './ssh-wire.ts';

const LESSON = '03-ssh-lite';
const NO_OUTPUT = 'cmd has no output...';

/** `count` lines `%0Wd` + suffix, as awk prints them (for outputs the tester can predict). */
function numbered(count: number, width: number, suffix = ''): string {
  let out = '';
  for (let i = 0; i < count; i++) out += String(i).padStart(width, '0') + suffix + '\n';
  return out;
}
const awkNumbered = (count: number, width: number, suffix = '') => `awk 'BEGIN { for (i = 0; i < ${count}; i++) printf "%0${width}d${suffix}\\n", i }'`;

/** Waits (bounded) until no process of the mark is left; fails naming the ones that are. */
async function expectNoSurvivors(mark: Mark, after: string, hint: string, ctx: CheckContext): Promise<void> {
  if (!canSeeProcesses()) {
    ctx.transcript.note('tester', 'this system has no /proc: whether the command left processes behind is not checked');
    return;
  }
  const waiter = new Waiter();
  let left = markedProcesses(mark.token);
  // No event tells when a killed process is gone: look again every 20 ms, for at most a second.
  const tick = setInterval(() => waiter.notify(), 20);
  try {
    await waiter.until(() => (left = markedProcesses(mark.token)).length === 0, 1000);
  } finally {
    clearInterval(tick);
  }
  if (left.length > 0) {
    throw new CheckFailure('OUTPUT', `${left.length} process${left.length === 1 ? '' : 'es'} of the command's tree still ran 1 s after ${after}`, {
      expected: 'every process the command started is killed with it',
      actual: left.map((p) => `pid ${p.pid}: ${p.cmdline}`).join('\n'),
      hint,
    });
  }
  ctx.transcript.note('tester', `no process of the command's tree is left (looked in /proc for ${mark.token})`);
}

const TREE_HINT =
  "Start the command with spawn(cmd, { shell: true, detached: true }) so the shell leads a process group of its own, and kill the group: process.kill(-child.pid, 'SIGKILL'). child.kill() stops the shell only; what it started runs on and keeps the pipes open. Send the output on the child's 'close'.";

const checks: CheckDef[] = [
  readyCheck(LESSON),
  {
    id: 'runs-echo',
    title: 'runs a command and sends its length, then (after ready) its output; then the next command',
    target: 'server',
    shared: true,
    needs: ['ready'],
    hint: 'For each command line: run it, send `${output.length}\\n`, wait for the line "ready", then write the output. Then wait for the next command on the same connection.',
    async run(ctx) {
      const { port } = await ctx.sharedServer();
      const c = await ctx.connect(port);
      await expectReply(c, 'echo hello', 'hello\n', this.hint);
      await expectReply(c, 'echo second command', 'second command\n', this.hint);
    },
  },
  {
    id: 'no-output',
    title: 'a command with no output gets "cmd has no output..."',
    target: 'server',
    shared: true,
    needs: ['runs-echo'],
    hint: `When stdout and stderr are both empty, send the 20 bytes "${NO_OUTPUT}" (no \\n) as the output, so a reply is never empty.`,
    async run(ctx) {
      const { port } = await ctx.sharedServer();
      const c = await ctx.connect(port);
      await expectReply(c, 'true', NO_OUTPUT, this.hint);
      await expectReply(c, 'false', NO_OUTPUT, this.hint);
    },
  },
  {
    id: 'stdout-then-stderr',
    title: 'a failing command: all of its stdout, then all of its stderr',
    target: 'server',
    shared: true,
    needs: ['runs-echo'],
    hint: 'Collect both pipes to the end, then send stdout\'s bytes followed by stderr\'s: Buffer.concat([...stdout, ...stderr]). Sending only stderr when there is some (as the Python tutorial does) loses the output; stderr first mixes up the order.',
    async run(ctx) {
      const { port } = await ctx.sharedServer();
      const c = await ctx.connect(port);
      await expectReply(c, 'echo to-stdout; echo to-stderr >&2; exit 3', 'to-stdout\nto-stderr\n', this.hint);
      await expectReply(c, 'echo err1 >&2; echo out1; echo err2 >&2; echo out2; nosuchcommand-netlings 2>/dev/null', 'out1\nout2\nerr1\nerr2\n', this.hint);
    },
  },
  {
    id: 'length-counts-bytes',
    title: 'the length counts bytes, and the output bytes arrive unchanged (non-ASCII, not UTF-8)',
    target: 'server',
    shared: true,
    needs: ['runs-echo'],
    hint: `${LENGTH_HINT} Keep the output as Buffers from the pipe to the socket: decoding it to a string and back changes bytes that are not UTF-8.`,
    async run(ctx) {
      const { port } = await ctx.sharedServer();
      const c = await ctx.connect(port);
      await expectReply(c, "printf 'h\\303\\251llo \\346\\254\\242\\n'", Buffer.from('héllo 欢\n', 'utf8'), this.hint);
      await expectReply(c, "printf '\\377\\376 not UTF-8\\n'", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(' not UTF-8\n')]), this.hint);
    },
  },
  {
    id: 'whole-command-line',
    title: 'runs a command only once its whole line has arrived',
    target: 'server',
    needs: ['runs-echo'],
    slow: true,
    hint: "One 'data' event is not one command. Buffer the bytes and run a command only when its \\n has arrived; a shell started on half a line runs the wrong command (imagine `rm -r /tmp/build` cut after `rm -r /`).",
    async run(ctx) {
      const { port } = await ctx.ownServer(); // its own: its 300 ms of silence would hold up the shared server's queue
      // Two connections at once, each with a line cut in another place; the server must wait for both \n.
      const cuts = [['echo partial-', 'line'], ['ec', 'ho split early']] as const;
      const conns = await ctx.connectMany(port, cuts.length);
      await Promise.all(
        cuts.map(async ([first, rest], i) => {
          const c = conns[i] as Peer;
          await c.send(first);
          await c.expectNoData(300, { hint: this.hint });
          await expectReply(c, rest, `${(first + rest).slice(5)}\n`, this.hint);
        }),
      );
    },
  },
  {
    id: 'waits-for-ready',
    title: 'sends the output only after the whole line "ready" has arrived',
    target: 'server',
    needs: ['runs-echo'],
    slow: true,
    hint: 'After the length line, read a whole line and send the output only when it is exactly "ready". Any bytes at all, or "rea" alone, are not yet the acknowledgement.',
    async run(ctx) {
      const { port } = await ctx.ownServer(); // its own: its 300 ms of silence would hold up the shared server's queue
      const c = await ctx.connect(port);
      await c.send('echo waited\n');
      await c.expectLine('7', { what: 'the length line for "echo waited"' });
      // Half of "ready", then a pause: a server that sends on any bytes, or without waiting, shows it here.
      await c.send('rea');
      await c.expectNoData(300, { hint: this.hint });
      await c.send('dy\n', { byteByByte: true });
      await c.expectBytes('waited\n', { what: 'the output after "ready"', hint: this.hint });
    },
  },
  {
    id: 'big-output-whole',
    title: 'an output of 3.5 MB arrives whole, its length right',
    target: 'server',
    shared: true,
    needs: ['runs-echo'],
    hint: "Collect every 'data' chunk of the pipes until the child's 'close', and send the length of all of it. (child_process.exec stops at its maxBuffer of 1 MiB; spawn has no such limit.)",
    async run(ctx) {
      const { port } = await ctx.sharedServer();
      const want = Buffer.from(numbered(100_000, 7, ' abcdefghijklmnopqrstuvwxyz'));
      const got = await bigReply(ctx, port, awkNumbered(100_000, 7, ' abcdefghijklmnopqrstuvwxyz'), 4 * timing.reply);
      expectBigBody(got, want, 'the 3.5 MB output', this.hint);
    },
  },
  {
    id: 'default-max-output',
    title: 'by default, output past 8 MiB is cut there and marked "[output truncated]"',
    target: 'server',
    shared: true,
    needs: ['big-output-whole'],
    hint: 'The default of --max-output is 8 MiB: 8 * 1024 * 1024 = 8388608 bytes. Send the first 8388608 bytes, then "[output truncated]\\n" (on a line of its own).',
    async run(ctx) {
      const { port } = await ctx.sharedServer();
      const lines = 8 * 1024 * 16; // lines of 64 bytes: exactly 8 MiB
      const want = Buffer.from(numbered(lines, 63) + '[output truncated]\n');
      const got = await bigReply(ctx, port, awkNumbered(lines + 5000, 63), 5 * timing.reply);
      expectBigBody(got, want, 'an output of 8.3 MiB', this.hint);
    },
  },
  {
    id: 'clients-at-once',
    title: 'serves another client while one client\'s command is still running',
    target: 'server',
    shared: true,
    needs: ['runs-echo'],
    hint: "Run commands with spawn and wait for events, never with execSync or a loop: the event loop must stay free for every other client. And accept every connection at once; do not make clients queue.",
    async run(ctx) {
      const { port } = await ctx.sharedServer();
      const mark = markProcesses(ctx);
      const slow = await ctx.connect(port, 'slow');
      await slow.send(mark.command('sleep 4; echo slow') + '\n');
      const quick = await ctx.connect(port, 'quick');
      await expectReply(quick, 'echo quick', 'quick\n', this.hint);
      if (slow.unread.length > 0 || slow.hasEnded) {
        throw new CheckFailure('WRONG_BYTES', 'the quick client was answered only after the slow command had finished', {
          expected: "the quick client's reply while `sleep 4` still runs for the slow client",
          actual: `the slow client had already received ${JSON.stringify(slow.unread.toString('latin1').slice(0, 40))}`,
          hint: this.hint,
        });
      }
    },
  },
  {
    id: 'timeout-kills-tree',
    title: 'past --timeout the whole process tree is killed and the output ends with "[timed out after 1s]"',
    target: 'server',
    needs: ['ready'],
    slow: true,
    hint: TREE_HINT,
    async run(ctx) {
      const { port } = await ctx.ownServer(['--host', '127.0.0.1', '--port', '0', '--timeout', '1']);
      const mark = markProcesses(ctx);
      const c = await ctx.connect(port);
      // two sleeps: one in the background, one in the foreground of a shell inside the shell
      const command = `echo started; ${mark.command('sleep 30 & sleep 30; :')}`;
      await expectReply(c, command, 'started\n[timed out after 1s]\n', 'After --timeout seconds kill the command and send what it printed so far, then "[timed out after Ns]\\n" on a line of its own (N as given to --timeout). ' + TREE_HINT, 1000 + 2 * timing.reply);
      await expectNoSurvivors(mark, 'the timeout marker arrived', TREE_HINT, ctx);
    },
  },
  {
    id: 'max-output-cuts',
    title: 'past --max-output the output is cut there, marked "[output truncated]", and the command killed at once',
    target: 'server',
    needs: ['ready'],
    hint: 'Count the bytes of stdout and stderr as they arrive. Past --max-output, kill the command\'s process group at once and send the first --max-output bytes, then "[output truncated]\\n" on a line of its own (a \\n first when the cut output does not end with one).',
    async run(ctx) {
      const { port } = await ctx.ownServer(['--host', '127.0.0.1', '--port', '0', '--max-output', '100005', '--timeout', '5']);
      const c = await ctx.connect(port);
      // 200,000 bytes of 10-byte lines, cut 5 bytes into line 10,001
      const finite = numbered(20_000, 9).slice(0, 100_005) + '\n[output truncated]\n';
      await expectReply(c, awkNumbered(20_000, 9), finite, this.hint);
      // a command that would never stop: cut at the limit, not at the 5 s timeout
      const mark = markProcesses(ctx);
      const line = 'y'.repeat(24) + '\n';
      const endless = line.repeat(Math.ceil(100_005 / line.length)).slice(0, 100_005) + '\n[output truncated]\n';
      await expectReply(c, mark.command(`while :; do echo ${'y'.repeat(24)}; done`), endless, this.hint);
      await expectNoSurvivors(mark, 'the truncated output arrived', this.hint, ctx);
    },
  },
  {
    id: 'default-host-loopback',
    title: 'without --host the server listens on 127.0.0.1 only',
    target: 'server',
    needs: ['ready'],
    hint: "The default of --host is 127.0.0.1: anyone who can connect can run commands as you. Python's bind(('', port)) and Node's listen(port) without a host listen on every interface.",
    async run(ctx) {
      const program = await ctx.start('server', ['--port', '0']);
      const m = await program.expectStdout(/^listening on (\S+):(\d+)\s*$/, 'its ready line "listening on 127.0.0.1:PORT"', timing.ready, this.hint);
      const where = `${m[1] ?? ''}:${m[2] ?? ''}`;
      const actual = program.listening();
      if (m[1] !== '127.0.0.1' || (actual !== undefined && actual.some((a) => a !== `127.0.0.1:${m[2]}`))) {
        await program.kill();
        throw new CheckFailure('WRONG_ADDRESS', `started without --host, the server listens on ${actual?.join(', ') || where}`, {
          expected: `127.0.0.1:${m[2]} only`,
          actual: actual?.join(', ') || where,
          hint: this.hint,
        });
      }
    },
  },
  portInUse('03'),
  stopsOnSignal('SIGINT'),
  stopsOnSignal('SIGTERM'),

  // ---- the client, against a fake server ----
  {
    id: 'client-prints-output',
    title: 'the client prints each output exactly, its length line and body split across many reads',
    target: 'client',
    hint: "Collect bytes until the length line's \\n, send \"ready\\n\", then count the body's bytes as they arrive (add each chunk's length once) until you have exactly that many. Write them with process.stdout.write(buffer): console.log adds a \\n. Send the next command only after the whole output arrived.",
    explores: true,
    async run(ctx) {
      const big = numbered(4_000, 9); // 40,000 bytes in 8 writes, each read on its own
      const fixed: FakeReply[] = [
        { body: 'hello\n', lengthByteByByte: true },
        { body: 'no newline at the end', ending: '\r\n', bodySplitAt: [5, 10] },
        { body: big, bodySplitAt: [5_000, 10_000, 15_000, 20_000, 25_000, 30_000, 35_000], bodyPauseMs: 20 },
        { body: 'last line\n', lengthByteByByte: true, bodyByteByByte: true },
      ];
      // The seeded case: the same outputs, each length line and body cut where the seed says.
      const seeded: FakeReply[] = fixed.map((r) => ({ body: r.body, ...(r.ending ? { ending: r.ending } : {}), seeded: ctx.choices }));
      const talk = async (replies: FakeReply[], seededCase: boolean) => {
        const { program, serving } = await commandClient(ctx, 'keep', (_c, n) => replies[n] ?? { body: 'unexpected\n' }, this.hint, seededCase);
        program.writeStdin('echo hello\nprintf no-newline\nseq big\necho last line\n');
        // End stdin once the last output is printed (or the client gave up): the exact comparison follows.
        await Promise.race([program.expectStdout(/^last line$/, 'the last output', 2 * timing.reply).catch(() => undefined), serving]);
        program.endStdin();
        await serving;
        await expectExit(program, 0, 'its input ended and every output had arrived', this.hint);
        noStackTrace(program, 'after its input ended', this.hint);
        expectStdoutExactly(program, 'hello\nno newline at the end' + big + 'last line\n', this.hint);
      };
      await fixedThenSeeded(ctx, () => talk(fixed, false), () => talk(seeded, true), { together: true });
    },
  },
  {
    id: 'client-coalesced',
    title: 'the client keeps output bytes that arrive in the same read as the length line',
    target: 'client',
    needs: ['client-prints-output'],
    hint: "TCP keeps no boundaries: the output may arrive in the same 'data' chunk as the length line. Everything after the length line's \\n is output; keep it (and still send ready).",
    explores: true,
    async run(ctx) {
      /** Each length line and its output in one write; seeded: that write cut where the seed says (often right after the length line). */
      const talk = async (seeded: boolean) => {
        const bodies = ['one\n', 'two two\n'];
        const { program, serving } = await commandClient(ctx, 'echo one\necho two two\n', (_c, n) => ({ body: bodies[n] ?? 'unexpected\n', coalesce: true, ...(seeded ? { seeded: ctx.choices } : {}) }), this.hint, seeded);
        await expectExit(program, 0, 'its input ended', this.hint);
        await serving;
        expectStdoutExactly(program, 'one\ntwo two\n', this.hint);
      };
      await fixedThenSeeded(ctx, () => talk(false), () => talk(true), { together: true });
    },
  },
  {
    id: 'client-counts-bytes',
    title: 'the client counts bytes, not characters, and keeps split characters whole',
    target: 'client',
    needs: ['client-prints-output'],
    hint: "Keep the socket's data as Buffers (no setEncoding) and count buffer.length. A string's length counts characters, so with é or 欢 in the output the count never reaches the length and the client waits forever.",
    explores: true,
    async run(ctx) {
      const sharp = 'ß'.repeat(3000) + '\n';
      const fixed: FakeReply[] = [
        { body: 'héllo 欢迎\n', bodySplitAt: [2, 8, 11] }, // inside é, 欢 and 迎
        { body: sharp, bodySplitAt: [1001, 4001] },
      ];
      // The seeded case: the same outputs, cut where the seed says (often inside a character).
      const seeded: FakeReply[] = fixed.map((r) => ({ body: r.body, seeded: ctx.choices }));
      const talk = async (replies: FakeReply[], seededCase: boolean) => {
        const { program, serving } = await commandClient(ctx, 'printf accents\nprintf ss\n', (_c, n) => replies[n] ?? { body: 'unexpected\n' }, this.hint, seededCase);
        await expectExit(program, 0, 'its input ended', this.hint);
        await serving;
        expectStdoutExactly(program, 'héllo 欢迎\n' + sharp, this.hint);
      };
      await fixedThenSeeded(ctx, () => talk(fixed, false), () => talk(seeded, true), { together: true });
    },
  },
  {
    id: 'client-skips-empty-lines',
    title: 'the client never sends an empty command',
    target: 'client',
    needs: ['client-prints-output'],
    hint: "Skip empty and blank input lines instead of sending them. (In Python send(b'') sends nothing at all, and the client then waits forever for a length that never comes.)",
    async run(ctx) {
      const { program, seen, serving } = await commandClient(ctx, 'echo one\n\n   \necho two\n', (c) => ({ body: c.trim() === '' ? NO_OUTPUT : c.slice(5) + '\n' }), this.hint);
      await expectExit(program, 0, 'its input ended', this.hint).catch((e: unknown) => {
        throw seen.some((l) => l.trim() === '') ? new CheckFailure('WRONG_BYTES', 'the client sent an empty command', { expected: '"echo one" and "echo two", nothing between them', actual: JSON.stringify(seen), hint: this.hint }) : e;
      });
      await serving;
      if (seen.some((l) => l.trim() === '')) {
        throw new CheckFailure('WRONG_BYTES', 'the client sent an empty command', { expected: '"echo one" then "echo two"', actual: JSON.stringify(seen), hint: this.hint });
      }
      expectStdoutExactly(program, 'one\ntwo\n', this.hint);
    },
  },
  {
    id: 'client-quit',
    title: 'quit ends the client with exit 0 and is not sent',
    target: 'client',
    needs: ['client-prints-output'],
    hint: 'The line quit is for the client, not a command: do not send it. Stop reading stdin, end the connection (socket.end()) and exit 0.',
    async run(ctx) {
      const { program, seen, serving } = await commandClient(ctx, 'keep', (c) => ({ body: c.startsWith('echo ') ? c.slice(5) + '\n' : NO_OUTPUT }), this.hint);
      program.writeStdin('echo before quit\n');
      await program.expectStdout(/^before quit$/, 'the output "before quit"', timing.reply, this.hint);
      program.writeStdin('quit\necho after quit\n');
      await expectExit(program, 0, 'quit (its stdin still open)', this.hint);
      await serving;
      if (seen.length !== 1) {
        throw new CheckFailure('WRONG_BYTES', `the client sent ${JSON.stringify(seen.slice(1))} after "echo before quit"`, { expected: 'nothing after quit', actual: JSON.stringify(seen), hint: this.hint });
      }
    },
  },
  {
    id: 'client-end-of-stdin',
    title: 'at the end of its input the client still prints every output, one command at a time, then exits 0',
    target: 'client',
    needs: ['client-prints-output'],
    hint: "When stdin ends, send the commands still waiting one at a time (each after the previous output), and exit 0 only once the last output has been printed. Exiting at stdin's end loses the output still on its way.",
    async run(ctx) {
      const { program, seen, serving } = await commandClient(ctx, 'echo first words\necho last words\n', (c) => ({ body: c.slice(5) + '\n', bodyByteByByte: true }), this.hint);
      await expectExit(program, 0, 'its input ended', this.hint);
      await serving;
      expectStdoutExactly(program, 'first words\nlast words\n', this.hint);
    },
  },
  clientConnectionRefused('03'),
];

export const lesson03: LessonChecks = { lesson: LESSON, checks };
