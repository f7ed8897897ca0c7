// What a check is, and the context it runs in: one transcript, cleanups registered before use,
// and helpers that start the learner's programs and open connections.

import { mkdirSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { scratchRoot } from './scratch.ts';
import path from 'node:path';
import { DatagramPeer } from './datagram.ts';
import { FakeServer } from './fake-server.ts';
import { FakeUdpServer } from './fake-udp-server.ts';
import { ModuleHost } from './module.ts';
import { Peer } from './peer.ts';
import { startProgram, type Program } from './program.ts';
import { startServer } from './ready.ts';
import { settle, type Settled } from './settle.ts';
import { Choices, DEFAULT_SEED } from './choices.ts';
import { Transcript } from './transcript.ts';

export interface CheckDef {
  /** Stable id, used by --json, mutants and grades: "reply-upper-case". */
  id: string;
  /** The behaviour, as a learner would say it: "replies with the line upper-cased". */
  title: string;
  /**
   * What the check grades: the server or the client over the wire, or a module of the lesson's src/
   * called directly (04's line splitter, 05's frame codec, 07's framework) through a ModuleHost.
   */
  target: Target;
  /** For target 'module': the file it grades, relative to the lesson folder ("src/lines.ts"). */
  module?: string;
  /** Checks that must pass first; when one fails this one is skipped (so the first failure is the one to read). */
  needs?: string[];
  /** Runs against the server shared by the lesson's checks (started once, restarted after a failure). */
  shared?: boolean;
  /**
   * Takes long whatever the program does (it waits out a timer of the contract or a window of
   * silence, sends byte by byte, or streams hundreds of MiB): it runs beside the lesson's slots as
   * soon as its needs have passed, and the checks it needs take free slots first, so the lesson's
   * run is not this check plus the rest.
   */
  slow?: boolean;
  /**
   * Besides its fixed cases it runs a seeded case (harness/seeded.ts) whose adversarial choices (where
   * bytes are cut into pushes or writes, the pauses between them, how a fake server coalesces its
   * replies, which datagrams are dropped) come from ctx.choices: the result names the seed, `--seed N`
   * replays it, `--explore N` tries N fresh seeds on its seeded case alone, `--replay` a finding's draws.
   */
  explores?: boolean;
  /** What to try when this check fails, unless the failure carries its own hint. */
  hint: string;
  run(ctx: CheckContext): Promise<void>;
}

export type Target = 'server' | 'client' | 'module';

export interface LessonChecks {
  /** The lesson folder name: "02-loop-server". */
  lesson: string;
  checks: CheckDef[];
  /** What every server of the lesson is started with besides --host and --port (a secret, a folder). */
  server?: ServerSetup;
}

/**
 * Arguments and environment every server of a lesson gets, the shared one included: `args` is given
 * a temporary folder of that server's own (removed when the server is), for a server that writes
 * files (05's --dir), so no check ever writes into the lesson folder. The folder is the only thing in
 * a temporary folder of its own (RunningServer.dir and .around), so a check can see that nothing was
 * written beside it.
 */
export interface ServerSetup {
  args?: (tempDir: string) => string[];
  env?: Record<string, string>;
}

interface Extras {
  args: string[];
  env: Record<string, string> | undefined;
  /** The server's folder and the temporary folder around it, when the setup gives one. */
  dir?: { dir: string; around: string };
  /** Removes the folder (asynchronously: a 256 MiB upload in it takes tens of ms to free). */
  cleanup: () => Promise<void>;
}

/** The extra arguments and environment for one server start, and the cleanup of its folder. */
export function serverExtras(setup: ServerSetup | undefined): Extras {
  if (!setup?.args) return { args: [], env: setup?.env, cleanup: async () => {} };
  const around = mkdtempSync(path.join(scratchRoot(), 'netlings-server-'));
  const dir = path.join(around, 'dir');
  mkdirSync(dir);
  return { args: setup.args(dir), env: setup.env, dir: { dir, around }, cleanup: () => rm(around, { recursive: true, force: true }).catch(() => {}) };
}

export interface RunningServer {
  program: Program;
  port: number;
  /** The folder the lesson's ServerSetup gave it (empty at its start), and the temporary folder around it. */
  dir?: { dir: string; around: string };
}

/** The lesson's shared server: started on first use, replaced when it died or after a failed check. */
export class SharedServer {
  private current: (RunningServer & { cleanup: () => Promise<void> }) | undefined;
  private starts = 0;
  /** What happened to the server after the last check that used it (it exited once its clients left, say). */
  private afterLast: string | undefined;
  constructor(
    private readonly root: string,
    private readonly lesson: string,
    private readonly setup?: ServerSetup,
  ) {}

  async get(ctx: CheckContext): Promise<RunningServer> {
    const c = this.current;
    if (c && c.program.alive) {
      // Reuse it only while something of it still listens on its port (where /proc can tell). A server
      // that stopped accepting after an earlier check's client is replaced, so the check about that bug
      // is the one that reports it, and the others still grade what they are about.
      const listening = c.program.listening();
      if (listening === undefined || listening.some((a) => a.endsWith(`:${c.port}`))) {
        c.program.retarget(ctx.transcript);
        ctx.usesProgram(c.program);
        ctx.transcript.note('server', `(the server started for an earlier check, pid ${c.program.pid}, port ${c.port})`, 'program');
        return c;
      }
      ctx.transcript.note('server', `(the server of the earlier checks no longer listens on port ${c.port}; a new one is started)`, 'program');
    } else if (c) {
      ctx.transcript.note('server', `(${this.afterLast ?? `the server of the earlier checks ${c.program.describeExit()}`}; a new one is started)`, 'program');
    }
    await this.discard();
    const label = ++this.starts === 1 ? 'server' : `server#${this.starts}`;
    let started: RunningServer | undefined;
    const cleanups: (() => Promise<void>)[] = [];
    this.starting = cleanups; // a cancel while it starts must kill it too
    const extras = serverExtras(this.setup);
    try {
      started = await startServer(
        { root: this.root, lesson: this.lesson, transcript: ctx.transcript, label, args: ['--host', '127.0.0.1', '--port', '0', ...extras.args], ...(extras.env ? { env: extras.env } : {}) },
        (c) =>
          cleanups.push(async () => {
            await c();
            await extras.cleanup();
          }),
      );
    } catch (e) {
      await Promise.all(cleanups.map((c) => c()));
      throw e;
    } finally {
      this.starting = [];
    }
    this.current = { ...started, ...(extras.dir ? { dir: extras.dir } : {}), cleanup: cleanups[0] ?? (async () => {}) };
    ctx.usesProgram(started.program);
    return this.current;
  }

  /**
   * After a check: waits (bounded) until the server has let go of that check's connections and is
   * idle, so an exit in its 'end' or 'close' handler has happened before the next check looks.
   */
  async settleAfter(ports: number[], title: string): Promise<void> {
    const c = this.current;
    this.afterLast = undefined;
    if (!c || ports.length === 0) return;
    await settle(c.program, ports);
    if (!c.program.alive) this.afterLast = `the server ${c.program.describeExit()} after the clients of the check "${title}" left`;
  }

  async discard(): Promise<void> {
    const c = this.current;
    this.current = undefined;
    await Promise.all([...this.starting.map((k) => k()), ...(c ? [c.cleanup()] : [])]);
  }
  private starting: (() => Promise<void>)[] = [];
}

/** Module hosts kept across many runs of a check (exploring); close() kills every one it started. */
export class HostPool {
  readonly hosts = new Map<string, ModuleHost>();
  readonly kills: (() => Promise<void>)[] = [];
  async close(): Promise<void> {
    this.hosts.clear();
    await Promise.all(this.kills.splice(0).map((k) => k().catch(() => {})));
  }
}

export class CheckContext {
  readonly transcript = new Transcript();
  private readonly cleanups: (() => Promise<void> | void)[] = [];
  private peers = 0;
  /** This check's tester connections (to see a server let go of the ones that are closed). */
  private readonly peerList: Peer[] = [];
  /** This check's fake servers (TCP and UDP) by port, so a client started with one's port is drawn talking to it. */
  private readonly fakes = new Map<number, string>();
  /** The programs this check started or used, for the diagnosis of a failure (a busy loop, say). */
  readonly programs = new Set<Program>();
  /** Where the check's adversarial choices come from (set by the runner: a seed, or draws to replay). */
  choices = new Choices({ seed: DEFAULT_SEED });
  /** Set while exploring: a check runs only its seeded cases (its fixed ones do not depend on the seed). */
  exploring = false;
  /**
   * Module hosts to reuse, by module and driver, instead of starting one per call of moduleHost():
   * exploring runs a check hundreds of times. The pool's owner kills them; plain runs have none.
   */
  hostPool: HostPool | undefined;

  constructor(
    readonly root: string,
    readonly lesson: string,
    private readonly shared: SharedServer,
    private readonly setup?: ServerSetup,
  ) {}

  /** Set once cleanup() has begun: what the check still starts after that is cleaned up at once. */
  private closed = false;

  /**
   * Registers a cleanup; they run last-registered first, whatever the check did. Once the context is
   * cleaned up (a cancel, or a check whose seeded case still runs after its fixed case failed), a
   * cleanup registered later runs at once, so nothing started late outlives the check.
   */
  defer(fn: () => Promise<void> | void): void {
    if (this.closed) {
      void (async () => fn())().catch(() => {});
      return;
    }
    this.cleanups.push(fn);
  }

  async cleanup(): Promise<void> {
    this.closed = true;
    while (this.cleanups.length) {
      const fn = this.cleanups.pop();
      try {
        await fn?.();
      } catch {
        // cleanup is best effort; the group kill is the backstop
      }
    }
  }

  /** The lesson's server arguments and environment for one start; its folder is removed at cleanup. */
  private serverExtras(): Extras {
    const e = serverExtras(this.setup);
    this.defer(e.cleanup);
    return e;
  }

  usesProgram(p: Program): void {
    this.programs.add(p);
  }

  /**
   * Waits (bounded) until the program has let go of this check's tester connections and is idle:
   * what its 'end' and 'close' handlers do (an exit, say) has happened by then.
   */
  settle(program: Program, within?: number): Promise<Settled> {
    return settle(program, this.closedPeerPorts(), within);
  }

  /**
   * Sends a signal the way a person would: to a program that is running, not one halfway through
   * its start-up or through the event just before. It waits (bounded) until the program is asleep
   * with no CPU used, so a server that prints its ready line and installs its signal handlers a
   * statement later (a reasonable order) is never signalled in between, however loaded the machine.
   */
  async signal(program: Program, sig: NodeJS.Signals, what = `the tester sends ${sig} to the ${program.label}`): Promise<void> {
    await settle(program, []);
    this.transcript.note('tester', what);
    program.signal(sig);
  }

  /** The local ports of this check's tester connections that the tester has closed or reset. */
  closedPeerPorts(): number[] {
    return this.peerList.filter((p) => p.socket.destroyed).map((p) => p.localPort);
  }

  /** The lesson's shared server (for checks marked shared). */
  sharedServer(): Promise<RunningServer> {
    return this.shared.get(this);
  }

  /** A server of this check's own, e.g. for a busy port or a signal. */
  async ownServer(args: string[] = ['--host', '127.0.0.1', '--port', '0'], label = 'server', env?: Record<string, string>): Promise<RunningServer> {
    const extras = this.serverExtras();
    const allEnv = { ...extras.env, ...env };
    const s = await startServer({ root: this.root, lesson: this.lesson, transcript: this.transcript, label, args: [...args, ...extras.args], env: allEnv }, (c) => this.defer(c));
    this.programs.add(s.program);
    return { ...s, ...(extras.dir ? { dir: extras.dir } : {}) };
  }

  /** Starts a program without waiting for a ready line (a client, or a server expected to fail). */
  start(role: 'server' | 'client', args: string[], stdin?: string | 'keep', label?: string, env?: Record<string, string>): Promise<Program> {
    // A server gets the lesson's own arguments and environment (a folder, a secret) after the check's.
    const extras = role === 'server' ? this.serverExtras() : { args: [], env: undefined };
    const allEnv = { ...extras.env, ...env };
    const at = args.indexOf('--port');
    const fake = at >= 0 ? this.fakes.get(Number(args[at + 1])) : undefined;
    if (fake !== undefined) this.transcript.link(fake, label ?? role);
    return startProgram(
      { root: this.root, lesson: this.lesson, role, args: [...args, ...extras.args], transcript: this.transcript, ...(stdin !== undefined ? { stdin } : {}), label: label ?? role, env: allEnv },
      (p) => {
        this.programs.add(p);
        this.defer(() => p.kill());
      },
    );
  }

  /** A tester client connected to port; destroyed at cleanup. */
  async connect(port: number, name?: string): Promise<Peer> {
    const peer = await Peer.connect(port, name ?? `c${++this.peers}`, this.transcript, (p) => this.defer(() => p.destroy()));
    this.peerList.push(peer);
    return peer;
  }

  /** n tester clients, all connected before any sends. */
  connectMany(port: number, n: number): Promise<Peer[]> {
    return Promise.all(Array.from({ length: n }, () => this.connect(port)));
  }

  /** The checker's driver (checker/src/drivers/...) with the lesson's module loaded, in a process of its own. */
  async moduleHost(module: string, driver: string, label?: string): Promise<ModuleHost> {
    const key = `${module}\0${driver}`;
    const pool = this.hostPool;
    const pooled = pool?.hosts.get(key);
    if (pooled && pooled.program.exit === undefined) {
      pooled.program.retarget(this.transcript);
      this.programs.add(pooled.program);
      return pooled;
    }
    const host = await ModuleHost.start({ root: this.root, lesson: this.lesson, module, driver, transcript: this.transcript, ...(label ? { label } : {}) }, (c) => (pool ? pool.kills.push(c) : this.defer(c)));
    pool?.hosts.set(key, host);
    this.programs.add(host.program);
    return host;
  }

  /** A fake server for grading a client; `name` labels it in the transcript (a check with two: "seeded"). */
  async fakeServer(name?: string): Promise<FakeServer> {
    const fake = await FakeServer.start(this.transcript, name);
    this.defer(() => fake.close());
    this.fakes.set(fake.port, fake.name);
    return fake;
  }

  /** A tester UDP socket on 127.0.0.1 that sends to (and expects replies from) port; closed at cleanup. */
  udpPeer(port: number, name?: string): Promise<DatagramPeer> {
    return DatagramPeer.open(port, name ?? `u${++this.peers}`, this.transcript, (p) => this.defer(() => p.close()));
  }

  /** A fake UDP server on 127.0.0.1 for grading a UDP client; closed at cleanup. `name` labels it in the transcript. */
  async fakeUdpServer(name?: string): Promise<FakeUdpServer> {
    const fake = await FakeUdpServer.start(this.transcript, (f) => this.defer(() => f.close()), name);
    this.fakes.set(fake.port, fake.name);
    return fake;
  }
}
