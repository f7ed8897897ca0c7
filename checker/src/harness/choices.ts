// Every adversarial choice a check makes (where it cuts the bytes it feeds or sends, how many pieces)
// is drawn here, so that a run can be replayed and a failure made smaller. A check's choices come
// from a seed (the run's seed mixed with the check's id: `--seed N --only ID` replays one check of a
// run exactly), or, while a failure is shrunk, from a recorded list of draws. Draws are small
// integers, and a check draws so that smaller numbers mean a simpler case (fewer cuts, earlier
// ones): shrinking lowers and drops draws, as property-based testing tools do with their choice
// sequences, and keeps whatever still fails.

import { timing } from './timing.ts';

/** The seed of a run when none is given: plain runs and grades are the same every time. */
export const DEFAULT_SEED = 1;

/** A 32-bit seed for one check of a run (FNV-1a over the check id, mixed with the run's seed). */
export function seedFor(runSeed: number, checkId: string): number {
  let h = 0x811c9dc5 ^ (runSeed >>> 0);
  for (let i = 0; i < checkId.length; i++) {
    h ^= checkId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small, fast, and the same on every platform. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type ChoiceSource = { seed: number } | { replay: readonly number[] };

export class Choices {
  /** Every draw so far, in order: replaying them gives the same case. */
  readonly drawn: number[] = [];
  private readonly next: (() => number) | undefined;
  private readonly replay: readonly number[] | undefined;

  constructor(readonly source: ChoiceSource) {
    if ('seed' in source) this.next = generator(source.seed);
    else this.replay = source.replay;
  }

  /** An integer in [0, n). Replaying past the recorded draws gives 0, the simplest choice. */
  below(n: number): number {
    if (n <= 1) {
      this.drawn.push(0);
      return 0;
    }
    let v: number;
    if (this.next) v = Math.floor(this.next() * n);
    else v = Math.min(this.replay?.[this.drawn.length] ?? 0, n - 1);
    this.drawn.push(v);
    return v;
  }

  /** What the seeded case chose, in words (a check's failure message names it: "c2 sent 21 bytes cut at 3, 5"). */
  readonly notes: string[] = [];

  note(text: string): void {
    this.notes.push(text);
  }

  /**
   * Up to `max` distinct cut offsets in (0, length), sorted: where a piece of bytes is split into
   * pushes or writes. The count is drawn first, so fewer cuts is the smaller case.
   */
  cuts(length: number, max: number): number[] {
    if (length < 2) return [];
    const count = this.below(Math.min(max, length - 1) + 1);
    const out = new Set<number>();
    for (let i = 0; i < count; i++) out.add(1 + this.below(length - 1));
    return [...out].sort((a, b) => a - b);
  }

  /**
   * Up to `max` cut offsets in (0, length), sorted, about half of them next to one of the `hot`
   * offsets (two bytes either side), the others anywhere. The count is drawn first, then for each cut
   * whether it is near a hot spot, which one, and how far from it: fewer cuts, and cuts earlier in the
   * list of spots, are the smaller case.
   */
  cutsNear(length: number, hot: readonly number[], max = 6): number[] {
    const cuts = new Set<number>();
    const count = this.below(max + 1);
    for (let i = 0; i < count && length > 1; i++) {
      const near = hot.length > 0 && this.below(2) === 1;
      const at = near ? (hot[this.below(hot.length)] ?? 0) + this.below(5) - 2 : 1 + this.below(length - 1);
      if (at > 0 && at < length) cuts.add(at);
    }
    return [...cuts].sort((a, b) => a - b);
  }

  /**
   * How to send `data` over a connection: where to cut it into writes (cutsNear, next to every \n,
   * \r and middle of a character, and the offsets the check names in `near`: a limit, the end of a
   * length line) and how long to pause after each piece but the last (one of GAPS: the byte gap, none,
   * or 5 ms). The byte gap is the smallest draw: a case shrunk to it arrives in those pieces every time
   * it is replayed, where without a pause the pieces may reach the reader together or apart.
   * `spots` replaces the usual places to cut next to (binary frames: their boundaries, where a \n
   * or a byte inside a character means nothing).
   */
  sendPlan(data: Uint8Array, opts: { near?: readonly number[]; spots?: readonly number[]; maxCuts?: number } = {}): SendPlan {
    const cuts = this.cutsNear(data.length, opts.spots ? [...opts.spots] : hotSpots(data, opts.near), opts.maxCuts ?? 6);
    const gaps = cuts.map(() => GAPS[this.below(GAPS.length)] ?? 0);
    return { cuts, gaps };
  }

  /** One of `options`, the first being the simplest (what shrinking goes back to). */
  pick<T>(options: readonly T[]): T {
    return options[this.below(options.length)] as T;
  }
}

/** The pauses a seeded send may make between two pieces, in ms: the byte gap (the simplest), none, a longer one. */
export const GAPS: readonly number[] = [timing.byteGap, 0, 5];

/** Where a seeded send cuts its bytes, and the pause after each piece but the last (ms). */
export interface SendPlan {
  cuts: number[];
  gaps: number[];
}

/** A plan in words: "in one write", "cut at 3, 7 (pauses 2, 0 ms)". */
export function describePlan(plan: SendPlan): string {
  if (plan.cuts.length === 0) return 'in one write';
  return `cut at ${plan.cuts.join(', ')} (pauses ${plan.gaps.join(', ')} ms)`;
}

/**
 * The offsets of `data` where a cut is most likely to break a reader: every \n and \r, every byte
 * inside a multi-byte character (a cut there splits it), and the offsets given (a limit, a frame or
 * header boundary), at most `cap` of the first kind.
 */
export function hotSpots(data: Uint8Array, near: readonly number[] = [], cap = 64): number[] {
  const spots = new Set<number>();
  for (let i = 0; i < data.length && spots.size < cap; i++) {
    const b = data[i] ?? 0;
    if (b === 10 || b === 13 || (b & 0xc0) === 0x80) spots.add(i);
  }
  for (const n of near) if (n > 0 && n < data.length) spots.add(n);
  return [...spots];
}

/**
 * Makes a failing list of draws as small as it can while `fails` still says it fails: drops runs of
 * draws (halves, quarters, ... single ones), then lowers each one toward 0. At most `budget` tries.
 */
export async function shrink(failing: readonly number[], fails: (draws: number[]) => Promise<boolean>, budget = 200): Promise<{ draws: number[]; tries: number }> {
  let best = [...failing];
  let tries = 0;
  const attempt = async (candidate: number[]): Promise<boolean> => {
    if (tries >= budget) return false;
    tries++;
    if (await fails(candidate)) {
      best = candidate;
      return true;
    }
    return false;
  };
  let improved = true;
  while (improved && tries < budget) {
    improved = false;
    for (let size = Math.max(1, best.length >> 1); size >= 1; size >>= 1) {
      for (let at = 0; at + size <= best.length; ) {
        if (await attempt([...best.slice(0, at), ...best.slice(at + size)])) improved = true;
        else at += size;
      }
    }
    for (let i = 0; i < best.length; i++) {
      const v = best[i] ?? 0;
      if (v === 0) continue;
      for (const lower of [0, v >> 1, v - 1]) {
        if (lower >= v) continue;
        const candidate = [...best];
        candidate[i] = lower;
        if (await attempt(candidate)) {
          improved = true;
          break;
        }
      }
    }
  }
  return { draws: best, tries };
}
