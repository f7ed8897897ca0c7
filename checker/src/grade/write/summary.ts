// The class at a glance, for the terminal: a row per student, a column per lesson, the total and
// the grading status with its first note.

import type { LessonPlan } from '../points.ts';
import type { SubmissionResult } from '../result.ts';

export function summaryTable(results: SubmissionResult[], plans: LessonPlan[], width = 120): string {
  const nameW = Math.min(24, Math.max(7, ...results.map((r) => r.student.length)));
  const cols = plans.map((p) => Math.max(p.lesson.slice(0, 2).length, `${p.maxScore}/${p.maxScore}`.length));
  const head = ['student'.padEnd(nameW), ...plans.map((p, i) => p.lesson.slice(0, 2).padStart(cols[i] ?? 5)), 'total'.padStart(7), '%'.padStart(5), '  status'].join('  ');
  const lines = [head, '-'.repeat(Math.min(width, head.length + 20))];
  for (const r of results) {
    const by = new Map(r.lessons.map((l) => [l.lesson, l]));
    const cells = plans.map((p, i) => {
      const l = by.get(p.lesson);
      return (l ? (l.handedIn ? `${l.score}/${l.maxScore}` : '—') : '').padStart(cols[i] ?? 5);
    });
    const pct = r.maxScore ? ((r.score / r.maxScore) * 100).toFixed(0) : '0';
    const note = r.status === 'ok' ? '' : `: ${r.notes[0] ?? ''}`;
    const row = [r.student.slice(0, nameW).padEnd(nameW), ...cells, `${r.score}`.padStart(7), pct.padStart(5), `  ${r.status}${note}${r.cached ? ' (cached)' : ''}`].join('  ');
    lines.push(row.length > width ? `${row.slice(0, width - 1)}…` : row);
  }
  return lines.join('\n');
}
