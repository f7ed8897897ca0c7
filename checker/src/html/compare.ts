// A failure's expected and actual side by side, the first difference marked with a caret: from the
// hexDiff block the harness appends where bytes differ (harness/bytes.ts), or, for two quoted texts,
// at the first character (escape) where they part.

import { esc, visible } from './escape.ts';

/** The block hexDiff() writes: "first difference at byte N", the two rows of hex, the caret line. */
const HEXDIFF = /(?:^|\n)first difference at byte (\d+)\nexpected +@(\d+): ([0-9a-f ]*)\nactual +@\d+: ([0-9a-f ]*)\n *\^\^/;

export interface HexDiff {
  at: number;
  start: number;
  expected: (string | undefined)[];
  actual: (string | undefined)[];
}

/** The hexDiff block in a text, and the text without it. */
export function splitHexDiff(text: string): { rest: string; diff?: HexDiff } {
  const m = HEXDIFF.exec(text);
  if (!m) return { rest: text };
  const cells = (row: string) => Array.from({ length: 16 }, (_, i) => row.slice(i * 3, i * 3 + 2).trim() || undefined);
  return {
    rest: (text.slice(0, m.index) + text.slice(m.index + m[0].length)).replace(/\n+$/, ''),
    diff: { at: Number(m[1]), start: Number(m[2]), expected: cells(m[3] ?? ''), actual: cells(m[4] ?? '') },
  };
}

/** Tokens of a quoted rendering: an escape (\n, \xc3, \") is one token, a character another. */
function tokens(quoted: string): string[] {
  return quoted.match(/\\x[0-9a-f]{2}|\\.|[\s\S]/gu) ?? [];
}

/** The leading "..." of a text, when it starts with one (showBytes' form), as its tokens. */
function leadingQuote(text: string): string[] | undefined {
  if (!text.startsWith('"')) return undefined;
  const t = tokens(text);
  const close = t.indexOf('"', 1);
  return close < 0 ? undefined : t.slice(0, close + 1);
}

/** Where two quoted texts first differ, in tokens (the closing quote counts: a shorter text differs there). */
export function firstDifference(expected: string, actual: string): number | undefined {
  const e = leadingQuote(expected);
  const a = leadingQuote(actual);
  if (!e || !a) return undefined;
  let i = 0;
  while (i < e.length && i < a.length && e[i] === a[i]) i++;
  return i === e.length && i === a.length ? undefined : i;
}

/** The text with token i of its leading quote marked as the caret. */
function withCaret(text: string, i: number | undefined, side: string): string {
  const lead = leadingQuote(text);
  if (i === undefined || !lead) return quotedHtml(text);
  const before = lead.slice(0, i).join('');
  const at = lead[i] ?? '';
  const after = text.slice(before.length + at.length);
  const mark = `<mark class="caret" data-side="${side}" data-char="${i - 1}" title="the first difference">${at === '"' ? '<span class="esc">"</span>' : tokenHtml(at)}</mark>`;
  return quotedHtml(before) + mark + quotedHtml(after);
}

function tokenHtml(t: string): string {
  return t.length > 1 && t.startsWith('\\') ? `<span class="esc">${esc(t)}</span>` : visible(t);
}

/** A block of the harness's text: escapes inside quoted bytes marked, the rest as it is. */
function quotedHtml(text: string): string {
  return text
    .split('\n')
    .map((line) => (tokens(line).map(tokenHtml).join('')))
    .join('\n');
}

function hexTable(d: HexDiff): string {
  const row = (name: string, cells: (string | undefined)[]) =>
    `<tr><th scope="row">${name}</th>${cells
      .map((c, k) => {
        const off = d.start + k;
        const cls = off === d.at ? ' class="caret" title="the first difference"' : '';
        return `<td${cls} data-byte="${off}">${c ?? '<span class="none">··</span>'}</td>`;
      })
      .join('')}</tr>`;
  const offsets = `<tr class="offsets"><th scope="row">byte</th>${Array.from({ length: 16 }, (_, k) => `<td>${d.start + k}</td>`).join('')}</tr>`;
  const caretRow = `<tr class="caret-row" aria-hidden="true"><th></th>${Array.from({ length: 16 }, (_, k) => `<td>${d.start + k === d.at ? '^^' : ''}</td>`).join('')}</tr>`;
  return `<figure class="hexdiff"><figcaption>first difference at byte ${d.at}</figcaption><table>${offsets}${row('expected', d.expected)}${row('actual', d.actual)}${caretRow}</table></figure>`;
}

/** Expected and actual side by side (either may be missing), the first difference marked. */
export function compareHtml(expected: string | undefined, actual: string | undefined): string {
  if (expected === undefined && actual === undefined) return '';
  const a = splitHexDiff(actual ?? '');
  const e = splitHexDiff(expected ?? '');
  const diff = a.diff ?? e.diff;
  const at = expected !== undefined && actual !== undefined ? firstDifference(e.rest, a.rest) : undefined;
  const col = (name: string, text: string | undefined, side: string) =>
    `<figure class="side ${side}"><figcaption>${name}</figcaption><pre>${text === undefined ? '<span class="none">(not given)</span>' : withCaret(text, at, side)}</pre></figure>`;
  return `<div class="compare">${col('expected', expected === undefined ? undefined : e.rest, 'expected')}${col('what arrived', actual === undefined ? undefined : a.rest, 'actual')}</div>${diff ? hexTable(diff) : ''}`;
}
