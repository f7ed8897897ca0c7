// What every lesson's check list shares: the checks of COURSE.md's program contract (as factories,
// so each lesson can word its hints) and the assertions they are built from.

import net from 'node:net';
import type { CheckContext, CheckDef } from '../harness/check.ts';
import { CheckFailure } from '../harness/errors.ts';
import type { Program } from '../harness/program.ts';
import { closedPort } from '../harness/ready.ts';
import { timing } from '../harness/timing.ts';

export const STACK_LINE = /^\s+at .+(\(|:\d+)/;

/** Fails when the program printed a stack trace on stderr. */
export function noStackTrace(program: Program, what: string, hint: string): void {
  if (program.stderrLines.some((l) => STACK_LINE.test(l))) {
    const error = program.stderrLines.find((l) => /^\w*Error\b/.test(l)) ?? program.stderrLines.find((l) => l.trim()) ?? '';
    throw new CheckFailure('STACK_TRACE', `${program.label} printed a stack trace ${what}`, {
      expected: 'one clear line on stderr',
      actual: `a stack trace (${program.stderrLines.length} lines on stderr, the whole of it in the transcript) for:\n  ${error.trim()}`,
      hint,
    });
  }
}

/** The program must exit by itself with `code` within `within` ms (the exit deadline by default). */
export async function expectExit(program: Program, code: number, what: string, hint: string, within: number = timing.exit): Promise<void> {
  const exit = await program.waitForExit(within);
  if (!exit) {
    throw new CheckFailure('TIMEOUT', `${program.label} was still running ${within} ms after ${what}`, {
      expected: `exit code ${code}`,
      actual: `still running\n${program.describeOutput()}`,
      hint,
    });
  }
  if (exit.code !== code) {
    throw new CheckFailure('EXIT_CODE', `${program.label} ${program.describeExit()} after ${what}`, {
      expected: `exit code ${code}`,
      actual: `${program.describeExit()}\n${program.describeOutput()}`,
      hint,
    });
  }
}

/** A busy port gives one clear line on stderr and exit 1, never a stack trace. */
export function portInUse(lesson: string): CheckDef {
  return {
    id: 'port-in-use',
    title: 'a port already in use gives one clear line and exit 1',
    target: 'server',
    needs: ['ready'],
    hint: "Listen for the server's 'error' event; for EADDRINUSE print one line (`cannot listen on HOST:PORT: address already in use`) to stderr and exit with code 1.",
    async run(ctx: CheckContext) {
      const blocker = net.createServer();
      ctx.defer(() => new Promise<void>((r) => blocker.close(() => r())));
      await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
      const port = (blocker.address() as net.AddressInfo).port;
      ctx.transcript.note('tester', `the tester holds 127.0.0.1:${port} and starts the server on it`);
      const program = await ctx.start('server', ['--host', '127.0.0.1', '--port', String(port)]);
      const hint = `Listen for the server's 'error' event. For EADDRINUSE print one line to stderr naming the address, then exit with code 1. (Python raises OSError: [Errno 98] Address already in use; SO_REUSEADDR does not let two servers listen on one port.) Try it: \`npm run run -- ${lesson} server\` twice.`;
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
  };
}

/** The hint of the checks about a server that must stay alive while clients come and go. */
export const STAYS_ALIVE =
  "A server ends only on SIGINT or SIGTERM. A client leaving ends that connection, not the server: no server.close() or process.exit() in a socket's 'end', 'close' or 'error' handler, and no error left unhandled there.";

/**
 * SIGINT (a terminal's Ctrl-C) and SIGTERM (what `kill` and service managers send) stop the server:
 * it closes its connections and exits 0, even with a client still connected. SIGTERM runs on the
 * shared server (so it must be the last shared check of a lesson); SIGINT on a server of its own.
 */
export function stopsOnSignal(sig: 'SIGINT' | 'SIGTERM'): CheckDef {
  return {
    id: sig === 'SIGTERM' ? 'stops-on-sigterm' : 'stops-on-sigint',
    title: `${sig} closes the connections and exits 0`,
    target: 'server',
    ...(sig === 'SIGTERM' ? { shared: true } : {}),
    needs: ['ready'],
    hint: `process.once('${sig}', ...): server.close(), destroy the open sockets, exit 0. (Handle both SIGINT and SIGTERM: Ctrl-C sends the one, kill and service managers the other.)`,
    async run(ctx) {
      const { program, port } = sig === 'SIGTERM' ? await ctx.sharedServer() : await ctx.ownServer();
      const c = await ctx.connect(port);
      await ctx.signal(program, sig);
      // An open connection must not keep it alive: server.close() alone waits for every client to leave.
      // A server that closes its connections exits in milliseconds; one that waits for its clients
      // to leave would wait forever, so a shorter deadline than a client's exit costs no fairness.
      await expectExit(program, 0, `${sig} with a client still connected`, this.hint, timing.signalExit);
      c.destroy();
    },
  };
}

/** A client that cannot connect prints one line naming the address and the reason, and exits 1. */
export function clientConnectionRefused(lesson: string, args: string[] = [], stdin: string | 'keep' = 'keep'): CheckDef {
  return {
    id: 'client-connection-refused',
    title: 'the client reports a refused connection in one line and exits 1',
    target: 'client',
    hint: `Listen for the socket's 'error' event: print one line such as \`cannot connect to 127.0.0.1:PORT: connection refused\` to stderr and exit 1. Try \`npm run run -- ${lesson} client --port 1\`.`,
    async run(ctx) {
      const port = await closedPort();
      ctx.transcript.note('tester', `nothing listens on 127.0.0.1:${port}`);
      // stdin: 'keep' (an interactive client may connect before it reads), or the input given and
      // ended, for a client that reads all of its input before it connects.
      const program = await ctx.start('client', ['--host', '127.0.0.1', '--port', String(port), ...args], stdin);
      await expectExit(program, 1, 'its connection was refused', this.hint);
      noStackTrace(program, 'when the connection was refused', this.hint);
      const lines = program.stderrLines.filter((l) => l.trim().length > 0);
      const line = lines[0] ?? '';
      // The reason: "connection refused", or Node's own code for it. Any wording around them passes.
      if (lines.length !== 1 || !line.includes(`127.0.0.1:${port}`) || !/refused|ECONNREFUSED/i.test(line)) {
        throw new CheckFailure('OUTPUT', 'the client did not report the refused connection in one stderr line naming the address and the reason', {
          expected: `one line on stderr that names 127.0.0.1:${port} and the reason (connection refused, or ECONNREFUSED)`,
          actual: program.describeOutput(),
          hint: this.hint,
        });
      }
    },
  };
}

/** Fails if the server is gone (nothing of its family is alive). */
export function expectAlive(program: Program, after: string, hint: string): void {
  if (!program.alive) {
    throw new CheckFailure('EXITED', `the server ${program.describeExit()} after ${after}`, {
      expected: 'the server keeps running and serves the next client',
      actual: program.describeOutput(),
      hint,
    });
  }
}

/** The first check of every server lesson: the server starts and prints its ready line on the real port. */
export function readyCheck(lesson: string): CheckDef {
  return {
    id: 'ready',
    title: 'starts and prints "listening on 127.0.0.1:PORT" with the real port',
    target: 'server',
    shared: true,
    hint: `Print the ready line in listen()'s callback with the port from server.address().port. Run it by hand: \`npm run run -- ${lesson.slice(0, 2)} server\`.`,
    async run(ctx) {
      await ctx.sharedServer();
    },
  };
}

/** The client's stdout must hold these lines, in this order (other lines may come between). */
export function expectClientLines(program: Program, expected: string[], hint: string): void {
  let at = 0;
  for (const line of program.stdoutLines) {
    if (at < expected.length && line === expected[at]) at++;
  }
  if (at < expected.length) {
    throw new CheckFailure('OUTPUT', `the client did not print ${JSON.stringify(expected[at])}${at > 0 ? ` after ${JSON.stringify(expected[at - 1])}` : ''}`, {
      expected: `these lines on stdout, in order:\n${expected.map((l) => `  ${JSON.stringify(l)}`).join('\n')}`,
      actual: program.describeOutput(),
      hint,
    });
  }
}
