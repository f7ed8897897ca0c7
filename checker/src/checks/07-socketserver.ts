// Lesson 07: a socketserver-like framework (src/socketserver.ts) and lesson 02's upper-case line
// service built on it (src/server.ts). The framework is graded as a module, in a driver process of
// its own (07-socketserver-server.ts, 07-socketserver-stream.ts); the service over the wire, with
// lesson 02's own server checks run once per mode: on the shared server in the default mode
// (concurrent), and with a server of their own per check in `--mode sequential`.

import type { CheckContext, CheckDef, LessonChecks, RunningServer } from '../harness/check.ts';
import { timing } from '../harness/timing.ts';
import { lesson02 } from './02-loop-server.ts';
import { expectAlive, portInUse, readyCheck, stopsOnSignal } from './common.ts';
import { serverClassChecks } from './07-socketserver-server.ts';
import { streamHandlerChecks } from './07-socketserver-stream.ts';

const LESSON = '07-socketserver';
const DEFAULT_ARGS = ['--host', '127.0.0.1', '--port', '0'];

/** Lesson 02's server checks with their hints in this lesson's terms (the check itself is unchanged). */
const HINTS: Record<string, string> = {
  'reply-upper-case': "In handle(), loop: `const line = await this.readLine();` null ends the loop; otherwise `await this.write(line.toUpperCase() + '\\n')`.",
  'line-byte-by-byte': 'readLine() must wait for the whole line: keep the bytes after the last \\n for the next chunk. The module checks read-line-* show the framework alone.',
  'multibyte-split': 'readLine() decodes a line only once it is whole: keep Buffers until the \\n, then line.toString(\'utf8\').',
  'lines-in-one-write': 'One chunk may hold many lines: readLine() hands out one per call and keeps the others for the next calls.',
  'quit-says-bye': "When the line is exactly quit: `await this.write('bye\\n')` and return from handle(); the framework closes the connection after finish().",
  'crlf-lines': 'readLine() drops a \\r right before the \\n, so quit\\r\\n is quit.',
  'nothing-after-quit': 'After quit, return from handle(): nothing reads or writes any more; the framework ends the connection and discards what still arrives.',
  'half-close-gets-replies': 'A client that ends its side still reads: readLine() returns its last line (without \\n), then null; answer it, then return from handle(). The framework\'s net.Server needs { allowHalfOpen: true }, or Node ends your side for you before your replies.',
  'survives-reset': "The framework gives every accepted socket an 'error' listener at once; a reset makes readLine() reject (or return null), the handler ends, its error is one stderr line, and the server goes on.",
  'logs-connections': 'console.log(`connected ${host}:${port}`) in setup() with this.clientAddress, and `disconnected ...` when the connection is gone (its \'close\' event, or finish()).',
  'concurrent-clients': '--mode concurrent (the default) serves every client at once: ThreadingTCPServer. Keep each connection\'s state in its handler, never in a variable shared by all.',
};

/** Lesson 02's checks of a server, as this lesson's (the ready, busy-port and signal checks are this lesson's own). */
const lesson02Server = lesson02.checks.filter((c) => c.target === 'server' && !['ready', 'port-in-use', 'stops-on-sigint', 'stops-on-sigterm'].includes(c.id));

function rehinted(check: CheckDef): CheckDef {
  const hint = HINTS[check.id];
  if (!hint) return check;
  const def: CheckDef = { ...check, hint, run: (ctx) => check.run.call(def, ctx) };
  return def;
}

/**
 * The context a check sees when its server runs with extra arguments: sharedServer() becomes a
 * server of the check's own, and every server it starts gets the arguments.
 */
function withArgs(ctx: CheckContext, extra: string[]): CheckContext {
  let own: Promise<RunningServer> | undefined;
  const overrides: Partial<CheckContext> = {
    sharedServer: () => (own ??= ctx.ownServer([...DEFAULT_ARGS, ...extra])),
    ownServer: (args = DEFAULT_ARGS, label?: string, env?: Record<string, string>) => ctx.ownServer([...args, ...extra], label, env),
    start: (role, args, stdin?, label?, env?) => ctx.start(role, role === 'server' ? [...args, ...extra] : args, stdin, label, env),
  };
  return new Proxy(ctx, {
    get(target, prop) {
      if (Object.hasOwn(overrides, prop)) return overrides[prop as keyof CheckContext];
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** A check run against `server.ts --mode sequential`, with a server of its own. */
function sequential(check: CheckDef): CheckDef {
  const def: CheckDef = {
    ...check,
    id: `sequential-${check.id}`,
    title: `--mode sequential: ${check.title}`,
    shared: false,
    ...(check.needs ? { needs: check.needs.map((n) => `sequential-${n}`) } : {}),
    run: (ctx) => check.run.call(def, withArgs(ctx, ['--mode', 'sequential'])),
  };
  return def;
}

const concurrentChecks: CheckDef[] = [readyCheck(LESSON), ...lesson02Server.map(rehinted)];

/** In sequential mode, three clients at once are not served at once: lesson 02's concurrent-clients and survives-reset expect that, so they are replaced by the two below. */
const SEQUENTIAL_SKIPS = new Set(['concurrent-clients', 'survives-reset']);

const sequentialOnly: CheckDef[] = [
  {
    id: 'sequential-one-client-at-a-time',
    title: '--mode sequential serves one client at a time: the next waits, unanswered, until the first has left',
    target: 'server',
    needs: ['sequential-reply-upper-case'],
    hint: "--mode sequential uses TCPServer: one handler at a time, the next connection waits in the queue. Choose the class from the option: `mode === 'sequential' ? new TCPServer(...) : new ThreadingTCPServer(...)`.",
    async run(ctx) {
      const { port, program } = await ctx.ownServer([...DEFAULT_ARGS, '--mode', 'sequential']);
      const first = await ctx.connect(port);
      await first.send('first\n');
      await first.expectLine('FIRST', { what: 'the reply to the first client', hint: this.hint });
      const second = await ctx.connect(port);
      await second.send('second\n');
      await second.expectNoData(400, { what: 'the second client, while the first is connected', hint: this.hint });
      const early = program.stdoutLines.find((l) => l === `connected 127.0.0.1:${second.localPort}`);
      if (early) ctx.transcript.note('tester', 'the server logged the second client as connected while the first was served');
      await first.send('quit\n');
      await first.expectLine('bye', { what: 'the reply to "quit"' });
      await first.expectClose();
      await second.expectLine('SECOND', { what: 'the reply to the second client, once the first has left', hint: 'When the first client has left, its handler ends and the next connection in the queue is handled.' });
      await second.send('quit\n');
      await second.expectLine('bye');
    },
  },
  {
    id: 'sequential-survives-reset',
    title: '--mode sequential: a client that resets (while served, while waiting, after bye) does not stop the server',
    target: 'server',
    needs: ['sequential-serves-client-after-client'],
    hint: HINTS['survives-reset'] as string,
    async run(ctx) {
      const { port, program } = await ctx.ownServer([...DEFAULT_ARGS, '--mode', 'sequential']);
      for (let round = 1; round <= 2; round++) {
        const served = await ctx.connect(port);
        await served.send('about to vanish\n');
        await served.expectLine('ABOUT TO VANISH');
        const waiting = await ctx.connect(port);
        await waiting.send('half a li');
        waiting.reset(); // while waiting in the queue
        await served.send('in the middle of a li');
        served.reset(); // while served, mid-line
        const rude = await ctx.connect(port);
        rude.reset(); // right after connecting
        const leaving = await ctx.connect(port);
        await leaving.send('quit\n');
        await leaving.expectLine('bye', { what: 'the reply to "quit"' });
        leaving.reset(); // after bye, while the server waits for the client's end of the connection
        await ctx.settle(program);
        expectAlive(program, `clients reset their connections (round ${round})`, this.hint);
      }
      const next = await ctx.connect(port);
      await next.send('still there?\n');
      await next.expectLine('STILL THERE?', { what: 'the reply to a new client after the resets', within: timing.reply * 2, hint: this.hint });
    },
  },
];

const sequentialChecks: CheckDef[] = [
  sequential(readyCheck(LESSON)),
  ...lesson02Server.filter((c) => !SEQUENTIAL_SKIPS.has(c.id)).map((c) => sequential(rehinted(c))),
  ...sequentialOnly,
  sequential(portInUse('07')),
  sequential(stopsOnSignal('SIGINT')),
  sequential(stopsOnSignal('SIGTERM')),
];

const modeFlag: CheckDef = {
  id: 'concurrent-mode-flag',
  title: '--mode concurrent serves two clients at once',
  target: 'server',
  needs: ['concurrent-clients'],
  hint: "--mode concurrent (also the default) uses ThreadingTCPServer. Read the option with parseArgs: `mode: { type: 'string', default: 'concurrent' }`.",
  async run(ctx) {
    const { port } = await ctx.ownServer([...DEFAULT_ARGS, '--mode', 'concurrent']);
    const a = await ctx.connect(port);
    const b = await ctx.connect(port);
    await b.send('second first\n');
    await b.expectLine('SECOND FIRST', { what: 'the reply to the second client while the first is connected', hint: this.hint });
    await a.send('first second\n');
    await a.expectLine('FIRST SECOND', { what: 'the reply to the first client', hint: this.hint });
  },
};

export const lesson07: LessonChecks = {
  lesson: LESSON,
  checks: [
    ...concurrentChecks,
    modeFlag,
    portInUse('07'),
    stopsOnSignal('SIGINT'),
    stopsOnSignal('SIGTERM'),
    ...sequentialChecks,
    ...serverClassChecks,
    ...streamHandlerChecks,
  ],
};
