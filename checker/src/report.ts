// Results as a person reads them, and as a program reads them (--json).

import type { CheckResult } from './runner.ts';
import { style } from './cli/style.ts';
import { indent } from './harness/bytes.ts';

export function mark(r: CheckResult): string {
  if (r.status === 'pass') return style.green('✓');
  if (r.status === 'skip') return style.dim('-');
  return style.red('✗');
}

/** One line per check; a failure gets its message, expected, actual, transcript and hint below it. */
export function formatResult(r: CheckResult, opts: { details?: boolean } = {}): string {
  const time = r.status === 'skip' ? '' : style.dim(` (${r.durationMs} ms)`);
  const head = `  ${mark(r)} ${r.status === 'skip' ? style.dim(r.title) : r.title}${time}`;
  if (r.status === 'pass') return head;
  if (r.status === 'skip') return `${head}${style.dim(` — ${r.message ?? 'skipped'}`)}`;
  if (opts.details === false) return `${head}\n      ${r.message ?? ''}`;
  return `${head}\n${indent(formatFailure(r), '      ')}`;
}

export function formatFailure(r: CheckResult): string {
  const parts: string[] = [style.red(r.message ?? 'failed')];
  if (r.expected !== undefined) parts.push(`${style.bold('expected:')}\n${indent(r.expected)}`);
  if (r.actual !== undefined) parts.push(`${style.bold('actual:')}\n${indent(r.actual)}`);
  if (r.transcript) parts.push(`${style.bold('transcript')} ${style.dim('(→ tester sent, ← tester received, │ chunk boundary)')}\n${indent(r.transcript)}`);
  if (r.hint) parts.push(`${style.yellow('hint:')} ${r.hint}`);
  return parts.join('\n');
}

export function summary(results: CheckResult[]): { passed: number; failed: number; skipped: number } {
  return {
    passed: results.filter((r) => r.status === 'pass').length,
    failed: results.filter((r) => r.status === 'fail').length,
    skipped: results.filter((r) => r.status === 'skip').length,
  };
}

export function summaryLine(results: CheckResult[]): string {
  const s = summary(results);
  return `${s.passed} passed, ${s.failed} failed${s.skipped ? `, ${s.skipped} skipped` : ''}`;
}
