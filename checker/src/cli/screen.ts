// What npm start's watch mode draws: a pure function of the session's state, so that the header and
// the key bar always stay on the screen and a long failure (or a long note) folds to fit between them.

import { foldResult, formatResult, rowsOf, wrapWords, displayWidth } from '../report.ts';
import type { CheckResult } from '../runner.ts';
import { formatList, lessonNumber, progressBar, type LessonView } from '../progress.ts';
import { style } from './style.ts';

/** Lines under the lesson: prose (wrapped to the width), or verbatim text such as a diff. */
export type Note = string | { verbatim: string };

export interface ScreenState {
  views: LessonView[];
  idx: number;
  screen: 'lesson' | 'list' | 'confirm-reset';
  /** The list of every lesson on top (start-up) instead of one progress line. */
  home: boolean;
  checking: { trigger: string; lines: string[] } | undefined;
  /** The last results of the current lesson, if any. */
  results: CheckResult[] | undefined;
  notes: Note[];
  /** f: everything whole, the terminal scrolling. */
  unfolded: boolean;
  manual: boolean;
  manualNote: string;
  lastRun: string;
  /** Checks run or are about to: keys wait. */
  waiting: boolean;
  columns: number;
  /** The terminal's height; 0 when unknown (nothing is folded then). */
  rows: number;
}

export function drawScreen(st: ScreenState): string[] {
  const { columns } = st;
  const v = st.views[st.idx] as LessonView;
  if (st.screen === 'list') {
    return [formatList(st.views, st.idx, { numbered: true }), '', `Press a lesson's number to go there${st.views.length > 9 ? ' (then Enter)' : ''}; any other key goes back.`];
  }
  const done = st.views.filter((x) => x.status === 'done').length;
  const top: string[] = [];
  if (st.home) top.push(...formatList(st.views, st.idx).split('\n'), '');
  else {
    // One line: the title is cut to the terminal's width rather than wrapped.
    const head = `netlings  ${'█'.repeat(10)} ${done}/${st.views.length} lessons done   ▸ ${v.lesson}  `;
    const room = columns - head.length - 1;
    const title = v.title.length <= room ? v.title : room > 1 ? `${v.title.slice(0, room - 1)}…` : '';
    top.push(`${style.bold('netlings')}  ${progressBar(done, st.views.length, 10)} lessons done   ${style.cyan('▸')} ${style.bold(v.lesson)}  ${title}`, '');
  }

  const bottom: string[] = [];
  if (st.screen === 'confirm-reset') {
    bottom.push('', ...wrapProse(style.yellow(`Reset lessons/${v.lesson} to its starter (the last committed version)? Your changes in it are lost. y or yes resets [y/N]`), columns));
  }
  bottom.push('', style.dim('─'.repeat(Math.min(columns, 100))));
  if (st.manualNote) bottom.push(...wrapProse(style.yellow(st.manualNote), columns));
  else bottom.push(style.dim(`watching lessons/${v.lesson}/ — save a file to check it again${st.lastRun && !st.checking ? ` (${st.lastRun})` : ''}`));
  if (st.manualNote && st.lastRun && !st.checking) bottom.push(style.dim(st.lastRun));
  const keys = `${k('n')} next  ${k('h')} hint  ${k('l')} list  ${k('r')} re-run  ${k('x')} reset  ${k('d')} diff  ${k('v')} page  ${k('f')} ${st.unfolded ? 'fold' : 'full'}  ${k('q')} quit`;
  bottom.push(st.waiting ? style.dim('keys wait until the checks finish (Ctrl-C quits)') : keys);

  // What is left between the header and the key bar (the last row holds the cursor).
  const fit = !st.unfolded && st.rows > 0;
  const room = fit ? st.rows - rowsOf(top, columns) - rowsOf(bottom, columns) - 1 : Infinity;

  let notes = st.notes.flatMap((n) => (typeof n === 'string' ? n.split('\n').flatMap((l) => wrapProse(l, columns)) : n.verbatim.split('\n')));
  let body: string[];
  if (st.checking) {
    const head = style.cyan(`⟳ checking ${v.lesson}${st.checking.trigger ? ` (${st.checking.trigger})` : ''}…`);
    // The newest results stay in view.
    const lines = st.checking.lines.slice(Math.max(0, st.checking.lines.length - Math.max(1, room - 1)));
    body = [head, ...lines];
  } else {
    const fixed = lessonBody(st, undefined).fixedRows;
    // Notes give way to the failure down to a dozen rows of it, and are then cut with a marker.
    const noteRoom = room - fixed - 12 - 1;
    if (notes.length && rowsOf(notes, columns) > noteRoom) {
      notes = fitLines(notes, Math.max(3, noteRoom), columns, `… more below: press f to see all of it`);
    }
    const failureRoom = room - (notes.length ? rowsOf(notes, columns) + 1 : 0);
    body = lessonBody(st, failureRoom).lines;
  }
  return [...top, ...body, ...(notes.length ? ['', ...notes] : []), ...bottom];
}

/** The lesson's part of the screen; a failure folded to `rows` rows (undefined: whole). */
function lessonBody(st: ScreenState, rows: number | undefined): { lines: string[]; fixedRows: number } {
  const { columns } = st;
  const v = st.views[st.idx] as LessonView;
  const results = st.results;
  if (v.status === 'done') {
    const next = st.views[st.idx + 1];
    const lines = [
      style.green(`✓ Lesson done: ${v.lesson} passes ${v.result ? `all ${v.result.total} checks` : 'every check'}.`),
      `  The reference solution lives in solutions/${v.lesson}/ — press d to compare it with yours.`,
    ];
    if (next) lines.push(`  Press n to go on to ${style.bold(next.lesson)}: ${next.title}.`);
    else lines.push(`  That was the last lesson written so far${st.views.every((x) => x.status === 'done') ? ', and every one of them is done' : ''}. Press l to pick another one, q to quit.`);
    const wrapped = lines.flatMap((l) => wrapProse(l, columns));
    return { lines: wrapped, fixedRows: rowsOf(wrapped, columns) };
  }
  if (!results || results.length === 0) {
    const lines = wrapProse(`${v.lesson}: read lessons/${v.lesson}/README.md and edit lessons/${v.lesson}/src/.${st.manual ? ' Press r to check.' : ''}`, columns);
    return { lines, fixedRows: rowsOf(lines, columns) };
  }
  const num = lessonNumber(v.lesson);
  const failure = results.find((r) => r.status === 'fail');
  const passed = results.filter((r) => r.status === 'pass').length;
  const failing = results.filter((r) => r.status === 'fail').length;
  const skipped = results.filter((r) => r.status === 'skip').length;
  const head = [style.red(`✗ ${v.lesson}: ${passed} of ${results.length} checks pass. The first failing check:`), ''];
  const rest = [failing > 1 ? `${failing - 1} more failing` : '', skipped ? `${skipped} skipped until the checks they need pass` : ''].filter(Boolean);
  const tail = rest.length ? ['', ...wrapProse(style.dim(`  (${rest.join(', ')}; npm run check -- ${num} lists them all)`), columns)] : [];
  const fixedRows = rowsOf([...head, ...tail], columns);
  if (!failure) return { lines: [...head, ...tail], fixedRows };
  const more = `(folded to fit: press f for the whole failure, or run npm run check -- ${num})`;
  const folded =
    rows === undefined || rows === Infinity
      ? formatResult(failure, { width: columns }).split('\n')
      : foldResult(failure, { columns, rows: Math.max(6, rows - fixedRows), more }).lines;
  return { lines: [...head, ...folded, ...tail], fixedRows };
}

/** One line of prose wrapped at word boundaries, keeping its indent (continuation lines two further in). */
export function wrapProse(line: string, columns: number): string[] {
  const lead = /^ */.exec(line)?.[0].length ?? 0;
  if (displayWidth(line) <= columns) return [line];
  return wrapWords(line.slice(lead), columns, { first: lead, hang: lead + 2 }).map((l, i) => (i === 0 ? ' '.repeat(lead) + l : l));
}

/** The first lines that fit in `rows` rows, then `marker` in place of the rest. */
function fitLines(lines: string[], rows: number, columns: number, marker: string): string[] {
  const out: string[] = [];
  for (const l of lines) {
    if (rowsOf([...out, l, marker], columns) > rows) break;
    out.push(l);
  }
  return [...out, style.dim(marker)];
}

function k(key: string): string {
  return style.bold(style.cyan(key));
}
