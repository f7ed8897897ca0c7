// Gradescope's autograder results.json (https://gradescope-autograders.readthedocs.io, "Output
// format"): only the fields it documents, at the top and on each test. A hidden check is a test
// with visibility "hidden", which Gradescope shows to instructors only; the student and grading
// details the schema has no field for go under extra_data.

import { checkOutput, submissionOutput } from '../feedback.ts';
import type { SubmissionResult } from '../result.ts';

export interface GradescopeTest {
  name: string;
  number: string;
  score: number;
  max_score: number;
  status: 'passed' | 'failed';
  output: string;
  output_format: 'text';
  visibility: 'visible' | 'hidden';
  tags: string[];
  extra_data: Record<string, unknown>;
}

export interface GradescopeResults {
  score: number;
  execution_time: number;
  output: string;
  output_format: 'text';
  test_output_format: 'text';
  test_name_format: 'text';
  visibility: 'visible';
  stdout_visibility: 'hidden';
  tests: GradescopeTest[];
  extra_data: Record<string, unknown>;
}

export function lessonNumber(lesson: string): number {
  const n = parseInt(lesson, 10);
  return Number.isFinite(n) ? n : 0;
}

export function gradescopeResults(s: SubmissionResult): GradescopeResults {
  const tests: GradescopeTest[] = [];
  for (const l of s.lessons) {
    l.checks.forEach((c, i) => {
      tests.push({
        name: `${l.lesson}: ${c.title}`,
        number: `${lessonNumber(l.lesson)}.${i + 1}`,
        score: c.score,
        max_score: c.maxScore,
        status: c.status === 'pass' ? 'passed' : 'failed',
        output: checkOutput(c),
        output_format: 'text',
        visibility: c.hidden ? 'hidden' : 'visible',
        tags: [l.lesson, c.id],
        extra_data: { lesson: l.lesson, id: c.id, check_status: c.status, ...(c.result.code ? { code: c.result.code } : {}), duration_ms: c.result.durationMs },
      });
    });
  }
  return {
    score: s.score,
    execution_time: Math.max(0, Math.round(s.seconds)),
    output: submissionOutput(s),
    output_format: 'text',
    test_output_format: 'text',
    test_name_format: 'text',
    visibility: 'visible',
    stdout_visibility: 'hidden',
    tests,
    extra_data: {
      student: s.student,
      root: s.root,
      checker_version: s.checker.version,
      checker_fingerprint: s.checker.fingerprint,
      grading_status: s.status,
      notes: s.notes,
      max_score: s.maxScore,
      isolation: s.isolation,
      graded_at: s.gradedAt,
      cached: s.cached,
    },
  };
}
