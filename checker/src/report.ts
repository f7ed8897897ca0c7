// Results as a person reads them, and as a program reads them (--json). `npm run check` prints a
// failure whole; npm start folds a long one to fit the terminal (foldResult).

import type { CheckResult } from './runner.ts';
import { style } from './cli/style.ts';
import { indent } from './harness/bytes.ts';
import { allLessons } from './lessons.ts';
import { localizeResult } from './i18n/checks.ts';
import { tr } from './i18n/lang.ts';
import { seedCommand } from './replay.ts';

export function mark(r: CheckResult): string {
  if (r.status === 'pass') return style.green('✓');
  if (r.status === 'skip') return style.dim('-');
  return style.red('✗');
}

// ---------------------------------------------------------------------------------------------
// Terminal geometry

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** The text without colour codes. */
export function plain(s: string): string {
  return s.replace(ANSI, '');
}

/** Characters that take two columns: CJK, Hangul, full-width forms, most emoji. */
function wide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

/** How many terminal columns the line takes (colour codes take none, CJK characters two). */
export function displayWidth(line: string): number {
  let w = 0;
  for (const ch of plain(line)) w += wide(ch.codePointAt(0) ?? 0) ? 2 : 1;
  return w;
}

/** How many terminal rows the text takes at this width, the terminal wrapping long lines itself. */
export function rowsOf(text: string | string[], columns: number): number {
  const lines = Array.isArray(text) ? text.flatMap((t) => t.split('\n')) : text.split('\n');
  return lines.reduce((n, l) => n + Math.max(1, Math.ceil(displayWidth(l) / Math.max(1, columns))), 0);
}

/**
 * Wraps text at word boundaries to `width` columns; the first line starts after `first` (a label
 * such as "hint: ", already printed), the others with `hang` spaces. A word longer than a line is
 * left whole (the terminal breaks it). Colour codes inside the text are kept and take no room.
 */
export function wrapWords(text: string, width: number, opts: { first?: number; hang?: number } = {}): string[] {
  const first = opts.first ?? 0;
  const hang = opts.hang ?? 0;
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    let used = 0;
    for (const [word, glued] of breakable(para)) {
      const w = displayWidth(word);
      const gap = glued ? 0 : 1;
      if (line !== '' && used + gap + w > width) {
        out.push(line);
        line = '';
      }
      if (line === '') {
        const start = out.length === 0 ? first : hang;
        line = (out.length === 0 ? '' : ' '.repeat(hang)) + word;
        used = start + w;
      } else {
        line += glued ? word : ` ${word}`;
        used += gap + w;
      }
    }
    out.push(line);
  }
  return out;
}

/** Punctuation that must not start a line (Chinese and Japanese line-breaking rules). */
const NO_LINE_START = /^[，。、；：！？）」』】》〉”’,.;:!?)\]}]/;

/**
 * The units a line may break between, each with whether it follows the previous one without a space:
 * words at spaces, and in CJK text every character (closing punctuation stays with what it follows).
 */
function breakable(para: string): Array<[string, boolean]> {
  const out: Array<[string, boolean]> = [];
  for (const word of para.split(' ').filter(Boolean)) {
    let first = true;
    let run = '';
    const flush = (): void => {
      if (run) out.push([run, !first]);
      if (run) first = false;
      run = '';
    };
    for (const ch of word) {
      const cjk = wide(ch.codePointAt(0) ?? 0);
      if (NO_LINE_START.test(ch) || (!cjk && run && !wide(run.codePointAt(run.length - 1) ?? 0))) {
        // ASCII after ASCII, or punctuation: stays in the unit.
        run += ch;
        continue;
      }
      flush();
      run = ch;
      if (cjk) continue;
    }
    flush();
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// One result

export interface FormatOptions {
  /** false: the title and the message only. */
  details?: boolean;
  /** Wrap the message and the hint at word boundaries to this many columns. */
  width?: number;
  /** What the replay command of a seeded failure needs besides the lesson (" --root solutions"). */
  rootArg?: string;
}

const PAD = '      ';

/** One line per check; a failure gets its message, expected, actual, transcript and hint below it. */
export function formatResult(r0: CheckResult, opts: FormatOptions = {}): string {
  const r = localizeResult(r0, allLessons);
  const head = resultHead(r);
  if (r.status === 'pass') return head;
  if (r.status === 'skip') return `${head}${style.dim(` — ${r.message ?? tr('skipped', '已跳过')}`)}`;
  if (opts.details === false) return `${head}\n${PAD}${r.message ?? ''}`;
  return [head, ...failureSections(r, opts.width, opts.rootArg).flatMap((s) => s.lines)].join('\n');
}

function resultHead(r: CheckResult): string {
  const time = r.status === 'skip' ? '' : style.dim(` (${r.durationMs} ms)`);
  return `  ${mark(r)} ${r.status === 'skip' ? style.dim(r.title) : r.title}${time}`;
}

/** The failure's text without the title line (its blocks indented by two). */
export function formatFailure(r: CheckResult, width?: number, rootArg?: string): string {
  return failureSections(localizeResult(r, allLessons), width, rootArg)
    .flatMap((s) => s.lines)
    .map((l) => l.slice(PAD.length))
    .join('\n');
}

/** A part of a failure: how it may be folded ('head' keeps its first lines, 'tail' its last). */
interface Section {
  kind: 'fixed' | 'head' | 'tail';
  /** The label line of a block (kept when folded). */
  label?: string;
  lines: string[];
  /** What the block is, for the "… N more lines of X" marker. */
  what?: string;
}

function failureSections(r: CheckResult, width?: number, rootArg = ''): Section[] {
  const wrap = (text: string, label = ''): string[] => {
    if (!width) return [`${PAD}${label}${text}`];
    const lines = wrapWords(text, width, { first: PAD.length + displayWidth(label), hang: PAD.length + 2 });
    return lines.map((l, i) => (i === 0 ? `${PAD}${label}${l}` : l));
  };
  const block = (label: string, text: string, kind: 'head' | 'tail', what: string): Section => {
    const body = indent(text, PAD + '  ').split('\n');
    return { kind, label: `${PAD}${label}`, lines: [`${PAD}${label}`, ...body], what };
  };
  const out: Section[] = [{ kind: 'fixed', lines: wrap(style.red(r.message ?? tr('failed', '未通过'))) }];
  if (r.expected !== undefined) out.push(block(style.bold(tr('expected:', '期望：')), r.expected, 'head', tr('expected', '期望')));
  // What arrived: its start matters most (the first lines of a stack trace).
  if (r.actual !== undefined) out.push(block(style.bold(tr('actual:', '实际：')), r.actual, 'head', tr('actual', '实际')));
  // The conversation: its end is where it went wrong.
  const legend = tr('(→ tester sent, ← tester received, │ chunk boundary)', '(→ 检查器发出，← 检查器收到，│ 数据块边界)');
  if (r.transcript) out.push(block(`${style.bold(tr('transcript', '记录'))} ${style.dim(legend)}`, r.transcript, 'tail', tr('transcript', '记录')));
  if (r.hint) out.push({ kind: 'fixed', lines: wrap(r.hint, `${style.yellow(tr('hint:', '提示：'))}${tr(' ', '')}`) });
  if (r.seed !== undefined) {
    const again = seedCommand(r.lesson, r.id, r.seed, rootArg);
    out.push({ kind: 'fixed', lines: wrap(style.dim(tr(`seed ${r.seed}: the same cuts, pauses and drops again with \`${again}\``, `种子 ${r.seed}：用 \`${again}\` 重放同样的切分、停顿和丢弃`))) });
  }
  return out;
}

/**
 * The failing result in at most `rows` terminal rows of `columns` columns: the title, the message
 * and the hint whole; the expected and actual blocks keep their first lines, the transcript its
 * last ones, each with a marker saying how many lines were left out; `more` (how to see the whole
 * failure) ends a folded one. Fits as well as it can when even the shortest form is taller.
 */
export function foldResult(r0: CheckResult, opts: { columns: number; rows: number; more: string }): { lines: string[]; folded: boolean } {
  const r = localizeResult(r0, allLessons);
  const head = resultHead(r);
  const sections = failureSections(r, opts.columns);
  const full = [head, ...sections.flatMap((s) => s.lines)];
  if (rowsOf(full, opts.columns) <= opts.rows) return { lines: full, folded: false };
  // Stack traces first: their frames in Node's own code go, the first frame and the program's own stay.
  for (const sec of sections) if (sec.kind !== 'fixed') sec.lines = [sec.lines[0] ?? '', ...foldStacks(sec.lines.slice(1))];
  // keep[i]: how many body lines (below the label) block i shows.
  const keep = sections.map((s) => (s.kind === 'fixed' ? s.lines.length : s.lines.length - 1));
  const render = (): string[] => {
    const lines = [head];
    sections.forEach((s, i) => {
      if (s.kind === 'fixed') return lines.push(...s.lines);
      const body = s.lines.slice(1);
      const k = keep[i] ?? body.length;
      const left = body.length - k;
      const marker = style.dim(tr(`${PAD}  … ${left} more line${left === 1 ? '' : 's'} of the ${s.what}`, `${PAD}  … ${s.what}还有 ${left} 行`));
      lines.push(s.lines[0] ?? '');
      if (left === 0) lines.push(...body);
      else if (s.kind === 'head') lines.push(...body.slice(0, k), marker);
      else lines.push(marker, ...body.slice(body.length - k));
    });
    lines.push(style.dim(`${PAD}${opts.more}`));
    return lines;
  };
  let lines = render();
  while (rowsOf(lines, opts.columns) > opts.rows) {
    // Take a line from the block that shows the most; stop at one line each.
    let best = -1;
    sections.forEach((s, i) => {
      if (s.kind !== 'fixed' && (keep[i] ?? 0) > 1 && (best < 0 || (keep[i] ?? 0) > (keep[best] ?? 0))) best = i;
    });
    if (best < 0) break;
    keep[best] = (keep[best] ?? 1) - 1;
    lines = render();
  }
  return { lines, folded: true };
}

/** A line of a stack trace's frames: "    at f (file:1:2)", also after a transcript's "[server stderr]" tag. */
const FRAME = /^(?:.*\] )?\s+at \S/;
/** A frame in Node's own code (node:internal/..., node:net) rather than the program's. */
const NODE_FRAME = /\(node:|at node:/;

/**
 * Each run of stack frames keeps its first frame and the frames in the program's own files (up to
 * three in all); the rest become one marker line.
 */
export function foldStacks(lines: string[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    if (!FRAME.test(plain(lines[i] ?? ''))) {
      out.push(lines[i++] ?? '');
      continue;
    }
    const run: string[] = [];
    while (i < lines.length && FRAME.test(plain(lines[i] ?? ''))) run.push(lines[i++] ?? '');
    const kept = run.filter((l, j) => j === 0 || !NODE_FRAME.test(plain(l))).slice(0, 3);
    const left = run.length - kept.length;
    out.push(run[0] ?? '');
    if (left > 0) out.push(style.dim(tr(`${PAD}  … ${left} more stack frame${left === 1 ? '' : 's'}${kept.length > 1 ? ', in Node itself' : ''}`, `${PAD}  … 还有 ${left} 个栈帧${kept.length > 1 ? '，都在 Node 自身的代码里' : ''}`)));
    out.push(...kept.slice(1));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Many results

export function summary(results: CheckResult[]): { passed: number; failed: number; skipped: number } {
  return {
    passed: results.filter((r) => r.status === 'pass').length,
    failed: results.filter((r) => r.status === 'fail').length,
    skipped: results.filter((r) => r.status === 'skip').length,
  };
}

export function summaryLine(results: CheckResult[]): string {
  const s = summary(results);
  return tr(`${s.passed} passed, ${s.failed} failed${s.skipped ? `, ${s.skipped} skipped` : ''}`, `${s.passed} 项通过，${s.failed} 项未通过${s.skipped ? `，${s.skipped} 项跳过` : ''}`);
}
