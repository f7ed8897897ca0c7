// Errors with stable codes. A CheckFailure is the learner's program doing the wrong thing;
// a HarnessError is the checker itself failing (never the learner's fault, never a stack trace to them).

import { Deadline } from './deadline.ts';

export type FailureCode =
  | 'WRONG_BYTES' // bytes arrived, but not the expected ones
  | 'TIMEOUT' // nothing (or not enough) arrived before the deadline
  | 'CLOSED_EARLY' // the peer closed before the expected bytes arrived
  | 'NOT_CLOSED' // the peer should have closed, and did not
  | 'UNEXPECTED_DATA' // bytes arrived where none should
  | 'EXITED' // the program exited when it should not have
  | 'EXIT_CODE' // the program exited with the wrong code
  | 'NOT_READY' // the ready line never came
  | 'WRONG_PORT' // the printed port does not accept connections
  | 'CONNECT_FAILED' // the tester could not connect
  | 'STACK_TRACE' // the program printed a stack trace instead of a clear error
  | 'BUSY' // the program used CPU while idle
  | 'OUTPUT' // the program's stdout/stderr lacks what was expected
  | 'BUDGET' // the whole check ran past its budget
  | 'WRONG_ADDRESS' // the server listens on another address than the one it was given
  | 'MISSING_EXPORT' // a module of the lesson does not export what the checker calls
  | 'THREW' // a module of the lesson threw where it should have returned (or the other way round)
  | 'WRONG_VALUE' // a module of the lesson returned the wrong value
  | 'CANCELLED'; // the run was cancelled (a save in watch mode)

export interface FailureDetails {
  expected?: string;
  actual?: string;
  hint?: string;
}

export class CheckFailure extends Error {
  override readonly name = 'CheckFailure';
  code: FailureCode;
  readonly expected: string | undefined;
  readonly actual: string | undefined;
  hint: string | undefined;
  constructor(code: FailureCode, message: string, details: FailureDetails = {}) {
    super(message);
    this.code = code;
    this.expected = details.expected;
    this.actual = details.actual;
    this.hint = details.hint;
  }
}

export class HarnessError extends Error {
  override readonly name = 'HarnessError';
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * Resolves or rejects with the promise, or rejects with onTimeout() after ms (which grow by the time
 * the machine was too loaded to run anybody: see deadline.ts). The timer never outlives the race.
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  const deadline = new Deadline(ms);
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout;
    const arm = (wait: number): void => {
      timer = setTimeout(() => {
        const left = deadline.left();
        if (left > 0) arm(left);
        else reject(onTimeout());
      }, wait);
    };
    arm(ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
