// A deadline that does not count the time the machine could not run anybody. On a loaded machine
// (a class graded several submissions at once, other work on a shared server) a correct program can
// be kept from the CPU for a second or more; blaming it for the wait would be a false failure. Linux's
// pressure stall information (/proc/pressure/cpu, "some": time in which at least one runnable task
// waited for a CPU) says how long that was: a deadline grows by it, up to twice its length. On a
// quiet machine it grows by nothing, so a hanging program is judged as soon as ever.

import { readFileSync } from 'node:fs';

const PSI = '/proc/pressure/cpu';
/** Shorter waits are pacing (a look every few milliseconds), not deadlines: they do not grow. */
const MIN_MS = 100;
/** The most a deadline grows, as a share of its length. */
const MAX_GROWTH = 1;

/** A reading is used for this long: the checker starts many waits a millisecond apart. */
const FRESH_MS = 20;

let available = true;
let last: { at: number; us: number } | undefined;

/** Microseconds in which some runnable task waited for a CPU since boot, or undefined where Linux does not say. */
export function cpuStallUs(): number | undefined {
  if (!available) return undefined;
  const now = performance.now();
  if (last && now - last.at < FRESH_MS) return last.us;
  try {
    const m = /^some .*\btotal=(\d+)/m.exec(readFileSync(PSI, 'latin1'));
    if (m?.[1]) {
      last = { at: now, us: Number(m[1]) };
      return last.us;
    }
  } catch {
    // no PSI (another OS, an old kernel, or it is switched off)
  }
  available = false;
  return undefined;
}

export class Deadline {
  private readonly t0 = performance.now();
  private readonly stall0: number | undefined;

  /** stall: where the stall time comes from (tests give their own). */
  constructor(
    readonly ms: number,
    private readonly stall: () => number | undefined = cpuStallUs,
  ) {
    this.stall0 = ms >= MIN_MS ? stall() : undefined;
  }

  /** Milliseconds left; the machine's CPU stalls since the start are not counted as spent. 0 once it is over. */
  left(): number {
    const elapsed = performance.now() - this.t0;
    if (elapsed < this.ms) return this.ms - elapsed;
    return Math.max(0, this.ms + this.grace() - elapsed);
  }

  /** How much longer than ms this deadline runs because the machine was overloaded, so far. */
  grace(): number {
    if (this.stall0 === undefined) return 0;
    const now = this.stall();
    if (now === undefined) return 0;
    return Math.min(Math.max(0, (now - this.stall0) / 1000), this.ms * MAX_GROWTH);
  }
}
