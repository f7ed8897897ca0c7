// Waiting for a condition that events make true, with a deadline: the one wait every harness piece uses.

export class Waiter {
  private wake: (() => void)[] = [];

  /** Call on every event that may make a condition true. */
  notify(): void {
    const w = this.wake;
    this.wake = [];
    for (const f of w) f();
  }

  /** Resolves true as soon as test() holds (re-tested on every notify), false at the deadline. */
  async until(test: () => boolean, ms: number): Promise<boolean> {
    const deadline = performance.now() + ms;
    while (!test()) {
      const left = deadline - performance.now();
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
