// PrairieLearn's external-grading results.json: gradable, score from 0 to 1, tests[] with name,
// description, points, max_points, message and output. Students read all of it, so a hidden check
// shows only that it failed. A submission that cannot be graded at all (no lessons, a refused zip,
// nothing that compiles) is gradable: false with format_errors, which costs the student no attempt.
// PrairieLearn refuses results over 1 MB: the outputs are cut down until the file fits.

import { caps, studentOutput, submissionOutput } from '../feedback.ts';
import type { SubmissionResult } from '../result.ts';

export const PL_LIMIT = 1_000_000;

export interface PrairieLearnResults {
  gradable: boolean;
  score: number;
  message: string;
  output: string;
  format_errors: Record<string, string[]>;
  tests: { name: string; description: string; points: number; max_points: number; message: string; output: string }[];
}

function build(s: SubmissionResult, limits: { field: number; transcript: number }): PrairieLearnResults {
  const compileErrors = s.notes.filter((n) => /does not compile/.test(n));
  const nothingPassed = s.lessons.every((l) => l.checks.every((c) => c.status !== 'pass'));
  const ungradable = s.status === 'refused' || s.status === 'no_lessons' || (nothingPassed && compileErrors.length > 0);
  const format_errors: Record<string, string[]> = {};
  if (ungradable) format_errors['submission'] = s.status === 'refused' || s.status === 'no_lessons' ? s.notes.slice(0, 1) : compileErrors;
  return {
    gradable: !ungradable,
    score: ungradable || s.maxScore === 0 ? 0 : Math.round((s.score / s.maxScore) * 10000) / 10000,
    message: ungradable ? `not graded: ${(format_errors['submission'] ?? [])[0] ?? s.status}` : `${s.score}/${s.maxScore} points${s.status === 'ok' ? '' : ` (${s.status})`}`,
    output: submissionOutput(s),
    format_errors,
    tests: s.lessons.flatMap((l) =>
      l.checks.map((c) => {
        const out = studentOutput(c, limits);
        return { name: `${l.lesson}: ${c.id}`, description: c.title, points: c.score, max_points: c.maxScore, message: c.status === 'pass' ? '' : (out.split('\n')[0] ?? ''), output: out };
      }),
    ),
  };
}

/** The results, cut to fit PrairieLearn's limit: shorter transcripts first, then no outputs. */
export function prairielearnResults(s: SubmissionResult, limit = PL_LIMIT): PrairieLearnResults {
  for (const t of [caps.transcript, 4000, 1000, 0]) {
    const r = build(s, { field: Math.min(caps.field, Math.max(200, t)), transcript: t });
    if (Buffer.byteLength(JSON.stringify(r)) <= limit) return r;
  }
  const r = build(s, { field: 200, transcript: 0 });
  for (const t of r.tests) t.output = '';
  r.output = r.output.slice(0, 2000);
  return r;
}
