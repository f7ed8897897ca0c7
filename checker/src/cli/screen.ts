// What npm start's watch mode draws: a pure function of the session's state, so that the header and
// the key bar always stay on the screen and a long failure (or a long note) folds to fit between them.

import { foldResult, formatResult, rowsOf, wrapWords, displayWidth } from '../report.ts';
import type { CheckResult } from '../runner.ts';
import { formatList, lessonNumber, progressBar, readmeName, type LessonView } from '../progress.ts';
import { style } from './style.ts';
import { tr } from '../i18n/lang.ts';

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
    return [formatList(st.views, st.idx, { numbered: true }), '', tr(`Press a lesson's number to go there${st.views.length > 9 ? ' (then Enter)' : ''}; any other key goes back.`, `按课程编号跳过去${st.views.length > 9 ? '（再按回车）' : ''}；按其他键返回。`)];
  }
  const done = st.views.filter((x) => x.status === 'done').length;
  const top: string[] = [];
  if (st.home) top.push(...formatList(st.views, st.idx).split('\n'), '');
  else {
    // One line: the title is cut to the terminal's width rather than wrapped.
    const doneWord = tr('lessons done', '课已完成');
    const head = `netlings  ${'█'.repeat(10)} ${done}/${st.views.length} ${doneWord}   ▸ ${v.lesson}  `;
    const room = columns - displayWidth(head) - 1;
    const title = displayWidth(v.title) <= room ? v.title : room > 1 ? `${cutToWidth(v.title, room - 1)}…` : '';
    top.push(`${style.bold('netlings')}  ${progressBar(done, st.views.length, 10)} ${doneWord}   ${style.cyan('▸')} ${style.bold(v.lesson)}  ${title}`, '');
  }

  const bottom: string[] = [];
  if (st.screen === 'confirm-reset') {
    bottom.push('', ...wrapProse(style.yellow(tr(`Reset lessons/${v.lesson} to its starter (the last committed version)? Your changes in it are lost. y or yes resets [y/N]`, `把 lessons/${v.lesson} 恢复成初始代码（最后一次提交的版本）吗？你在里面的改动会丢失。输入 y 或 yes 确认恢复 [y/N]`)), columns));
  }
  bottom.push('', style.dim('─'.repeat(Math.min(columns, 100))));
  if (st.manualNote) bottom.push(...wrapProse(style.yellow(st.manualNote), columns));
  else bottom.push(style.dim(tr(`watching lessons/${v.lesson}/ — save a file to check it again`, `正在监视 lessons/${v.lesson}/ —— 保存文件就会重新检查`) + (st.lastRun && !st.checking ? tr(` (${st.lastRun})`, `（${st.lastRun}）`) : '')));
  if (st.manualNote && st.lastRun && !st.checking) bottom.push(style.dim(st.lastRun));
  const keys = tr(
    `${k('n')} next  ${k('h')} hint  ${k('l')} list  ${k('r')} re-run  ${k('x')} reset  ${k('d')} diff  ${k('v')} page  ${k('f')} ${st.unfolded ? 'fold' : 'full'}  ${k('q')} quit`,
    `${k('n')} 下一课  ${k('h')} 提示  ${k('l')} 列表  ${k('r')} 重新检查  ${k('x')} 恢复  ${k('d')} 对比  ${k('v')} 网页  ${k('f')} ${st.unfolded ? '折叠' : '展开'}  ${k('q')} 退出`,
  );
  bottom.push(st.waiting ? style.dim(tr('keys wait until the checks finish (Ctrl-C quits)', '检查结束前按键不起作用（Ctrl-C 退出）')) : keys);

  // What is left between the header and the key bar (the last row holds the cursor).
  const fit = !st.unfolded && st.rows > 0;
  const room = fit ? st.rows - rowsOf(top, columns) - rowsOf(bottom, columns) - 1 : Infinity;

  let notes = st.notes.flatMap((n) => (typeof n === 'string' ? n.split('\n').flatMap((l) => wrapProse(l, columns)) : n.verbatim.split('\n')));
  let body: string[];
  if (st.checking) {
    const head = style.cyan(tr(`⟳ checking ${v.lesson}${st.checking.trigger ? ` (${st.checking.trigger})` : ''}…`, `⟳ 正在检查 ${v.lesson}${st.checking.trigger ? `（${st.checking.trigger}）` : ''}…`));
    // The newest results stay in view.
    const lines = st.checking.lines.slice(Math.max(0, st.checking.lines.length - Math.max(1, room - 1)));
    body = [head, ...lines];
  } else {
    const fixed = lessonBody(st, undefined).fixedRows;
    // Notes give way to the failure down to a dozen rows of it, and are then cut with a marker.
    const noteRoom = room - fixed - 12 - 1;
    if (notes.length && rowsOf(notes, columns) > noteRoom) {
      notes = fitLines(notes, Math.max(3, noteRoom), columns, tr(`… more below: press f to see all of it`, `… 下面还有：按 f 看全部`));
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
    const allDone = st.views.every((x) => x.status === 'done');
    const lines = [
      style.green(tr(`✓ Lesson done: ${v.lesson} passes ${v.result ? `all ${v.result.total} checks` : 'every check'}.`, `✓ 本课完成：${v.lesson} 通过了${v.result ? `全部 ${v.result.total} 项检查` : '每一项检查'}。`)),
      tr(`  The reference solution lives in solutions/${v.lesson}/ — press d to compare it with yours.`, `  参考答案在 solutions/${v.lesson}/ —— 按 d 和你的代码对比。`),
    ];
    if (next) lines.push(tr(`  Press n to go on to ${style.bold(next.lesson)}: ${next.title}.`, `  按 n 进入 ${style.bold(next.lesson)}：${next.title}。`));
    else lines.push(tr(`  That was the last lesson written so far${allDone ? ', and every one of them is done' : ''}. Press l to pick another one, q to quit.`, `  这是目前写好的最后一课${allDone ? '，而且每一课都完成了' : ''}。按 l 选另一课，按 q 退出。`));
    const wrapped = lines.flatMap((l) => wrapProse(l, columns));
    return { lines: wrapped, fixedRows: rowsOf(wrapped, columns) };
  }
  if (!results || results.length === 0) {
    const lines = wrapProse(tr(`${v.lesson}: read lessons/${v.lesson}/README.md and edit lessons/${v.lesson}/src/.${st.manual ? ' Press r to check.' : ''}`, `${v.lesson}：先读 lessons/${v.lesson}/${readmeName()}，再编辑 lessons/${v.lesson}/src/。${st.manual ? '按 r 检查。' : ''}`), columns);
    return { lines, fixedRows: rowsOf(lines, columns) };
  }
  const num = lessonNumber(v.lesson);
  const failure = results.find((r) => r.status === 'fail');
  const passed = results.filter((r) => r.status === 'pass').length;
  const failing = results.filter((r) => r.status === 'fail').length;
  const skipped = results.filter((r) => r.status === 'skip').length;
  const head = [style.red(tr(`✗ ${v.lesson}: ${passed} of ${results.length} checks pass. The first failing check:`, `✗ ${v.lesson}：${results.length} 项检查通过了 ${passed} 项。第一项未通过的检查：`)), ''];
  const rest = [
    failing > 1 ? tr(`${failing - 1} more failing`, `另有 ${failing - 1} 项未通过`) : '',
    skipped ? tr(`${skipped} skipped until the checks they need pass`, `${skipped} 项要等它们依赖的检查通过后才会运行`) : '',
  ].filter(Boolean);
  const tail = rest.length ? ['', ...wrapProse(style.dim(tr(`  (${rest.join(', ')}; npm run check -- ${num} lists them all)`, `  （${rest.join('，')}；npm run check -- ${num} 会全部列出）`)), columns)] : [];
  const fixedRows = rowsOf([...head, ...tail], columns);
  if (!failure) return { lines: [...head, ...tail], fixedRows };
  const more = tr(`(folded to fit: press f for the whole failure, or run npm run check -- ${num})`, `（为适应屏幕已折叠：按 f 看完整的失败信息，或运行 npm run check -- ${num}）`);
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

/** The text cut to at most `width` terminal columns (a CJK character takes two). */
function cutToWidth(text: string, width: number): string {
  let out = '';
  for (const ch of text) {
    if (displayWidth(out + ch) > width) break;
    out += ch;
  }
  return out;
}

function k(key: string): string {
  return style.bold(style.cyan(key));
}
