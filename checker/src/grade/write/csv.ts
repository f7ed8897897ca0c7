// grades.csv, as Otter-Grader's final_grades.csv is read: one row per student, a column per
// lesson, then total, max, percent, grading_status and notes; the first row holds the points
// possible. A cell that a spreadsheet would run as a formula (=, +, -, @) is prefixed with '.

import type { LessonPlan } from '../points.ts';
import type { SubmissionResult } from '../result.ts';

export function csvCell(v: string | number): string {
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const POINTS_ROW = 'POINTS POSSIBLE';

export function gradesCsv(results: SubmissionResult[], plans: LessonPlan[]): string {
  const max = plans.reduce((t, p) => t + p.maxScore, 0);
  const rows: (string | number)[][] = [
    ['student', ...plans.map((p) => p.lesson), 'total', 'max', 'percent', 'grading_status', 'notes'],
    [POINTS_ROW, ...plans.map((p) => p.maxScore), max, max, 100, '', ''],
  ];
  for (const s of results) {
    const by = new Map(s.lessons.map((l) => [l.lesson, l.score]));
    rows.push([s.student, ...plans.map((p) => by.get(p.lesson) ?? 0), s.score, s.maxScore, s.maxScore ? Math.round((s.score / s.maxScore) * 1000) / 10 : 0, s.status, s.notes.join('; ')]);
  }
  return rows.map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}
