// Helpers shared by lesson 07's module checks: the learner's framework (src/socketserver.ts) runs
// in the checker's driver (drivers/07-socketserver.ts), a child process of its own; each check
// starts servers of the learner's classes there, with handlers the driver defines, and talks to
// them with tester connections.

import net from 'node:net';
import { fileURLToPath } from 'node:url';
import type { CheckContext, CheckDef } from '../harness/check.ts';
import { CheckFailure } from '../harness/errors.ts';
import type { ModuleHost } from '../harness/module.ts';
import type { Peer } from '../harness/peer.ts';
import { timing } from '../harness/timing.ts';
import type { Ev, Kind, ServerState, StartOptions } from '../drivers/07-socketserver.ts';
import { STACK_LINE } from './common.ts';

export const DRIVER = fileURLToPath(new URL('../drivers/07-socketserver.ts', import.meta.url));
export const MODULE = 'src/socketserver.ts';

/** One server of the learner's classes running in the driver. */
export class Remote {
  constructor(
    readonly host: ModuleHost,
    readonly id: number,
    readonly port: number,
    readonly kind: Kind,
  ) {}

  events(): Promise<Ev[]> {
    return this.host.call<Ev[]>('events', [this.id]);
  }
  state(): Promise<ServerState> {
    return this.host.call<ServerState>('state', [this.id]);
  }
  /** Waits until `count` events `what` (of that client port) are recorded; false at the deadline. */
  async waitFor(what: string, port: number | null = null, within: number = timing.reply, count = 1): Promise<{ ok: boolean; events: Ev[] }> {
    return this.host.call('waitFor', [this.id, what, port, count, within], { within: within + timing.reply, what: `waiting for ${what}` });
  }
  release(port: number): Promise<void> {
    return this.host.call('release', [this.id, port]);
  }
}

export async function startRemote(host: ModuleHost, kind: Kind, opts: StartOptions, what?: string): Promise<Remote> {
  const started = await host.call<{ id: number; port: number }>('start', [kind, opts], { what: what ?? `new ${kind}(['127.0.0.1', ${opts.port ?? 0}], handler) with listen()${opts.serve === 'listen' ? '' : ' and serveForever()'}` });
  if (!Number.isInteger(started.port) || started.port <= 0 || started.port > 65535) {
    throw new CheckFailure('WRONG_VALUE', `after listen() resolved, serverAddress[1] is ${JSON.stringify(started.port)}, not the port the server listens on`, {
      expected: "serverAddress = ['127.0.0.1', PORT] with the real port (the server was asked for port 0)",
      actual: `serverAddress[1] = ${JSON.stringify(started.port)}`,
      hint: 'Once the server is listening, set serverAddress from server.address(): with port 0 the system picks the port.',
    });
  }
  return new Remote(host, started.id, started.port, kind);
}

/** A module check of the framework: its own driver process, bounded like every check. */
export function frameworkCheck(def: Omit<CheckDef, 'target' | 'module' | 'run'> & { run(ctx: CheckContext, host: ModuleHost, hint: string): Promise<void> }): CheckDef {
  return {
    id: def.id,
    title: def.title,
    hint: def.hint,
    ...(def.needs ? { needs: def.needs } : {}),
    ...(def.slow ? { slow: true } : {}),
    ...(def.explores ? { explores: true } : {}),
    target: 'module',
    module: MODULE,
    async run(ctx) {
      const host = await ctx.moduleHost(MODULE, DRIVER, 'framework');
      await def.run(ctx, host, def.hint);
    },
  };
}

/** The connection must bring exactly these lines, then the end of the stream. */
export async function expectLinesThenClose(c: Peer, lines: string[], what: string, hint: string): Promise<void> {
  for (const [i, line] of lines.entries()) {
    await c.expectLine(line, { what: `line ${i + 1} of ${what}, ${JSON.stringify(line)} (expected in all: ${lines.map((l) => JSON.stringify(l)).join(', ')}, then the close)`, hint });
  }
  await c.expectClose({ what: `${JSON.stringify(lines.at(-1))}: the server closes the connection once finish() is done`, hint });
}

/** Connects, retrying while the port refuses (a server that is still starting to listen), within the reply deadline. */
export async function connectWhenListening(ctx: CheckContext, port: number, within = timing.reply): Promise<Peer> {
  const deadline = performance.now() + within;
  for (;;) {
    const refused = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.once('error', () => resolve(true));
    });
    if (!refused) return ctx.connect(port);
    if (performance.now() > deadline) {
      throw new CheckFailure('CONNECT_FAILED', `nothing listened on 127.0.0.1:${port} within ${within} ms of serveForever()`, {
        hint: 'serveForever() listens first when listen() was not called yet: `await this.listen()` at its start.',
      });
    }
    await new Promise((r) => setTimeout(r, 25)); // pacing the attempts of a bounded retry
  }
}

/** Whether a connect to the port is refused (bounded). */
export function refuses(port: number): Promise<{ refused: boolean; code?: string }> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ refused: false, code: 'TIMEOUT' });
    }, timing.connect);
    s.once('connect', () => {
      clearTimeout(timer);
      s.destroy();
      resolve({ refused: false });
    });
    s.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ refused: e.code === 'ECONNREFUSED', ...(e.code ? { code: e.code } : {}) });
    });
  });
}

/** Events as lines a person reads: "+12 ms  #2 (port 41234) handle-start". */
export function describeEvents(events: Ev[], max = 30): string {
  const t0 = events[0]?.t ?? 0;
  const lines = events.map((e) => `  +${Math.round(e.t - t0)} ms  ${e.conn ? `handler #${e.conn} (client port ${e.port})` : 'server'}  ${e.what}`);
  return lines.length > max ? [...lines.slice(0, max - 3), `  … ${lines.length - max + 3} more`].join('\n') : lines.join('\n') || '  (nothing recorded)';
}

/**
 * The driver's stderr must hold exactly one line for this client, the handler error with this
 * message, and no stack trace. `since`: how many stderr lines there were before the client
 * connected; only the later ones are its own (a client port may be reused by a later connection).
 */
export async function expectHandlerErrorLine(host: ModuleHost, port: number, message: string, hint: string, since: number): Promise<void> {
  const want = `127.0.0.1:${port} handler error: ${message}`;
  const program = host.program;
  const mine = () => program.stderrLines.slice(since).filter((l) => new RegExp(`:${port}\\b`).test(l));
  await program.until(() => mine().some((l) => l.trim() === want), timing.reply);
  const lines = mine().filter((l) => l.trim() !== '');
  const stack = program.stderrLines.some((l) => STACK_LINE.test(l));
  if (lines.length !== 1 || lines[0]?.trim() !== want || stack) {
    throw new CheckFailure('OUTPUT', stack ? 'the handler error was logged with a stack trace' : lines.length === 0 ? 'the handler error was not logged on stderr' : `the handler error was not logged as the one line "${want}"`, {
      expected: `one line on stderr: ${want}`,
      actual: program.stderrLines.length ? program.stderrLines.slice(-12).map((l) => `  ${l}`).join('\n') : 'nothing on stderr',
      hint,
    });
  }
}
