// GitHub Classroom's autograding reporter (classroom-resources/autograding-grading-reporter) reads
// each runner's result as base64 JSON from the environment: version, status (pass, fail, error),
// max_score and tests[] with name, status, message, score. It prints the messages in the student's
// Actions log, so a hidden check shows only that it failed.

import { studentOutput } from '../feedback.ts';
import type { SubmissionResult } from '../result.ts';

export interface ClassroomResults {
  version: 1;
  status: 'pass' | 'fail' | 'error';
  max_score: number;
  tests: { name: string; status: 'pass' | 'fail' | 'error'; message: string; test_code: string; filename: string; line_no: number; execution_time: string; score: number }[];
}

export function classroomResults(s: SubmissionResult): ClassroomResults {
  const broken = s.status === 'refused' || s.status === 'no_lessons' || s.status === 'grader_error';
  const tests = s.lessons.flatMap((l) =>
    l.checks.map((c) => ({
      name: `${l.lesson}: ${c.title}`,
      status: c.status === 'pass' ? ('pass' as const) : ('fail' as const),
      message: c.status === 'pass' ? '' : studentOutput(c),
      test_code: `npm run check -- ${l.lesson} --only ${c.id}`,
      filename: '',
      line_no: 0,
      execution_time: `${(c.result.durationMs / 1000).toFixed(2)}s`,
      score: c.score,
    })),
  );
  const allPass = tests.every((t) => t.status === 'pass');
  return { version: 1, status: broken ? 'error' : allPass ? 'pass' : 'fail', max_score: s.maxScore, tests };
}
