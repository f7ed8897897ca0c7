// The driver side of a module check: runs in the child process the checker starts, beside the
// learner's module. Requests come as JSON lines on stdin, replies go as JSON lines to fd 3, so
// whatever the learner's code prints on stdout stays the program's output.
//
// A driver file exports main(learner), where learner is the learner module's namespace, and calls
// serveDriver with the methods a check may call:
//
//   export function main(learner: Record<string, unknown>) {
//     const split = exported<(s: string) => string[]>(learner, 'splitLines', 'function');
//     serveDriver({ split: (s: string) => split(s) });
//   }

import { createWriteStream } from 'node:fs';
import readline from 'node:readline';
import { describeError, fromWire, toWire } from '../harness/wire-json.ts';

export type Method = (...args: never[]) => unknown;

const out = createWriteStream('', { fd: 3 });

function send(message: unknown): void {
  out.write(toWire(message) + '\n');
}

/** A missing or mistyped export, reported to the check as such (not as a crash of the module). */
export class MissingExport extends Error {
  override readonly name = 'MissingExport';
  readonly code = 'MISSING_EXPORT';
}

/** The learner module's export `name`, which must be of the given typeof ('function', 'object'...). */
export function exported<T>(learner: Record<string, unknown>, name: string, type: string): T {
  const v = learner[name];
  if (typeof v !== type) {
    throw new MissingExport(`the module does not export ${name} (expected a ${type}, found ${v === undefined ? 'nothing' : typeof v})`);
  }
  return v as T;
}

/** Answers the check's calls until stdin ends. An error thrown by a method goes back as the reply. */
export function serveDriver(methods: Record<string, Method>, onStart?: () => void): void {
  process.on('uncaughtException', (e) => {
    send({ event: 'uncaught', error: describeError(e), stack: e instanceof Error ? e.stack : undefined });
    out.end(() => process.exit(70));
  });
  process.on('unhandledRejection', (e) => {
    send({ event: 'unhandled-rejection', error: describeError(e) });
  });
  const rl = readline.createInterface({ input: process.stdin, terminal: false });
  rl.on('line', (line) => {
    let req: { id: number; method: string; args: unknown[] };
    try {
      req = fromWire(line) as typeof req;
    } catch {
      return;
    }
    const fn = methods[req.method];
    if (!fn) {
      send({ id: req.id, ok: false, error: { name: 'DriverError', message: `the driver has no method ${req.method}`, code: 'NO_METHOD' } });
      return;
    }
    void (async () => {
      try {
        const value = await (fn as (...a: unknown[]) => unknown)(...(req.args ?? []));
        send({ id: req.id, ok: true, value });
      } catch (e) {
        send({ id: req.id, ok: false, error: describeError(e) });
      }
    })();
  });
  rl.on('close', () => process.exit(0));
  send({ event: 'ready' });
  onStart?.();
}
