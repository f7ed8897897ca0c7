// Exploring (`npm run check -- 04 --explore N`): fresh seeds on the seeded checks, a failure shrunk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exploreLesson } from '../src/explore.ts';
import { findLesson, solutionsDir } from '../src/lessons.ts';
import { mutantRoot, mutantsOf } from '../src/mutation.ts';
import { runLesson } from '../src/runner.ts';

const lesson = findLesson('04');
const tmp = mkdtempSync(path.join(tmpdir(), 'netlings-explore-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('exploring with fresh seeds', () => {
  it('finds no failing seed on the solution', async () => {
    const report = await exploreLesson(lesson, { root: solutionsDir, runs: 8, only: ['splitter-lines', 'splitter-crlf', 'splitter-limit-exact'] });
    expect(report.checks).toEqual(['splitter-lines', 'splitter-crlf', 'splitter-limit-exact']);
    expect(report.findings).toEqual([]);
    expect(report.runs).toBe(24);
  }, 120_000);

  it("finds a mutant's bug from the seeded cuts alone and shrinks it to one cut", async () => {
    // Decoding each push on its own breaks a character only when a cut falls inside it.
    const m = (await mutantsOf(lesson.lesson)).find((x) => x.id === 'decodes-each-chunk');
    if (!m) throw new Error('mutant decodes-each-chunk is gone');
    const root = path.join(tmp, 'decodes');
    mutantRoot(lesson.lesson, m, root);
    const report = await exploreLesson(lesson, { root, runs: 30, only: ['splitter-multibyte'] });
    const f = report.findings[0];
    expect(f?.id).toBe('splitter-multibyte');
    expect(f?.failedSeeds).toBeGreaterThan(0);
    // The smallest failing case: one cut, inside a character.
    expect(f?.smallest.message).toMatch(/cut by the seed at \d+\)/);
    expect(f?.smallest.message).toMatch(/U\+FFFD/);
    // The seed replays it: its seeded cases alone fail again with that seed, and a plain run names it.
    const replay = await exploreLesson(lesson, { root, runs: 1, seeds: [f?.seed ?? 0], only: ['splitter-multibyte'] });
    expect(replay.findings[0]?.seed).toBe(f?.seed);
    const [again] = await runLesson(lesson, { root, only: ['splitter-multibyte'], seed: f?.seed ?? 0 });
    expect(again?.seed).toBe(f?.seed);
  }, 180_000);
});
