// Every adversarial choice a check makes (where it cuts the bytes it feeds or sends, how many pieces)
// is drawn here, so that a run can be replayed and a failure made smaller. A check's choices come
// from a seed (the run's seed mixed with the check's id: `--seed N --only ID` replays one check of a
// run exactly), or, while a failure is shrunk, from a recorded list of draws. Draws are small
// integers, and a check draws so that smaller numbers mean a simpler case (fewer cuts, earlier
// ones): shrinking lowers and drops draws, as property-based testing tools do with their choice
// sequences, and keeps whatever still fails.

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
