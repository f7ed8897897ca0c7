// Waiting for a condition that events make true, with a deadline: the one wait every harness piece uses.

import { Deadline } from './deadline.ts';

export class Waiter {
  private wake: (() => void)[] = [];

  /** Call on every event that may make a condition true. */
  notify(): void {
    const w = this.wake;
    this.wake = [];
    for (const f of w) f();
  }

  /**
   * Resolves true as soon as test() holds (re-tested on every notify), false at the deadline (which
   * grows by the time the machine was too loaded to run anybody: see deadline.ts).
   */
  async until(test: () => boolean, ms: number): Promise<boolean> {
    const deadline = new Deadline(ms);
    while (!test()) {
      const left = deadline.left();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return true;
  }
}
