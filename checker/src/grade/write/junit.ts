// JUnit XML: one <testsuite> per student and lesson ("alice/02-loop-server"), one <testcase> per
// check, points as <properties> (suite: score, max_score, grading_status; case: points,
// max_points, hidden). A failure's body is the full output: this file is the instructor's.

import { checkOutput } from '../feedback.ts';
import type { SubmissionResult } from '../result.ts';

/** Text safe inside XML: escaped, and without the control characters XML 1.0 forbids. */
export function xml(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function props(p: Record<string, string | number | boolean>, pad: string): string {
  return `${pad}<properties>\n${Object.entries(p)
    .map(([k, v]) => `${pad}  <property name="${xml(k)}" value="${xml(String(v))}"/>`)
    .join('\n')}\n${pad}</properties>`;
}

function suites(s: SubmissionResult): string[] {
  return s.lessons.map((l) => {
    const failures = l.checks.filter((c) => c.status === 'fail').length;
    const skipped = l.checks.filter((c) => c.status === 'skip').length;
    const time = l.checks.reduce((t, c) => t + c.result.durationMs, 0) / 1000;
    const cases = l.checks.map((c) => {
      const head = `    <testcase classname="${xml(`${s.student}.${l.lesson}`)}" name="${xml(`${c.id}: ${c.title}`)}" time="${(c.result.durationMs / 1000).toFixed(3)}">`;
      const p = props({ id: c.id, points: c.score, max_points: c.maxScore, hidden: c.hidden }, '      ');
      const body =
        c.status === 'pass'
          ? ''
          : c.status === 'skip'
            ? `\n      <skipped message="${xml(c.result.message ?? 'skipped')}"/>`
            : `\n      <failure message="${xml(c.result.message ?? 'failed')}" type="${xml(c.result.code ?? 'FAIL')}">${xml(checkOutput(c))}</failure>`;
      return `${head}\n${p}${body}\n    </testcase>`;
    });
    const sp = props({ student: s.student, lesson: l.lesson, score: l.score, max_score: l.maxScore, handed_in: l.handedIn, grading_status: s.status, checker_version: s.checker.version }, '    ');
    return `  <testsuite name="${xml(`${s.student}/${l.lesson}`)}" tests="${l.checks.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time.toFixed(3)}" timestamp="${xml(s.gradedAt.replace(/\.\d+Z$/, ''))}">\n${sp}\n${cases.join('\n')}\n  </testsuite>`;
  });
}

export function junitXml(results: SubmissionResult[]): string {
  const all = results.flatMap((s) => s.lessons.flatMap((l) => l.checks));
  const failures = all.filter((c) => c.status === 'fail').length;
  const skipped = all.filter((c) => c.status === 'skip').length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="netlings" tests="${all.length}" failures="${failures}" errors="0" skipped="${skipped}">\n${results.flatMap(suites).join('\n')}\n</testsuites>\n`;
}
