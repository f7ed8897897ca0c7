// `npm run diff -- LESSON [--force]`: the learner's files against the reference solution, as a
// unified diff. Only src/ and package.json, without noise: the package's "name" (it differs by
// design), trailing whitespace and CRLF line ends. A small LCS diff of our own: no git needed.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { findLesson, UsageError } from '../lessons.ts';
import { defaultEnv, lessonFiles, lessonNumber, loadState, refresh, type ProgressEnv } from '../progress.ts';
import { helpOption, parseCommand, usageOf, type CommandSpec } from './args.ts';
import { style } from './style.ts';

export const diffHelp = `usage: npm run diff -- LESSON [--force]

Shows your lessons/NN-slug against the reference solution in solutions/NN-slug, as a
unified diff (- yours, + the solution), for the files under src/ and package.json.
The package name, trailing whitespace and line-end style are ignored.
The rule: it opens once the lesson has passed every check, and stays open from then on,
also after a reset (then it shows the whole solution against the starter) or an edit
that breaks it again.
  --force      show it before the lesson has passed
  -h, --help   this text
Exit code: 0 when shown, 1 when the lesson has never passed, 2 on a usage error.`;

export const diffSpec = {
  command: 'npm run diff',
  help: diffHelp,
  options: { force: { type: 'boolean', default: false }, ...helpOption },
  positionals: true,
} as const satisfies CommandSpec;

/** The line that says why the diff is open although the lesson does not pass now. */
export function stillOpenNote(lesson: string): string {
  return `(${lesson} passed every check once, so its diff stays open; it does not pass now)`;
}

/** The text as compared: LF line ends, no trailing whitespace, and for package.json no "name" line. */
export function normalize(rel: string, text: string): string[] {
  let lines = text.replace(/\r\n?/g, '\n').split('\n').map((l) => l.replace(/[ \t]+$/, ''));
  if (rel === 'package.json') {
    const i = lines.findIndex((l) => /^\s*"name"\s*:/.test(l));
    if (i >= 0) lines = [...lines.slice(0, i), ...lines.slice(i + 1)];
  }
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

type Op = { kind: ' ' | '-' | '+'; line: string; a: number; b: number };

/** The edit script from a to b by longest common subsequence (common prefix and suffix trimmed first). */
export function diffLines(a: string[], b: string[]): Op[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const A = a.slice(pre, a.length - suf);
  const B = b.slice(pre, b.length - suf);
  const ops: Op[] = [];
  for (let i = 0; i < pre; i++) ops.push({ kind: ' ', line: a[i] ?? '', a: i, b: i });
  const n = A.length;
  const m = B.length;
  if (n * m > 16_000_000) {
    // Too big to compare line by line here: show it as replaced.
    A.forEach((line, i) => ops.push({ kind: '-', line, a: pre + i, b: pre }));
    B.forEach((line, j) => ops.push({ kind: '+', line, a: pre + n, b: pre + j }));
  } else {
    // lcs[i][j] = length of the LCS of A[i..] and B[j..]
    const w = m + 1;
    const lcs = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * w + j] = A[i] === B[j] ? (lcs[(i + 1) * w + j + 1] ?? 0) + 1 : Math.max(lcs[(i + 1) * w + j] ?? 0, lcs[i * w + j + 1] ?? 0);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && A[i] === B[j]) {
        ops.push({ kind: ' ', line: A[i] ?? '', a: pre + i, b: pre + j });
        i++;
        j++;
      } else if (j < m && (i === n || (lcs[i * w + j + 1] ?? 0) >= (lcs[(i + 1) * w + j] ?? 0))) {
        ops.push({ kind: '+', line: B[j] ?? '', a: pre + i, b: pre + j });
        j++;
      } else {
        ops.push({ kind: '-', line: A[i] ?? '', a: pre + i, b: pre + j });
        i++;
      }
    }
  }
  for (let k = 0; k < suf; k++) ops.push({ kind: ' ', line: a[a.length - suf + k] ?? '', a: a.length - suf + k, b: b.length - suf + k });
  // Within a changed block, show removals before additions.
  return reorder(ops);
}

function reorder(ops: Op[]): Op[] {
  const out: Op[] = [];
  let i = 0;
  while (i < ops.length) {
    if (ops[i]?.kind === ' ') {
      out.push(ops[i] as Op);
      i++;
      continue;
    }
    const block: Op[] = [];
    while (i < ops.length && ops[i]?.kind !== ' ') block.push(ops[i++] as Op);
    out.push(...block.filter((o) => o.kind === '-'), ...block.filter((o) => o.kind === '+'));
  }
  return out;
}

/** Unified diff hunks (3 lines of context), or '' when a and b are equal. */
export function unifiedDiff(a: string[], b: string[], nameA: string, nameB: string, context = 3): string {
  const ops = diffLines(a, b);
  const changed = ops.map((o, i) => (o.kind === ' ' ? -1 : i)).filter((i) => i >= 0);
  if (changed.length === 0) return '';
  const out: string[] = [style.bold(`--- ${nameA}`), style.bold(`+++ ${nameB}`)];
  let k = 0;
  while (k < changed.length) {
    const start = Math.max(0, (changed[k] ?? 0) - context);
    let end = Math.min(ops.length, (changed[k] ?? 0) + context + 1);
    k++;
    while (k < changed.length && (changed[k] ?? 0) - context <= end) {
      end = Math.min(ops.length, (changed[k] ?? 0) + context + 1);
      k++;
    }
    const hunk = ops.slice(start, end);
    const first = hunk[0] as Op;
    const aLen = hunk.filter((o) => o.kind !== '+').length;
    const bLen = hunk.filter((o) => o.kind !== '-').length;
    const aStart = aLen === 0 ? first.a : first.a + 1;
    const bStart = bLen === 0 ? first.b : first.b + 1;
    out.push(style.cyan(`@@ -${aStart},${aLen} +${bStart},${bLen} @@`));
    for (const o of hunk) {
      const text = `${o.kind}${o.line}`;
      out.push(o.kind === '-' ? style.red(text) : o.kind === '+' ? style.green(text) : text);
    }
  }
  return out.join('\n');
}

/** The files compared: everything under src/ on either side, and package.json. */
function comparedFiles(mine: string, solution: string): string[] {
  const inSrc = (dir: string) => lessonFiles(path.join(dir, 'src')).map((f) => `src/${f}`);
  return [...new Set([...inSrc(mine), ...inSrc(solution), 'package.json'])].sort();
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The whole diff of a lesson against its solution; '' when they match (noise aside). */
export function lessonDiff(env: ProgressEnv, lesson: string): string {
  const mine = path.join(env.lessonsRoot, lesson);
  const solution = path.join(env.solutionsRoot, lesson);
  const relMine = path.relative(env.repoRoot, mine).split(path.sep).join('/');
  const relSolution = path.relative(env.repoRoot, solution).split(path.sep).join('/');
  const parts: string[] = [];
  for (const rel of comparedFiles(mine, solution)) {
    const a = read(path.join(mine, rel));
    const b = read(path.join(solution, rel));
    if (a === undefined && b === undefined) continue;
    const d = unifiedDiff(a === undefined ? [] : normalize(rel, a), b === undefined ? [] : normalize(rel, b), a === undefined ? '/dev/null' : `${relMine}/${rel}`, b === undefined ? '/dev/null' : `${relSolution}/${rel}`);
    if (d) parts.push(d);
  }
  return parts.join('\n');
}

export async function diffCommand(argv: string[], env: ProgressEnv = defaultEnv()): Promise<number> {
  const { values, positionals } = parseCommand(diffSpec, argv);
  if (values.help) {
    console.log(diffHelp);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('name one lesson, e.g. npm run diff -- 01', usageOf(diffSpec));
  const checks = findLesson(positionals[0] ?? '');
  const lesson = checks.lesson;
  let rec = loadState(env.stateFile, env.note).lessons[lesson];
  let passesNow = false;
  if (!values.force) {
    // Done with `npm run check` (which keeps no state), or changed since the last check: find out now.
    // Also when it passed once: whether it passes now decides the note below.
    const { views } = await refresh({ ...env, lessons: [checks] }, { onChecking: (l) => console.error(style.dim(`checking ${l} first…`)) });
    passesNow = views[0]?.status === 'done';
    rec = loadState(env.stateFile, () => {}).lessons[lesson];
  }
  if (!values.force && !rec?.everDone) {
    console.error(`netlings diff: ${lesson} has not passed every check yet, and the diff shows the solution; it opens once it has (npm start or npm run check -- ${lessonNumber(lesson)}). --force shows it now.`);
    return 1;
  }
  if (!values.force && !passesNow) console.error(style.dim(stillOpenNote(lesson)));
  const text = lessonDiff(env, lesson);
  console.log(text || `lessons/${lesson} matches the solution (the package name and whitespace aside).`);
  return 0;
}
