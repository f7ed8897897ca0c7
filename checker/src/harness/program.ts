// Starting a learner's program: a build of it run by node in a process group of its own, its output
// captured line by line within bounds, every wait bounded, and its whole family (every process it
// started, also one that left the group) killed at the end whatever happened.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { buildEntry, type BuildInput } from './build.ts';
import { Waiter } from './waiter.ts';
import { CheckFailure } from './errors.ts';
import { quote } from './bytes.ts';
import { familyPids, forgetProgram, killFamily, leaderReaped, newMarker, registerProgram } from './family.ts';
import { crashLine } from './crash.ts';
import { OutputLog } from './output.ts';
import { hasProc, listeningAddresses, procInfo, socketsOf, type TcpSocket } from './proc.ts';
import { pause, timing } from './timing.ts';
import type { Transcript } from './transcript.ts';

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

/** Characters of one output line shown in a failure message. */
const SHOWN_LINE = 300;

export class Program {
  readonly label: string;
  readonly file: string;
  readonly child: ChildProcess;
  /** NETLINGS_RUN=...: every process of this program's family inherits it. */
  readonly marker: string;
  readonly out: OutputLog;
  readonly err: OutputLog;
  private transcript: Transcript;
  private exitInfo: ExitInfo | undefined;
  private pipesClosed = false;
  readonly exited: Promise<ExitInfo>;
  private readonly waiter = new Waiter();
  private readonly lineWatchers = new Set<(stream: 'stdout' | 'stderr', line: string) => void>();

  constructor(file: string, child: ChildProcess, label: string, transcript: Transcript, marker: string) {
    this.file = file;
    this.child = child;
    this.label = label;
    this.transcript = transcript;
    this.marker = marker;
    const onLine = (stream: 'stdout' | 'stderr') => (line: string) => {
      this.transcript.output(stream, line, this.label);
      for (const w of this.lineWatchers) w(stream, line);
    };
    this.out = new OutputLog(onLine('stdout'));
    this.err = new OutputLog(onLine('stderr'));
    // Waiters look again once per chunk, not once per line: a program that prints millions of lines
    // costs the checker the reading, not millions of re-tests.
    child.stdout?.on('data', (b: Buffer) => {
      this.out.write(b);
      this.notify();
    });
    child.stderr?.on('data', (b: Buffer) => {
      this.err.write(b);
      this.notify();
    });
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        if (child.pid !== undefined) leaderReaped(child.pid);
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
        this.notify();
      });
    });
    // Output can trail the exit event; an unfinished last line counts once the pipes are closed.
    child.on('close', () => {
      this.pipesClosed = true;
      this.out.end();
      this.err.end();
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
  /** The stdout lines kept (the first and the last ones; see OutputLog). */
  get stdoutLines(): string[] {
    return this.out.lines;
  }
  get stderrLines(): string[] {
    return this.err.lines;
  }
  get stdout(): string {
    return [...this.out.lines, ...(this.out.unfinished ? [this.out.unfinished] : [])].join('\n');
  }
  get stderr(): string {
    return [...this.err.lines, ...(this.err.unfinished ? [this.err.unfinished] : [])].join('\n');
  }

  /** Sends the program's output to another check's transcript (a server shared by several checks). */
  retarget(transcript: Transcript): void {
    this.transcript = transcript;
  }

  private notify(): void {
    this.waiter.notify();
  }

  /** Wakes whoever waits on this program to test its condition again (a measurement changed). */
  poke(): void {
    this.notify();
  }

  /** Waits until test() holds, re-tested on every event; false at the deadline. */
  until(test: () => boolean, ms: number): Promise<boolean> {
    return this.waiter.until(test, ms);
  }

  /** Calls f for every line the program prints from now on; returns the function that stops it. */
  onLine(f: (stream: 'stdout' | 'stderr', line: string) => void): () => void {
    this.lineWatchers.add(f);
    return () => this.lineWatchers.delete(f);
  }

  /**
   * Waits for a stdout line matching re (a line kept from before, or one printed while waiting);
   * fails with what was printed instead.
   */
  async expectStdout(re: RegExp, what: string, within: number = timing.reply, hint?: string): Promise<RegExpExecArray> {
    let match: RegExpExecArray | null = null;
    for (const l of this.out.lines) if ((match = re.exec(l))) return match;
    const stop = this.onLine((stream, line) => {
      if (stream === 'stdout' && !match) match = re.exec(line);
    });
    try {
      await this.until(() => match !== null || (this.exitInfo !== undefined && this.pipesClosed), within);
    } finally {
      stop();
    }
    if (match) return match;
    throw new CheckFailure(this.exitInfo ? 'EXITED' : 'OUTPUT', `${this.label} did not print ${what}${this.exitInfo ? `; it ${this.describeExit()}` : ` within ${within} ms`}`, {
      expected: `a stdout line matching ${re}`,
      actual: this.describeOutput(),
      ...(hint !== undefined ? { hint } : {}),
    });
  }

  /** Waits for the program to exit by itself; then (bounded) for its last output. */
  async waitForExit(within: number = timing.exit): Promise<ExitInfo | undefined> {
    await this.until(() => this.exitInfo !== undefined, within);
    // Let the pipes drain so the last lines are in. A process of the family that still holds them
    // (a detached grandchild) must not keep us waiting: the bound is short.
    if (this.exitInfo) await this.until(() => this.pipesClosed, 500);
    return this.exitInfo;
  }

  /** "exited with code 1 (Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'chalk' ...)": the error it died of, in the message itself. */
  describeExit(): string {
    const e = this.exitInfo;
    if (!e) return 'is still running';
    const how = e.signal ? `was killed by ${e.signal}` : `exited with code ${e.code}`;
    const why = e.code !== 0 ? crashLine(this.err) : undefined;
    return why ? `${how} (${why})` : how;
  }

  /** The last lines the program printed, labelled and cut to a readable length, for a failure message. */
  describeOutput(maxLines = 12): string {
    const cut = (l: string) => (l.length > SHOWN_LINE ? `${l.slice(0, SHOWN_LINE)} … (${l.length - SHOWN_LINE} more characters)` : l);
    const part = (name: string, log: OutputLog, q: (l: string) => string) => {
      const lines = log.last(maxLines);
      if (lines.length === 0) return `${name}: (nothing)`;
      const earlier = log.lineCount + (log.unfinished ? 1 : 0) - lines.length;
      const more = earlier > 0 ? `\n  … ${earlier} earlier line${earlier === 1 ? '' : 's'} (${log.byteCount} bytes in all)` : '';
      return `${name}:${more}\n${lines.map((l) => `  ${q(cut(l))}`).join('\n')}`;
    };
    return [part('stdout', this.out, quote), part('stderr', this.err, (l) => l)].join('\n');
  }

  writeStdin(text: string): void {
    if (this.child.stdin && !this.child.stdin.destroyed && !this.child.stdin.writableEnded) this.child.stdin.write(text);
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

  /** The live processes of the program's family: the program, its descendants, whatever carries its marker. */
  family(): number[] {
    return familyPids(this.pid, this.marker);
  }

  /** CPU time of the program's main process, in clock ticks (1/100 s), or undefined off Linux. */
  cpuTicks(): number | undefined {
    return procInfo(this.pid)?.ticks;
  }

  /** CPU time of the whole family, in clock ticks, or undefined off Linux. */
  familyTicks(): number | undefined {
    if (!hasProc) return undefined;
    return this.family().reduce((n, pid) => n + (procInfo(pid)?.ticks ?? 0), 0);
  }

  /** The family's TCP sockets, or undefined off Linux. */
  sockets(): TcpSocket[] | undefined {
    return socketsOf(this.family());
  }

  /** The TCP addresses (host:port) the program's family listens on, or undefined when /proc cannot say. */
  listening(): string[] | undefined {
    return listeningAddresses(this.family());
  }

  /** Something of the family is alive: the program, or a process it left behind (a re-run of itself, say). */
  get alive(): boolean {
    if (this.exitInfo === undefined) return true;
    if (!hasProc) return false;
    // Asked on every event of a wait: a scan of /proc at most every 50 ms.
    const now = performance.now();
    if (!this.aliveSeen || now - this.aliveSeen.at > 50) this.aliveSeen = { at: now, alive: this.family().length > 0 };
    return this.aliveSeen.alive;
  }
  private aliveSeen: { at: number; alive: boolean } | undefined;

  /**
   * Measures the main process's CPU over a window of ms (a measurement, not a wait for an event):
   * true when it kept a core more than 40% busy (a program that waits for events uses ~0). false
   * where /proc cannot tell.
   */
  async busyFor(ms: number): Promise<boolean> {
    return (await this.spinning(ms)) !== undefined;
  }

  /**
   * Watches the main process over a window of ms (a measurement): the share of a core it used when it
   * never slept in the window (state R at every look, CPU used), else undefined. A program that waits
   * for events sleeps; one in a busy loop never does, however little CPU a loaded machine gives it.
   */
  async spinning(ms: number): Promise<number | undefined> {
    const first = procInfo(this.pid);
    if (!first || this.exit) return undefined;
    const t0 = performance.now();
    // Seen asleep once: it is not a loop that never gives the CPU back, and the window ends there.
    const asleep = (info: { state: string }) => info.state === 'S' || info.state === 'D';
    if (asleep(first)) return undefined;
    while (performance.now() - t0 < ms) {
      await pause(20);
      const info = procInfo(this.pid);
      if (!info || asleep(info)) return undefined;
    }
    const last = procInfo(this.pid);
    if (!last || asleep(last)) return undefined;
    const share = ((last.ticks - first.ticks) * 10) / (performance.now() - t0);
    return share > 0.05 ? share : undefined;
  }

  /** The share of a core the main process used over a window of ms, or undefined where /proc cannot tell. */
  async cpuShare(ms: number): Promise<number | undefined> {
    const before = this.cpuTicks();
    if (before === undefined || this.exit) return undefined;
    const t0 = performance.now();
    await pause(ms);
    const after = this.cpuTicks();
    if (after === undefined) return undefined;
    return ((after - before) * 10) / (performance.now() - t0);
  }

  /**
   * Kills the program's whole family and waits (bounded) for the exit. Our ends of its pipes are
   * closed too, so a process that escaped the kill can never keep the checker alive. Safe to call twice.
   */
  async kill(): Promise<void> {
    if (this.pid > 0) killFamily(this.pid, this.marker);
    if (!this.exitInfo) await this.until(() => this.exitInfo !== undefined, 2000);
    if (!this.pipesClosed) await this.until(() => this.pipesClosed, 200);
    for (const s of this.child.stdio) s?.destroy();
    if (this.pid > 0) forgetProgram(this.pid);
  }
}

/** The source file of a lesson's program in a root, e.g. ROOT/02-loop-server/src/server.ts. */
export function programFile(root: string, lesson: string, role: 'server' | 'client'): string {
  return path.join(root, lesson, 'src', `${role}.ts`);
}

/** The environment a learner's program gets: ours without colour, inspector or loader options, plus its marker. */
function programEnv(marker: string, extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  const [name = '', value = ''] = marker.split('=');
  return { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', NODE_OPTIONS: '', ...extra, [name]: value };
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
  const marker = newMarker();
  const child = spawn(process.execPath, ['--enable-source-maps', built, ...(opts.args ?? [])], {
    cwd: path.join(opts.root, opts.lesson),
    detached: true, // its own process group and session: kill(-pid) takes its children too
    stdio: opts.fd3 ? ['pipe', 'pipe', 'pipe', 'pipe'] : ['pipe', 'pipe', 'pipe'],
    env: programEnv(marker, opts.env),
  });
  if (child.pid !== undefined) registerProgram(child.pid, marker);
  const program = new Program(file, child, label, opts.transcript, marker);
  started(program);
  child.stdin?.on('error', () => {
    // the program closed its stdin or exited: what it did not read is its business
  });
  if (opts.stdin !== 'keep') child.stdin?.end(opts.stdin ?? '');
  opts.transcript.note(label, `started ${opts.build ? `the checker's driver for ${path.basename(file)}` : opts.role} ${opts.args?.join(' ') ?? ''}`.trim(), 'program');
  return program;
}

// Starting a server lives in ready.ts; these names are kept here for the checks that import them from here.
export { closedPort, startServer } from './ready.ts';
