// One self-contained HTML page for a run's results: every check, failures first, each a <details>
// with its sequence diagram, expected beside what arrived, and the hint. Inline CSS and a small
// inline script only; a Content-Security-Policy forbids anything else (no network, and no script but
// ours even if some byte of a learner's program got through unescaped).

import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CheckResult } from '../runner.ts';
import { compareHtml } from './compare.ts';
import { diagramHtml } from './diagram.ts';
import { esc, prose, slug, visible } from './escape.ts';
import { SCRIPT } from './script.ts';
import { seedCommand } from '../replay.ts';
import { CSS } from './style.ts';

export interface HtmlReportOptions {
  /** The page's title and heading. */
  title: string;
  /**
   * Checks whose details are for the instructor only: the page shows their title and status, and
   * none of their conversation, bytes or hint (a student-safe page). Default: none hidden.
   */
  hideHidden?: (r: CheckResult) => boolean;
  /** A line under the title (what was checked, when). */
  subtitle?: string;
  /** Where to write the page; writeHtmlReport returns the HTML either way. */
  file?: string;
  /** What a seeded failure's replay command needs besides the lesson (" --root solutions"); none: the learner's lessons. */
  rootArg?: string;
}

export const HIDDEN_NOTE = 'This check is hidden: its conversation, bytes and hint are in the instructor’s report only.';

const ORDER = { fail: 0, pass: 1, skip: 2 } as const;
const HEADINGS = { fail: 'Failed', pass: 'Passed', skip: 'Skipped' } as const;
const MARKS = { fail: '✗', pass: '✓', skip: '–' } as const;

/** The element id of a check's section. */
export function checkId(r: CheckResult): string {
  return `check-${slug(r.lesson)}-${slug(r.id)}`;
}

/** The page as a string. */
export function renderHtmlReport(results: CheckResult[], opts: HtmlReportOptions): string {
  const sorted = results.map((r, i) => ({ r, i })).sort((a, b) => ORDER[a.r.status] - ORDER[b.r.status] || a.i - b.i).map((x) => x.r);
  const hidden = (r: CheckResult) => opts.hideHidden?.(r) === true;
  const counts = { pass: 0, fail: 0, skip: 0 };
  for (const r of results) counts[r.status]++;
  const firstFail = sorted.find((r) => r.status === 'fail');
  const lessons = new Set(results.map((r) => r.lesson));

  const skips = [`<a class="skip" href="#checks">Skip to the checks</a>`];
  if (firstFail) skips.unshift(`<a class="skip" href="#${checkId(firstFail)}">Skip to the first failure</a>`);
  const summary = `<p class="summary"><span class="n-pass">${counts.pass} passed</span>, <span class="${counts.fail ? 'n-fail' : ''}">${counts.fail} failed</span>${counts.skip ? `, ${counts.skip} skipped` : ''}</p>`;
  const toc = `<nav aria-label="Checks"><ol>${sorted
    .map((r) => `<li class="${r.status}"><a href="#${checkId(r)}">${MARKS[r.status]} ${lessons.size > 1 ? `${esc(r.lesson)}: ` : ''}${esc(r.title)}</a>${hidden(r) ? ' <span class="tag">(hidden)</span>' : ''}</li>`)
    .join('')}</ol></nav>`;
  const tools = `<div class="tools" id="tools" hidden><button type="button" data-act="open-all">Expand all</button><button type="button" data-act="close-all">Collapse all</button></div>`;

  const groups: string[] = [];
  for (const status of ['fail', 'pass', 'skip'] as const) {
    const of = sorted.filter((r) => r.status === status);
    if (of.length === 0) continue;
    groups.push(`<section class="group ${status}" aria-labelledby="h-${status}"><h2 id="h-${status}">${HEADINGS[status]} (${of.length})</h2>${of.map((r) => checkHtml(r, hidden(r), lessons.size > 1, opts.rootArg)).join('')}</section>`);
  }
  if (groups.length === 0) groups.push('<p class="empty">No check ran.</p>');

  const hash = createHash('sha256').update(SCRIPT).digest('base64');
  const csp = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${hash}'; img-src data:; base-uri 'none'; form-action 'none'`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(opts.title)}</title>
<style>${CSS}</style>
</head>
<body>
${skips.join('\n')}
<header>
<h1>${esc(opts.title)}</h1>
${opts.subtitle ? `<p class="subtitle">${esc(opts.subtitle)}</p>` : ''}
${summary}
${toc}
${tools}
</header>
<main id="checks" tabindex="-1">
${groups.join('\n')}
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function checkHtml(r: CheckResult, hidden: boolean, showLesson: boolean, rootArg = ''): string {
  const id = checkId(r);
  const head = `<summary><span class="mark" aria-label="${r.status === 'pass' ? 'passed' : r.status === 'fail' ? 'failed' : 'skipped'}">${MARKS[r.status]}</span> <span class="title">${esc(r.title)}</span>${showLesson ? ` <span class="tag">${esc(r.lesson)}</span>` : ''} <span class="tag">${esc(r.id)}</span>${r.code && r.status === 'fail' ? ` <span class="code">${esc(r.code)}</span>` : ''}${r.status !== 'skip' ? ` <span class="dur">${r.durationMs} ms</span>` : ''}${hidden ? ' <span class="tag">(hidden)</span>' : ''}</summary>`;
  const open = r.status === 'fail' ? ' open' : '';
  let body: string;
  if (hidden) body = `<p class="hidden-note">${r.status === 'fail' ? 'Failed. ' : r.status === 'skip' ? 'Skipped. ' : ''}${esc(HIDDEN_NOTE)}</p>`;
  else if (r.status === 'skip') body = `<p>${prose(r.message ?? 'skipped')}</p>`;
  else {
    const parts: string[] = [];
    if (r.status === 'fail') {
      parts.push(`<p class="message">${prose(r.message ?? 'failed')}</p>`);
      if (r.events?.length) parts.push(`<a class="skip-inline" href="#${id}-result">Skip the diagram</a>`);
    }
    parts.push(diagramHtml(r, id));
    if (r.status === 'fail') {
      const seed = r.seed !== undefined ? `<p class="seed">Seed ${r.seed}: the same cuts, pauses and drops again with <code>${esc(seedCommand(r.lesson, r.id, r.seed, rootArg))}</code></p>` : '';
      parts.push(`<div id="${id}-result" tabindex="-1">${compareHtml(r.expected, r.actual)}${r.hint ? `<p class="hint"><strong>Hint:</strong> ${prose(r.hint)}</p>` : ''}${seed}</div>`);
      if (r.transcript) parts.push(`<details class="text"><summary>The transcript as text</summary><pre>${visible(r.transcript)}</pre></details>`);
    }
    body = parts.join('');
  }
  return `<details class="check ${r.status}" id="${id}"${open}>${head}<div class="body">${body}</div></details>`;
}

/**
 * The page for these results, written to `opts.file` when given; returns the HTML. For the grader:
 * `writeHtmlReport(results, { title, hideHidden: (r) => isHidden(r), file })` gives the student-safe
 * page, without hideHidden the instructor's.
 */
export function writeHtmlReport(results: CheckResult[], opts: HtmlReportOptions): string {
  const html = renderHtmlReport(results, opts);
  if (opts.file) {
    mkdirSync(path.dirname(path.resolve(opts.file)), { recursive: true });
    writeFileSync(opts.file, html);
  }
  return html;
}
