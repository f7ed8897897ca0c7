// Exploring (`npm run check -- 04 --explore N`): fresh seeds on the seeded checks, a failure shrunk;
// its smallest case replayed from its draws (`--replay`); the same over the wire (lessons 02 and 09).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exploreLesson, replayCheck, replayToken } from '../src/explore.ts';
import { parseCheckArgs } from '../src/cli/check.ts';
import { UsageError } from '../src/lessons.ts';
import { findLesson, solutionsDir } from '../src/lessons.ts';
import { mutantRoot, mutantsOf } from '../src/mutation.ts';
import { runLesson } from '../src/runner.ts';

const lesson = findLesson('04');
const lesson02 = findLesson('02');
const lesson09 = findLesson('09');

async function mutant(l: typeof lesson, id: string): Promise<string> {
  const m = (await mutantsOf(l.lesson)).find((x) => x.id === id);
  if (!m) throw new Error(`mutant ${id} is gone`);
  return mutantRoot(l.lesson, m, path.join(tmp, `${l.lesson}-${id}`));
}
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

describe('exploring over the wire', () => {
  it("finds a server's bug in a seeded case, shrinks it, and --replay fails it again; nothing on the solution", async () => {
    // A server that takes each read for a line is caught by any cut of the line that arrives on its own.
    const root = await mutant(lesson02, 'chunk-is-a-line');
    const report = await exploreLesson(lesson02, { root, runs: 10, only: ['line-byte-by-byte'], shrinkBudget: 40 });
    const f = report.findings[0];
    expect(f?.id).toBe('line-byte-by-byte');
    // The message says what the seed chose; the smallest case is one cut.
    expect(f?.smallest.message).toMatch(/\[seeded case: c\d+ sent 19 bytes cut at \d+ \(pauses \d+ ms\)/);
    const [again] = (await replayCheck(lesson02, 'line-byte-by-byte', f?.draws ?? [], root)).slice(-1);
    expect(again?.status).toBe('fail');
    expect(again?.code).toBe(f?.smallest.code);
    const clean = await exploreLesson(lesson02, { root: solutionsDir, runs: 4, only: ['line-byte-by-byte', 'crlf-lines', 'client-prints-replies'] });
    expect(clean.findings).toEqual([]);
    expect(clean.runs).toBe(12);
  }, 120_000);

  it("replays a UDP client's seeded case from its draws: a late reply and the answer to the resend catch a client with one socket, and not the solution", async () => {
    // Draws 1, 0: the first "alpha" is answered late (when the next datagram arrives: its resend),
    // the resend at once, "beta" at once. Two "ALPHA"s reach the port "alpha" went from; with one
    // socket the second is taken for the answer to "beta". (A late reply is not sent when "beta"
    // itself comes from that port: a new socket may have got it by chance.)
    const root = await mutant(lesson09, 'client-one-socket');
    const [bad] = (await replayCheck(lesson09, 'client-late-duplicate', [1, 0], root)).slice(-1);
    expect(bad?.status).toBe('fail');
    expect(bad?.message).toMatch(/\[seeded case: datagram #1 "alpha" answered late; datagram #2 "alpha" answered; datagram #3 "beta" answered\]/);
    const good = await replayCheck(lesson09, 'client-late-duplicate', [1, 0], solutionsDir);
    expect(good.map((r) => r.status)).toEqual(['pass']); // its prerequisite passed, so only its own result
  }, 120_000);

  it('--replay takes the draws of one seeded check', () => {
    expect(parseCheckArgs(['02', '--only', 'line-byte-by-byte', '--replay', '1,0,3']).replay).toEqual([1, 0, 3]);
    expect(parseCheckArgs(['02', '--only', 'line-byte-by-byte', '--replay', '']).replay).toEqual([]);
    expect(replayToken([1, 0, 3])).toBe('1,0,3');
    for (const argv of [
      ['02', '--replay', '1,0'], // no --only
      ['02', '--only', 'ready', '--replay', '1'], // not seeded
      ['02', '--only', 'line-byte-by-byte', '--replay', '1,x'], // not numbers
      ['02', '--only', 'line-byte-by-byte', '--replay', '1', '--seed', '3'],
      ['--only', 'line-byte-by-byte', '--replay', '1'], // the id is in several lessons
    ]) {
      expect(() => parseCheckArgs(argv), argv.join(' ')).toThrow(UsageError);
    }
  });
});
