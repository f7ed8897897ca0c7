// Starting a UDP server and waiting for its ready line, "listening on HOST:PORT". ready.ts does the
// same for TCP servers and verifies the port against /proc's TCP tables, where a UDP server is not:
// here the printed address is verified against /proc/net/udp (the sockets of the program's family),
// and off Linux by a probe datagram that must get a reply. A program that has bound its socket but
// prints no ready line is told so within a second.

import dgram from 'node:dgram';
import type { CheckContext, RunningServer } from './check.ts';
import { CheckFailure } from './errors.ts';
import { quote } from './bytes.ts';
import { crashHint } from './crash.ts';
import { hasProc, udpSocketsOf } from './proc.ts';
import type { Program } from './program.ts';
import { timing } from './timing.ts';

const READY = /^listening on (\S+):(\d+)\s*$/;
/**
 * How long a program may hold a bound UDP socket without printing its ready line before that is the
 * verdict, and in how many looks at /proc at least (a starved tester looks less often: it must not
 * take its own delay for the program's).
 */
const BOUND_WITHOUT_READY_MS = 2000;
const BOUND_SAMPLES = 15;
const SAMPLE_MS = 100;

/**
 * Starts the lesson's UDP server with `args` and waits for its ready line. Fails, saying why, when it
 * exits first, binds without printing the line, prints something else, or prints an address where it
 * holds no UDP socket. The program is killed at the check's cleanup.
 */
export async function startUdpServer(ctx: CheckContext, args: string[] = ['--host', '127.0.0.1', '--port', '0'], label = 'server', env?: Record<string, string>): Promise<RunningServer> {
  const program = await ctx.start('server', args, undefined, label, env);
  let ready: RegExpExecArray | null = null;
  const find = (): boolean => {
    if (ready) return true;
    for (const l of program.stdoutLines) if ((ready = READY.exec(l))) return true;
    return false;
  };
  let boundSince: number | undefined;
  let boundSamples = 0;
  let bound: string[] = [];
  let verdict = false;
  const sampler = hasProc
    ? setInterval(() => {
        bound = (udpSocketsOf(program.family()) ?? []).map((s) => s.local);
        if (bound.length > 0) {
          boundSince ??= performance.now();
          boundSamples++;
        }
        // Decided after the poll phase (setImmediate), so output already in the pipe is read first.
        if (boundSince !== undefined && boundSamples >= BOUND_SAMPLES && performance.now() - boundSince >= BOUND_WITHOUT_READY_MS) {
          setImmediate(() => {
            verdict = true;
            program.poke();
          });
        }
      }, SAMPLE_MS)
    : undefined;
  const boundTooLong = () => verdict;
  try {
    await program.until(() => find() || (program.exit !== undefined && !program.alive) || boundTooLong(), timing.ready);
  } finally {
    clearInterval(sampler);
  }
  find();
  const num = ctx.lesson.slice(0, 2);
  const expected = 'a stdout line "listening on 127.0.0.1:PORT", printed once socket.bind() has called back';
  if (!ready) {
    if (program.exit && !program.alive) {
      throw new CheckFailure('NOT_READY', `the server ${program.describeExit()} before printing its ready line`, {
        expected,
        actual: program.describeOutput(),
        hint: crashHint(program) ?? `Run it by hand to see what happens: \`npm run run -- ${num} server\`.`,
      });
    }
    if (boundTooLong()) {
      throw new CheckFailure('NOT_READY', `the server has bound its UDP socket (${bound.join(', ')}) but did not print its ready line`, {
        expected,
        actual: program.describeOutput(),
        hint: "Print the line in bind()'s callback (or on 'listening'), exactly \"listening on HOST:PORT\" with the address from socket.address(): the checker reads the port from it.",
      });
    }
    throw new CheckFailure('NOT_READY', `the server did not print its ready line within ${timing.ready} ms`, {
      expected,
      actual: program.describeOutput(),
      hint: `The tester started it with ${args.join(' ')}. Call socket.bind(port, host, callback) and print the ready line in the callback. A program stuck in a busy loop never gets there.`,
    });
  }
  const match = ready as RegExpExecArray;
  const host = match[1] ?? '';
  const port = Number(match[2]);
  const asked = argValue(args, '--host') ?? '127.0.0.1';
  if (host !== asked) {
    throw new CheckFailure('WRONG_ADDRESS', `the server says it listens on ${host}:${port}, but it was asked for --host ${asked}`, {
      expected: `"listening on ${asked}:PORT"`,
      actual: quote(match[0]),
      hint: 'Bind to the host from --host, and print the address it actually bound: socket.address().',
    });
  }
  await verify(program, asked, port);
  return { program, port };
}

/** The printed address must be where the server holds a UDP socket: /proc says, or a probe datagram gets a reply. */
async function verify(program: Program, asked: string, port: number): Promise<void> {
  const held = udpSocketsOf(program.family());
  if (held !== undefined) {
    const onPort = held.filter((s) => s.port === port).map((s) => s.local);
    if (onPort.length === 0) {
      throw new CheckFailure('WRONG_PORT', `the server printed port ${port}, but none of its UDP sockets is bound there`, {
        expected: `a UDP socket bound to ${asked}:${port}`,
        actual: held.length ? `its UDP sockets are bound to ${held.map((s) => s.local).join(', ')}` : 'it holds no UDP socket at all',
        hint: "Print the port once bind() has called back, from socket.address().port. With --port 0 the system picks the port: a constant in the ready line is wrong.",
      });
    }
    if (!onPort.includes(`${asked}:${port}`)) {
      throw new CheckFailure('WRONG_ADDRESS', `the server printed ${asked}:${port}, but its UDP socket is bound to ${onPort.join(', ')}`, {
        expected: `a UDP socket bound to ${asked}:${port} only, the --host it was given`,
        actual: `bound to ${onPort.join(', ')}${onPort.some((a) => a.startsWith('0.0.0.0') || a.startsWith('[::]')) ? ' (every interface: other machines can reach it)' : ''}`,
        hint: 'Pass the host to bind: socket.bind(port, host, ...). Without a host Node binds every interface, and the ready line must say where it really is (socket.address()).',
      });
    }
    return;
  }
  if (!(await probe(port))) {
    throw new CheckFailure('WRONG_PORT', `the server printed port ${port}, but an empty datagram sent there got no reply`, {
      expected: `a reply from 127.0.0.1:${port}`,
      actual: 'no reply',
      hint: "Print the port once bind() has called back, from socket.address().port.",
    });
  }
}

/** Sends an empty datagram to port (every mode of the lesson answers one) and waits for any reply. */
function probe(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const s = dgram.createSocket('udp4');
    const done = (ok: boolean) => {
      clearTimeout(timer);
      s.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timing.reply);
    s.on('message', (_d, rinfo) => {
      if (rinfo.port === port) done(true);
    });
    s.on('error', () => done(false));
    s.send(Buffer.alloc(0), port, '127.0.0.1');
  });
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`${name}=`));
  return eq?.slice(name.length + 1);
}

/** A UDP port on 127.0.0.1 where nothing is bound now (for the client's no-server check). */
export async function closedUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
