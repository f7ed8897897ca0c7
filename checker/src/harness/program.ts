// Starting a learner's program: tsx in its own process group, output captured line by line,
// every wait bounded, and the whole group killed at the end whatever happened.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { buildEntry, type BuildInput } from './build.ts';
import { Waiter } from './waiter.ts';
import { CheckFailure } from './errors.ts';
import { quote } from './bytes.ts';
import { cpuTicks, listeningAddresses } from './proc.ts';
import { pause, timing } from './timing.ts';
import type { Transcript } from './transcript.ts';


/** Every process group this checker started and has not yet seen exit: killed on the way out, whatever the way. */
const live = new Set<number>();
function killAllGroups(): void {
  for (const pid of live) killGroup(pid);
}
process.on('exit', killAllGroups);

// A signal's default action skips 'exit' handlers, and the programs are in groups of their own
// (the terminal's Ctrl-C does not reach them): kill them, then let the signal do what it would have.
let signalsHooked = false;
function hookSignals(): void {
  if (signalsHooked) return;
  signalsHooked = true;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killAllGroups();
      process.removeListener(sig, onSignal);
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export interface StartOptions {
  /** The folder that holds lesson folders (lessons/, solutions/, a student's copy). */
  root: string;
  lesson: string;
  role: 'server' | 'client';
  args?: string[];
  /** Bytes for stdin, ended afterwards; 'keep' leaves stdin open for writeStdin(). */
  stdin?: string | 'keep';
  transcript: Transcript;
  /** The label used in the transcript: "server", "client", "server#2". */
  label?: string;
  env?: Record<string, string>;
  /** Build this instead of src/ROLE.ts (a checker driver that imports a module of the lesson). */
  build?: BuildInput;
  /** The source file named in messages, when `build` is given. */
  file?: string;
  /** Open a fourth pipe (fd 3) for a driver's replies, apart from the program's own stdout. */
  fd3?: boolean;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class Program {
  readonly label: string;
  readonly file: string;
  readonly child: ChildProcess;
  readonly stdoutLines: string[] = [];
  readonly stderrLines: string[] = [];
  private stdoutPartial = '';
  private stderrPartial = '';
  private transcript: Transcript;
  private exitInfo: ExitInfo | undefined;
  readonly exited: Promise<ExitInfo>;
  private readonly waiter = new Waiter();

  constructor(file: string, child: ChildProcess, label: string, transcript: Transcript) {
    this.file = file;
    this.child = child;
    this.label = label;
    this.transcript = transcript;
    const out = new StringDecoder('utf8');
    const err = new StringDecoder('utf8');
    child.stdout?.on('data', (b: Buffer) => this.onText('stdout', out.write(b)));
    child.stderr?.on('data', (b: Buffer) => this.onText('stderr', err.write(b)));
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
        this.notify();
      });
    });
    // Output can trail the exit event; flush partial lines once the pipes are closed.
    child.on('close', () => {
      if (child.pid !== undefined) live.delete(child.pid);
      this.onText('stdout', out.end() + (this.stdoutPartial ? '\n' : ''));
      this.onText('stderr', err.end() + (this.stderrPartial ? '\n' : ''));
      this.notify();
    });
    child.on('error', () => this.notify());
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }
  get exit(): ExitInfo | undefined {
    return this.exitInfo;
  }
  get stdout(): string {
    return this.stdoutLines.join('\n') + (this.stdoutPartial ? '\n' + this.stdoutPartial : '');
  }
  get stderr(): string {
    return this.stderrLines.join('\n') + (this.stderrPartial ? '\n' + this.stderrPartial : '');
  }

  /** Sends the program's output to another check's transcript (a server shared by several checks). */
  retarget(transcript: Transcript): void {
    this.transcript = transcript;
  }

  private onText(stream: 'stdout' | 'stderr', text: string): void {
    if (!text) return;
    const key = stream === 'stdout' ? 'stdoutPartial' : 'stderrPartial';
    const lines = (this[key] + text).split('\n');
    this[key] = lines.pop() ?? '';
    for (const raw of lines) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      (stream === 'stdout' ? this.stdoutLines : this.stderrLines).push(line);
      this.transcript.output(stream, line, this.label);
    }
    if (lines.length) this.notify();
  }

  private notify(): void {
    this.waiter.notify();
  }

  /** Waits until test() holds, re-tested on every event; false at the deadline. */
  until(test: () => boolean, ms: number): Promise<boolean> {
    return this.waiter.until(test, ms);
  }

  /** Waits for a stdout line matching re; fails with what was printed instead. */
  async expectStdout(re: RegExp, what: string, within: number = timing.reply, hint?: string): Promise<RegExpExecArray> {
    let match: RegExpExecArray | null = null;
    const seen = () => {
      for (const l of this.stdoutLines) {
        match = re.exec(l);
        if (match) return true;
      }
      return false;
    };
    await this.until(() => seen() || this.exitInfo !== undefined, within);
    seen();
    if (match) return match;
    throw new CheckFailure(this.exitInfo ? 'EXITED' : 'OUTPUT', `${this.label} did not print ${what}${this.exitInfo ? `; it ${this.describeExit()}` : ` within ${within} ms`}`, {
      expected: `a stdout line matching ${re}`,
      actual: this.describeOutput(),
      ...(hint !== undefined ? { hint } : {}),
    });
  }

  /** Waits for the program to exit by itself. */
  async waitForExit(within: number = timing.exit): Promise<ExitInfo | undefined> {
    await this.until(() => this.exitInfo !== undefined, within);
    // let the pipes drain so the last lines are in
    if (this.exitInfo) await this.until(() => this.child.stdout === null || this.child.stdout.readableEnded, 500);
    return this.exitInfo;
  }

  describeExit(): string {
    const e = this.exitInfo;
    if (!e) return 'is still running';
    return e.signal ? `was killed by ${e.signal}` : `exited with code ${e.code}`;
  }

  /** The last lines the program printed, labelled, for a failure message. */
  describeOutput(maxLines = 12): string {
    const out = tail(this.stdoutLines, this.stdoutPartial, maxLines);
    const err = tail(this.stderrLines, this.stderrPartial, maxLines);
    const parts = [];
    parts.push(out.length ? `stdout:\n${out.map((l) => `  ${quote(l)}`).join('\n')}` : 'stdout: (nothing)');
    parts.push(err.length ? `stderr:\n${err.map((l) => `  ${l}`).join('\n')}` : 'stderr: (nothing)');
    return parts.join('\n');
  }

  writeStdin(text: string): void {
    this.child.stdin?.write(text);
  }
  endStdin(): void {
    this.child.stdin?.end();
  }

  /** Sends a signal to the program itself (not its group), as a terminal's Ctrl-C would to the foreground job. */
  signal(sig: NodeJS.Signals): void {
    try {
      this.child.kill(sig);
    } catch {
      // gone
    }
  }

  cpuTicks(): number | undefined {
    return cpuTicks(this.pid);
  }

  /**
   * Measures the program's CPU over a window of ms (a measurement, not a wait for an event): true
   * when it kept a core more than 60% busy. false where /proc cannot tell.
   */
  async busyFor(ms: number): Promise<boolean> {
    const before = this.cpuTicks();
    if (before === undefined || this.exit) return false;
    const t0 = performance.now();
    await pause(ms);
    const after = this.cpuTicks();
    if (after === undefined) return false;
    return ((after - before) * 10) / (performance.now() - t0) > 0.6;
  }

  listening(): string[] | undefined {
    return listeningAddresses(this.pid);
  }

  /** Kills the whole process group and waits (bounded) for the exit. Safe to call twice. */
  async kill(): Promise<void> {
    if (this.pid > 0) killGroup(this.pid);
    if (!this.exitInfo) await this.until(() => this.exitInfo !== undefined, 2000);
    this.child.stdin?.destroy();
  }
}

function tail(lines: string[], partial: string, n: number): string[] {
  const all = partial ? [...lines, partial] : lines;
  return all.slice(-n);
}

/** The source file of a lesson's program in a root, e.g. ROOT/02-loop-server/src/server.ts. */
export function programFile(root: string, lesson: string, role: 'server' | 'client'): string {
  return path.join(root, lesson, 'src', `${role}.ts`);
}

/** Builds and starts the program. `started` gets it as soon as it exists, to register its cleanup first. */
export async function startProgram(opts: StartOptions, started: (p: Program) => void): Promise<Program> {
  const file = opts.file ?? programFile(opts.root, opts.lesson, opts.role);
  const label = opts.label ?? opts.role;
  if (!existsSync(file)) {
    const rel = path.relative(path.join(opts.root, opts.lesson), file).split(path.sep).join('/');
    throw new CheckFailure('EXITED', `${path.relative(process.cwd(), file) || file} does not exist`, {
      hint: `Every lesson has ${rel}. Did you rename or delete it? \`npm run reset -- ${opts.lesson.slice(0, 2)}\` brings the starter back.`,
    });
  }
  const built = await buildEntry(opts.build ?? { file });
  const child = spawn(process.execPath, ['--enable-source-maps', built, ...(opts.args ?? [])], {
    cwd: path.join(opts.root, opts.lesson),
    detached: true, // its own process group: kill(-pid) takes its children too
    stdio: opts.fd3 ? ['pipe', 'pipe', 'pipe', 'pipe'] : ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', NODE_OPTIONS: '', ...opts.env },
  });
  hookSignals();
  if (child.pid !== undefined) live.add(child.pid);
  const program = new Program(file, child, label, opts.transcript);
  started(program);
  child.stdin?.on('error', () => {
    // the program closed its stdin or exited: what it did not read is its business
  });
  if (opts.stdin !== 'keep') child.stdin?.end(opts.stdin ?? '');
  opts.transcript.note(label, `started ${opts.role} ${opts.args?.join(' ') ?? ''}`.trim(), 'program');
  return program;
}

const READY = /^listening on (\S+):(\d+)\s*$/;

/**
 * Starts a server and waits for its ready line. Fails, saying why, when it exits first,
 * prints something else, or prints a port where nothing accepts connections.
 */
export async function startServer(opts: Omit<StartOptions, 'role'>, register: (cleanup: () => Promise<void>) => void): Promise<{ program: Program; port: number }> {
  const program = await startProgram({ ...opts, role: 'server' }, (p) => register(() => p.kill()));
  let ready: RegExpExecArray | null = null;
  const find = () => {
    for (const l of program.stdoutLines) if ((ready = READY.exec(l))) return true;
    return false;
  };
  await program.until(() => find() || program.exit !== undefined, timing.ready);
  find();
  if (!ready) {
    const args = ['--host', '127.0.0.1', '--port', '0'];
    if (program.exit) {
      throw new CheckFailure('NOT_READY', `the server ${program.describeExit()} before printing its ready line`, {
        expected: 'a stdout line "listening on 127.0.0.1:PORT"',
        actual: program.describeOutput(),
        hint: 'Run it by hand to see the error: `npm run run -- ' + opts.lesson.slice(0, 2) + ' server`. A crash at start-up is often a syntax or type error, or a port already in use.',
      });
    }
    const printed = program.stdoutLines.length > 0;
    throw new CheckFailure('NOT_READY', `the server did not print its ready line within ${timing.ready} ms`, {
      expected: 'a stdout line "listening on 127.0.0.1:PORT", printed once server.listen() has called back',
      actual: program.describeOutput(),
      hint: printed
        ? 'It printed other lines but never one of the exact form "listening on HOST:PORT". Print it with console.log in the listen callback, with the real port from server.address().port.'
        : `It printed nothing. The tester started it with ${args.join(' ')}; print the ready line in the listen callback. A program stuck in a busy loop never gets there.`,
    });
  }
  const match = ready as RegExpExecArray;
  const port = Number(match[2]);
  const host = match[1] ?? '';
  if (host !== '127.0.0.1') {
    throw new CheckFailure('WRONG_PORT', `the server says it listens on ${host}:${port}, but it was asked for --host 127.0.0.1`, {
      expected: '"listening on 127.0.0.1:PORT"',
      actual: quote(match[0]),
      hint: 'Listen on the host from --host, and print the address it actually bound: server.address().',
    });
  }
  // Trust, but verify: something must accept connections on the printed port. /proc answers without
  // touching the server; where it cannot (another OS, a server in a child process) a polite connect does.
  const listeningNow = program.listening();
  const reachable = listeningNow?.some((a) => a.endsWith(`:${port}`)) || (await politeConnect(port));
  if (!reachable) {
    const actual = program.listening();
    throw new CheckFailure('WRONG_PORT', `the server printed port ${port}, but nothing accepts connections there`, {
      expected: `a listener on 127.0.0.1:${port}`,
      actual: actual === undefined ? 'connection refused' : actual.length ? `it is listening on ${actual.join(', ')}` : 'it is not listening on any TCP port',
      hint: 'Print the port after listen() has called back, from server.address().port. With --port 0 the system picks the port: a constant in the ready line is wrong.',
    });
  }
  return { program, port };
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
