// Starting a server and waiting for its ready line, "listening on HOST:PORT". The wait ends as soon as
// the answer is known, not at the deadline: a program that exited, that listens without having printed
// the line, that sits idle listening nowhere, or that is stuck in a busy loop is judged from its output
// and /proc within a second or two. The printed address is then checked against the real one.

import net from 'node:net';
import { CheckFailure } from './errors.ts';
import { quote } from './bytes.ts';
import { crashHint } from './crash.ts';
import { startProgram, type Program, type StartOptions } from './program.ts';
import { hasProc, procInfo } from './proc.ts';
import { timing } from './timing.ts';

const READY = /^listening on (\S+):(\d+)\s*$/;

/** How long a program may listen without printing its ready line before that is the verdict. */
const LISTEN_WITHOUT_READY_MS = 1000;
/** How long a program may sit idle, listening nowhere, before that is the verdict. */
const IDLE_MS = 1500;
/** The window over which a busy loop is measured, and the share of a core that counts as busy. */
const BUSY_WINDOW_MS = 1500;
const BUSY_SHARE = 0.5;
const SAMPLE_MS = 100;

type Early = { kind: 'listens'; addresses: string[] } | { kind: 'idle' } | { kind: 'busy'; share: number };

/** Samples the program's state while it starts, and says when waiting longer cannot change the verdict. */
class StartWatch {
  private readonly t0 = performance.now();
  private firstListen: number | undefined;
  private samples: { at: number; ticks: number; state: string }[] = [];
  verdict: Early | undefined;
  /** A verdict the samples point to; it stands only if no ready line was read by the end of this turn. */
  pending: Early | undefined;
  private first: { at: number; ticks: number } | undefined;

  constructor(private readonly program: Program) {}

  /** At the deadline: what the samples say, even when no early verdict was reached. */
  atDeadline(): Early | undefined {
    if (this.verdict ?? this.pending) return this.verdict ?? this.pending;
    const last = this.samples.at(-1);
    if (!this.first || !last || last.at - this.first.at < 500) return undefined;
    const share = ((last.ticks - this.first.ticks) * 10) / (last.at - this.first.at);
    if (share >= BUSY_SHARE) return { kind: 'busy', share };
    // Asleep with no CPU used over the last half second of samples, and listening nowhere: idle.
    const recent = this.samples.filter((x) => last.at - x.at <= 500);
    const oldest = recent[0];
    if (this.firstListen === undefined && oldest && last.at - oldest.at >= 300 && oldest.ticks === last.ticks && recent.every((x) => x.state === 'S')) return { kind: 'idle' };
    return undefined;
  }

  sample(): void {
    const now = performance.now();
    const info = procInfo(this.program.pid);
    if (!info) return;
    this.first ??= { at: now, ticks: info.ticks };
    this.samples.push({ at: now, ticks: info.ticks, state: info.state });
    this.samples = this.samples.filter((s) => now - s.at <= Math.max(IDLE_MS, BUSY_WINDOW_MS) + SAMPLE_MS);
    const listening = this.program.listening() ?? [];
    if (listening.length > 0) {

      this.firstListen ??= now;
      if (now - this.firstListen >= LISTEN_WITHOUT_READY_MS) this.pending = { kind: 'listens', addresses: listening };
      return;
    }
    const oldest = this.samples.find((s) => now - s.at >= IDLE_MS);
    if (!oldest || now - this.t0 < IDLE_MS) return;
    const window = this.samples.filter((s) => s.at >= oldest.at);
    const used = info.ticks - oldest.ticks;
    const share = (used * 10) / (now - oldest.at);
    if (share >= BUSY_SHARE) this.pending = { kind: 'busy', share };
    else if (used === 0 && window.every((s) => s.state === 'S')) this.pending = { kind: 'idle' };
  }
}

/**
 * Starts a server and waits for its ready line. Fails, saying why, when it exits first, prints
 * something else, listens without printing it, idles or spins, or prints an address where it does
 * not listen.
 */
export async function startServer(opts: Omit<StartOptions, 'role'>, register: (cleanup: () => Promise<void>) => void): Promise<{ program: Program; port: number }> {
  const program = await startProgram({ ...opts, role: 'server' }, (p) => register(() => p.kill()));
  const num = opts.lesson.slice(0, 2);
  let ready: RegExpExecArray | null = null;
  const find = () => {
    if (ready) return true;
    for (const l of program.stdoutLines) if ((ready = READY.exec(l))) return true;
    return false;
  };
  const watch = new StartWatch(program);
  // Sampling /proc is a measurement; the wait itself still ends on the events (a line, the exit).
  const sampler = hasProc
    ? setInterval(() => {
        watch.sample();
        // The sample runs in the timers phase: a ready line already in the pipe is read in this turn's
        // poll phase. Decide after it (setImmediate), so a line that came just now always wins.
        if (watch.pending && !watch.verdict)
          setImmediate(() => {
            if (find()) return;
            watch.verdict = watch.pending;
            program.poke();
          });
      }, SAMPLE_MS)
    : undefined;
  try {
    // A leader that exited while a process it started lives on (a server that daemonizes) is still starting.
    await program.until(() => find() || (program.exit !== undefined && !program.alive) || watch.verdict !== undefined, timing.ready);
  } finally {
    clearInterval(sampler);
  }
  find();
  if (!ready) throw notReady(program, watch.atDeadline(), num, opts.args ?? []);
  const match = ready as RegExpExecArray;
  const port = Number(match[2]);
  const host = match[1] ?? '';
  const asked = argValue(opts.args ?? [], '--host') ?? '127.0.0.1';
  if (host !== asked) {
    throw new CheckFailure('WRONG_ADDRESS', `the server says it listens on ${host}:${port}, but it was asked for --host ${asked}`, {
      expected: `"listening on ${asked}:PORT"`,
      actual: quote(match[0]),
      hint: 'Listen on the host from --host, and print the address it actually bound: server.address().',
    });
  }
  // Trust, but verify: the printed address must be where it listens. /proc answers without touching
  // the server; where it cannot (another OS) a polite connect does.
  const listening = program.listening();
  if (listening !== undefined) {
    const onPort = listening.filter((a) => a.endsWith(`:${port}`));
    if (onPort.length === 0) {
      throw new CheckFailure('WRONG_PORT', `the server printed port ${port}, but nothing of it listens there`, {
        expected: `a listener on ${asked}:${port}`,
        actual: listening.length ? `it is listening on ${listening.join(', ')}` : 'it is not listening on any TCP port',
        hint: 'Print the port after listen() has called back, from server.address().port. With --port 0 the system picks the port: a constant in the ready line is wrong.',
      });
    }
    if (!onPort.includes(`${asked}:${port}`)) {
      throw new CheckFailure('WRONG_ADDRESS', `the server printed ${asked}:${port}, but it listens on ${onPort.join(', ')}`, {
        expected: `a listener on ${asked}:${port} only, the --host it was given`,
        actual: `it is listening on ${onPort.join(', ')}${onPort.some((a) => a.startsWith('0.0.0.0') || a.startsWith('[::]')) ? ' (every interface: other machines can reach it)' : ''}`,
        hint: 'Pass the host to listen: server.listen(port, host, ...). Without a host Node listens on every interface, and the ready line must say where it really listens (server.address()).',
      });
    }
  } else if (!(await politeConnect(port))) {
    throw new CheckFailure('WRONG_PORT', `the server printed port ${port}, but nothing accepts connections there`, {
      expected: `a listener on ${asked}:${port}`,
      actual: 'connection refused',
      hint: 'Print the port after listen() has called back, from server.address().port.',
    });
  }
  return { program, port };
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`${name}=`));
  return eq?.slice(name.length + 1);
}

function notReady(program: Program, early: Early | undefined, num: string, args: string[]): CheckFailure {
  const expected = 'a stdout line "listening on 127.0.0.1:PORT", printed once server.listen() has called back';
  if (program.exit && !program.alive) {
    return new CheckFailure('NOT_READY', `the server ${program.describeExit()} before printing its ready line`, {
      expected,
      actual: program.describeOutput(),
      hint: crashHint(program) ?? `Run it by hand to see what happens: \`npm run run -- ${num} server\`.`,
    });
  }
  if (early?.kind === 'listens') {
    return new CheckFailure('NOT_READY', `the server listens on ${early.addresses.join(', ')} but did not print its ready line`, {
      expected,
      actual: program.describeOutput(),
      hint: 'Print the line in the listen() callback, exactly "listening on HOST:PORT" with the address from server.address(): the checker reads the port from it.',
    });
  }
  if (early?.kind === 'busy') {
    return new CheckFailure('BUSY', `the server is stuck in a busy loop before listening (it used ${Math.round(early.share * 100)}% of a core and printed no ready line)`, {
      expected,
      actual: program.describeOutput(),
      hint: 'A loop that never ends (for(;;), while waiting for a flag that an event would set) blocks the event loop: listen() never calls back. Let events call you instead.',
    });
  }
  const printed = program.stdoutLines.length > 0;
  const otherLines = 'It printed other lines but never one of the exact form "listening on HOST:PORT". Print it with console.log in the listen callback, with the real port from server.address().port.';
  if (early?.kind === 'idle') {
    return new CheckFailure('NOT_READY', 'the server is running but idle: it listens on no port and printed no ready line', {
      expected,
      actual: program.describeOutput(),
      hint: printed ? otherLines : `Call server.listen(port, host, callback) with the --host and --port it was given (the tester passed ${args.join(' ')}), and print the ready line in the callback.`,
    });
  }
  return new CheckFailure('NOT_READY', `the server did not print its ready line within ${timing.ready} ms`, {
    expected,
    actual: program.describeOutput(),
    hint: printed
      ? otherLines
      : `It printed nothing. The tester started it with ${args.join(' ')}; print the ready line in the listen callback. A program stuck in a busy loop never gets there.`,
  });
}

/** Connects, half-closes at once and reads to the end, so the server sees an ordinary client that said nothing. */
function politeConnect(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    s.once('connect', () => {
      resolve(true);
      s.end();
      s.resume();
      s.setTimeout(timing.reply, () => s.destroy());
    });
    s.once('error', () => resolve(false));
    s.once('close', () => resolve(false));
  });
}

/** A port on 127.0.0.1 with nothing listening on it (for connection-refused checks). */
export async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
