// The checker's proof for one lesson: its starter fails, its solution passes, and each mutant
// fails on the check that names its bug. Shared by every lesson's test file.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LessonChecks } from '../src/harness/check.ts';
import { lessonsDir, solutionsDir } from '../src/lessons.ts';
import { runLesson, type CheckResult } from '../src/runner.ts';
import { applyMutant, type Mutant } from '../mutants/mutant.ts';

/** The check and every check it needs, transitively. */
function withNeeds(lesson: LessonChecks, id: string): string[] {
  const out = new Set<string>();
  const visit = (x: string) => {
    if (out.has(x)) return;
    const c = lesson.checks.find((k) => k.id === x);
    if (!c) throw new Error(`no check "${x}" in ${lesson.lesson}`);
    out.add(x);
    for (const n of c.needs ?? []) visit(n);
  };
  visit(id);
  return [...out];
}

const explain = (results: CheckResult[]) =>
  results
    .filter((r) => r.status !== 'pass')
    .map((r) => `${r.id}: ${r.status} ${r.message ?? ''}\n${r.actual ?? ''}\n${r.transcript ?? ''}`)
    .join('\n\n');

export function proveLesson(lesson: LessonChecks, mutants: Mutant[]): void {
  describe(lesson.lesson, () => {
    const temp = mkdtempSync(path.join(tmpdir(), `netlings-${lesson.lesson}-`));
    afterAll(() => rmSync(temp, { recursive: true, force: true }));

    it('passes every check on the reference solution', async () => {
      const results = await runLesson(lesson, { root: solutionsDir });
      expect(explain(results)).toBe('');
      expect(results).toHaveLength(lesson.checks.length);
    });

    it('fails the untouched starter', async () => {
      const results = await runLesson(lesson, { root: lessonsDir });
      expect(results.filter((r) => r.status === 'fail').length).toBeGreaterThan(0);
      // The starter runs: it compiles and prints its ready line (learners start from something that runs).
      const ready = results.find((r) => r.id === 'ready');
      if (ready) expect(ready.status, explain([ready])).toBe('pass');
    });

    it('has mutants for checks that exist', () => {
      for (const m of mutants) expect(lesson.checks.map((c) => c.id)).toContain(m.catches);
    });

    for (const m of mutants) {
      it(`catches the mutant "${m.id}" (${m.bug}) with check "${m.catches}"`, async () => {
        const root = path.join(temp, m.id);
        const dir = path.join(root, lesson.lesson);
        cpSync(path.join(solutionsDir, lesson.lesson), dir, { recursive: true, filter: (src) => !src.includes('node_modules') });
        const file = path.join(dir, m.file);
        writeFileSync(file, applyMutant(readFileSync(file, 'utf8'), m));
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
