// The checker's proof for one lesson: its committed starter fails, its solution passes, every variant
// (a correct program in another style) passes, and each mutant fails on the check that names its bug.
// Shared by every lesson's test file. The starter comes from git HEAD, not from lessons/, which may
// hold a learner's finished work: the proof tests the course, not the copy it runs in.

import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LessonChecks } from '../src/harness/check.ts';
import { lessonsDir, repoRoot, solutionsDir } from '../src/lessons.ts';
import { runLesson, type CheckResult } from '../src/runner.ts';
import { copyFilter, mutantRoot, solutionWith, variantsDir, variantsOf, withNeeds, type Mutant } from '../src/mutation.ts';

export const explain = (results: CheckResult[]) =>
  results
    .filter((r) => r.status !== 'pass')
    .map((r) => `${r.id}: ${r.status} ${r.message ?? ''}\n${r.actual ?? ''}\n${r.transcript ?? ''}`)
    .join('\n\n');

/**
 * The lesson's starter as committed (git HEAD) in a root of its own under temp. A lesson that is not
 * committed yet (a developer writing it) is taken from the working tree.
 */
export function committedStarter(lesson: string, temp: string): string {
  const root = path.join(temp, 'starter');
  const dest = path.join(root, lesson);
  mkdirSync(dest, { recursive: true });
  const rel = path.relative(repoRoot, path.join(lessonsDir, lesson)).split(path.sep).join('/');
  try {
    const listed = execFileSync('git', ['-C', repoRoot, 'ls-tree', '-r', '--name-only', 'HEAD', '--', rel], { encoding: 'utf8' }).trim();
    if (!listed) throw new Error('not committed');
    const tar = execFileSync('git', ['-C', repoRoot, 'archive', '--format=tar', 'HEAD', rel], { maxBuffer: 64 * 1024 * 1024 });
    execFileSync('tar', ['-x', '-C', root, `--strip-components=${rel.split('/').length - 1}`], { input: tar });
  } catch {
    cpSync(path.join(lessonsDir, lesson), dest, { recursive: true, filter: copyFilter });
  }
  return root;
}

export function proveLesson(lesson: LessonChecks, mutants: Mutant[]): void {
  describe(lesson.lesson, () => {
    const temp = mkdtempSync(path.join(tmpdir(), `netlings-${lesson.lesson}-`));
    afterAll(() => rmSync(temp, { recursive: true, force: true }));

    it('passes every check on the reference solution', async () => {
      const results = await runLesson(lesson, { root: solutionsDir });
      expect(explain(results)).toBe('');
      expect(results).toHaveLength(lesson.checks.length);
    });

    it('fails the committed starter', async () => {
      const results = await runLesson(lesson, { root: committedStarter(lesson.lesson, temp) });
      expect(results.filter((r) => r.status === 'fail').length).toBeGreaterThan(0);
      // The starter runs: it compiles and prints its ready line (learners start from something that runs).
      const ready = results.find((r) => r.id === 'ready');
      if (ready) expect(ready.status, explain([ready])).toBe('pass');
    });

    it('has mutants for checks that exist, with ids of their own', () => {
      for (const m of mutants) expect(lesson.checks.map((c) => c.id)).toContain(m.catches);
      expect(new Set(mutants.map((m) => m.id)).size).toBe(mutants.length);
    });

    const variants = variantsOf(lesson.lesson);
    it('has at least three variants', () => {
      expect(variants.length).toBeGreaterThanOrEqual(3);
    });

    for (const v of variants) {
      it(`passes every check on the variant "${v}"`, async () => {
        const root = solutionWith(lesson.lesson, path.join(temp, `variant-${v}`), path.join(variantsDir, lesson.lesson, v));
        const results = await runLesson(lesson, { root });
        expect(explain(results), `variant ${v} failed: a check demands more than the contract`).toBe('');
      });
    }

    for (const m of mutants) {
      it(`catches the mutant "${m.id}" (${m.bug}) with check "${m.catches}"`, async () => {
        const root = mutantRoot(lesson.lesson, m, path.join(temp, m.id));
        const only = withNeeds(lesson, m.catches);
        const results = await runLesson(lesson, { root, only });
        const target = results.find((r) => r.id === m.catches);
        const prereqs = results.filter((r) => r.id !== m.catches);
        // The prerequisites pass: the bug is caught by the check that names it, not by an earlier one.
        expect(explain(prereqs), 'a prerequisite check failed on the mutant').toBe('');
        expect(target?.status, `check ${m.catches} did not fail on mutant ${m.id}`).toBe('fail');
      });
    }
  });
}
