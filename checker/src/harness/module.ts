// A check that grades a module of the lesson (04's line splitter, 05's frame codec, 07's framework)
// runs a driver of the checker's own (checker/src/drivers/) that imports the learner's module, in a
// child process with a process group of its own: a hang, a crash or a busy loop in the learner's
// code can only fail the check, never hang or crash the checker. The check calls the driver's
// methods with JSON lines; every call is bounded.

import path from 'node:path';
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { CheckFailure } from './errors.ts';
import { startProgram, type Program } from './program.ts';
import { timing } from './timing.ts';
import type { Transcript } from './transcript.ts';
import { fromWire, toWire, type ThrownError } from './wire-json.ts';
import { Waiter } from './waiter.ts';

/** The learner's module threw (or rejected) in a call: the check decides whether that was right. */
export class ModuleThrew extends CheckFailure {
  readonly thrown: ThrownError;
  constructor(what: string, thrown: ThrownError) {
    super('THREW', `${what} threw ${thrown.name}: ${thrown.message}`, { actual: `${thrown.name}${thrown.code ? ` [${thrown.code}]` : ''}: ${thrown.message}` });
    this.thrown = thrown;
  }
}

export interface ModuleHostOptions {
  root: string;
  lesson: string;
  /** The learner's module, relative to the lesson folder: "src/lines.ts". */
  module: string;
  /** The checker's driver file (absolute), exporting main(learner). */
  driver: string;
  transcript: Transcript;
  label?: string;
  env?: Record<string, string>;
}

type Reply = { id: number; ok: boolean; value?: unknown; error?: ThrownError };

export class ModuleHost {
  private nextId = 0;
  private readonly replies = new Map<number, Reply>();
  private readonly events: { event: string; error?: ThrownError; stack?: string }[] = [];
  private readonly waiter = new Waiter();
  private constructor(
    readonly program: Program,
    readonly module: string,
  ) {
    const fd3 = program.child.stdio[3] as Readable | null | undefined;
    if (fd3) {
      const rl = readline.createInterface({ input: fd3, terminal: false, crlfDelay: Infinity });
      rl.on('line', (line) => {
        let msg: unknown;
        try {
          msg = fromWire(line);
        } catch {
          return;
        }
        const m = msg as Reply & { event?: string; error?: ThrownError; stack?: string };
        if (typeof m.event === 'string') this.events.push({ event: m.event, ...(m.error ? { error: m.error } : {}), ...(m.stack ? { stack: m.stack } : {}) });
        else if (typeof m.id === 'number') this.replies.set(m.id, m);
        this.waiter.notify();
      });
      fd3.on('error', () => {});
    }
    void program.exited.then(() => this.waiter.notify());
  }

  /** Builds the driver with the learner's module, starts it and waits (bounded) until it is ready. */
  static async start(opts: ModuleHostOptions, register: (cleanup: () => Promise<void>) => void): Promise<ModuleHost> {
    const moduleFile = path.join(opts.root, opts.lesson, opts.module);
    const contents = [
      `import * as learner from ${JSON.stringify(moduleFile)};`,
      `import { main } from ${JSON.stringify(opts.driver)};`,
      'main(learner as Record<string, unknown>);',
      '',
    ].join('\n');
    const label = opts.label ?? path.basename(opts.module, '.ts');
    let host: ModuleHost | undefined;
    const program = await startProgram(
      {
        root: opts.root,
        lesson: opts.lesson,
        role: 'client',
        label,
        transcript: opts.transcript,
        stdin: 'keep',
        fd3: true,
        file: moduleFile,
        build: { key: `${opts.driver}\0${moduleFile}`, name: `${path.basename(opts.driver, '.ts')}+${path.basename(opts.module)}`, contents, resolveDir: path.dirname(opts.driver) },
        ...(opts.env ? { env: opts.env } : {}),
      },
      (p) => register(() => p.kill()),
    );
    host = new ModuleHost(program, opts.module);
    const ok = await host.waiter.until(() => host.events.some((e) => e.event === 'ready') || program.exit !== undefined, timing.ready);
    if (!ok || program.exit !== undefined) throw host.deadFailure(`loading ${opts.module}`);
    return host;
  }

  /** The failure for a driver that died or hung, naming what the learner's code did. */
  private deadFailure(during: string): CheckFailure {
    const uncaught = this.events.find((e) => e.event === 'uncaught');
    if (uncaught?.error) {
      return new CheckFailure('THREW', `${this.module} threw ${uncaught.error.name} outside any call, while ${during}: ${uncaught.error.message}`, {
        actual: (uncaught.stack ?? `${uncaught.error.name}: ${uncaught.error.message}`).split('\n').slice(0, 6).join('\n'),
        hint: 'An error thrown in a callback (a timer, an event listener) is uncaught and ends the process. Catch it where it happens, or report it through the promise or callback of the call.',
      });
    }
    if (this.program.exit !== undefined) {
      return new CheckFailure('EXITED', `${this.module} ended the process (${this.program.describeExit()}) while ${during}`, {
        actual: this.program.describeOutput(),
        hint: 'A module must not call process.exit() or crash at import. Run its file by hand to see the error, e.g. `npx tsx ' + this.module + '`.',
      });
    }
    return new CheckFailure('TIMEOUT', `${this.module} did not get ready within ${timing.ready} ms`, { actual: this.program.describeOutput() });
  }

  /**
   * Calls the driver's method and returns its value. The learner's error comes back as ModuleThrew;
   * a call that does not return within `within` ms fails (the driver is killed: it is stuck).
   */
  async call<T = unknown>(method: string, args: unknown[] = [], opts: { within?: number; what?: string } = {}): Promise<T> {
    const within = opts.within ?? timing.reply;
    const what = opts.what ?? `${method}()`;
    const id = ++this.nextId;
    if (this.program.exit !== undefined) throw this.deadFailure(`calling ${what}`);
    (this.program.child.stdin as Writable | null)?.write(toWire({ id, method, args }) + '\n');
    const ok = await this.waiter.until(() => this.replies.has(id) || this.program.exit !== undefined, within);
    const reply = this.replies.get(id);
    this.replies.delete(id);
    if (reply) {
      if (reply.ok) return reply.value as T;
      const err = reply.error ?? { name: 'Error', message: 'unknown error' };
      if (err.code === 'MISSING_EXPORT') {
        throw new CheckFailure('MISSING_EXPORT', `${this.module}: ${err.message}`, {
          hint: `The checker imports ${this.module} and calls its exports by the names the lesson's README gives. Export it: \`export function ...\`.`,
        });
      }
      throw new ModuleThrew(`${this.module}: ${what}`, err);
    }
    if (!ok) {
      const busy = await this.program.busyFor(250);
      await this.program.kill();
      throw new CheckFailure(busy ? 'BUSY' : 'TIMEOUT', `${this.module}: ${what} did not return within ${within} ms${busy ? ' and kept a core busy: an endless loop' : ''}`, {
        hint: busy ? 'A loop whose condition never changes (a while that waits for more input inside one call, an index that is not advanced) never returns.' : 'A promise that never settles: every path of the function must resolve or reject.',
      });
    }
    throw this.deadFailure(`calling ${what}`);
  }

  kill(): Promise<void> {
    return this.program.kill();
  }
}
