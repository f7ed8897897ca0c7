// A check's outcome as text: what a learner needs to fix it (the message, the expected and actual
// bytes, the transcript of the conversation, the hint). Every field is capped, so a program that
// prints megabytes cannot blow up a results file. A hidden check's details are for the
// instructor's files only: what a student sees says that it failed, and nothing of its input.

import type { GradedCheck, SubmissionResult } from './result.ts';

export const caps = { field: 4000, transcript: 12000 };

export function cap(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.length - max;
  return `${text.slice(0, max)}\n… (${cut} more characters cut)`;
}

function indent(text: string, pad = '    '): string {
  return text
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

/** The full text of a check's outcome: for the instructor, and for the student when it is not hidden. */
export function checkOutput(c: GradedCheck, limits = caps): string {
  const r = c.result;
  if (r.status === 'pass') return '';
  if (r.status === 'skip') return r.message ?? 'skipped';
  const parts = [cap(r.message ?? 'failed', limits.field)];
  if (r.expected !== undefined) parts.push(`expected:\n${indent(cap(r.expected, limits.field))}`);
  if (r.actual !== undefined) parts.push(`actual:\n${indent(cap(r.actual, limits.field))}`);
  if (r.transcript) parts.push(`transcript (→ tester sent, ← tester received, │ chunk boundary):\n${indent(cap(r.transcript, limits.transcript))}`);
  if (r.hint) parts.push(`hint: ${cap(r.hint, limits.field)}`);
  return parts.join('\n');
}

export const HIDDEN_NOTE = 'This check is hidden: its input and output are in the instructor’s results only.';

/** What the student may see of a check's outcome. */
export function studentOutput(c: GradedCheck, limits = caps): string {
  if (!c.hidden) return checkOutput(c, limits);
  if (c.status === 'pass') return '';
  return `${c.status === 'skip' ? 'skipped' : 'failed'}. ${HIDDEN_NOTE}`;
}

/** The submission-wide lines: status and notes, for the top of a report. */
export function submissionOutput(s: SubmissionResult): string {
  const lines = [`netlings ${s.checker.version} graded ${s.student}${s.root ? ` (lessons found at ${s.root})` : ''}: ${s.score}/${s.maxScore}, grading status ${s.status}`];
  for (const n of s.notes) lines.push(`- ${n}`);
  return lines.join('\n');
}

/** A plain-text report for the student: every lesson and check, hidden details left out. */
export function studentReport(s: SubmissionResult): string {
  const out = [submissionOutput(s), ''];
  for (const l of s.lessons) {
    out.push(`${l.lesson}: ${l.score}/${l.maxScore}${l.handedIn ? '' : ' (not handed in)'}`);
    for (const c of l.checks) {
      const mark = c.status === 'pass' ? '✓' : c.status === 'skip' ? '-' : '✗';
      out.push(`  ${mark} ${c.title} [${c.score}/${c.maxScore}]${c.hidden ? ' (hidden)' : ''}`);
      if (c.status !== 'pass' && l.handedIn) {
        const text = studentOutput(c);
        if (text) out.push(indent(text, '      '));
      }
    }
    out.push('');
  }
  return out.join('\n');
}
