import { describe, expect, it } from 'vitest';
import { Choices, seedFor, shrink } from '../src/harness/choices.ts';
import { chunksOf } from '../src/drivers/04-lines.ts';
import { expectedFeed, fixedCases } from '../src/checks/04-sticky-packets-lines.ts';

describe('seeded choices', () => {
  it('draws the same numbers from the same seed, and others from another', () => {
    const a = new Choices({ seed: 42 });
    const b = new Choices({ seed: 42 });
    const c = new Choices({ seed: 43 });
    const draw = (x: Choices) => Array.from({ length: 20 }, () => x.below(1000));
    const [da, db, dc] = [draw(a), draw(b), draw(c)];
    expect(da).toEqual(db);
    expect(dc).not.toEqual(da);
    expect(da.every((v) => v >= 0 && v < 1000)).toBe(true);
  });

  it('gives each check of a run a seed of its own, the same in every run', () => {
    expect(seedFor(7, 'splitter-crlf')).toBe(seedFor(7, 'splitter-crlf'));
    expect(seedFor(7, 'splitter-crlf')).not.toBe(seedFor(7, 'splitter-lines'));
    expect(seedFor(7, 'splitter-crlf')).not.toBe(seedFor(8, 'splitter-crlf'));
  });

  it('replays recorded draws, and past them gives the simplest choice', () => {
    const first = new Choices({ seed: 5 });
    const cuts = first.cuts(100, 6);
    const again = new Choices({ replay: first.drawn });
    expect(again.cuts(100, 6)).toEqual(cuts);
    expect(new Choices({ replay: [] }).cuts(100, 6)).toEqual([]);
  });

  it('shrinks a failing list of draws to the smallest that still fails', async () => {
    // Fails whenever some draw is at least 10: the smallest failing list is one draw of 10.
    const fails = async (d: number[]) => d.some((v) => v >= 10);
    const { draws } = await shrink([3, 50, 7, 99, 12], fails);
    expect(draws).toEqual([10]);
  });
});

describe("lesson 04's splitter model", () => {
  it('agrees with every fixed case of the splitter checks', () => {
    let n = 0;
    for (const [id, cases] of fixedCases) {
      for (const c of cases()) {
        const data = typeof c.data === 'string' ? Buffer.from(c.data, 'utf8') : c.data;
        // The fixed plan as cut offsets.
        const chunks = chunksOf(data, c.plan ?? {});
        const cuts: number[] = [];
        let at = 0;
        for (const ch of chunks.slice(0, -1)) cuts.push((at += ch.length));
        const got = expectedFeed(data, cuts, c.plan?.end ?? false);
        expect({ id, what: c.what, ...got }).toEqual({ id, what: c.what, lines: c.lines, ...(c.tooLongAt !== undefined ? { tooLongAt: c.tooLongAt } : {}) });
        n++;
      }
    }
    expect(n).toBeGreaterThan(25);
  });
});
