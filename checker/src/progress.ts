// The learner's progress: one small state file (.netlings/state.json, git-ignored) that caches each
// lesson's last result under the content hash of the lesson's files, and remembers the current lesson
// and how many hints were shown. Everything here takes its paths from a ProgressEnv, so tests never
// touch the real state file.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LessonChecks } from './harness/check.ts';
import { allLessons, lessonsDir, repoRoot, solutionsDir } from './lessons.ts';
import { runLesson, type CheckResult } from './runner.ts';
import { ignoredName } from './cli/files.ts';
import { style } from './cli/style.ts';
import { currentLang, tr, type Lang } from './i18n/lang.ts';

export const STATE_VERSION = 1;

/** A lesson's last result, valid while the lesson's files hash to `hash` and the checks to `checker`. */
export interface LessonResult {
  hash: string;
  checker: string;
  status: 'pass' | 'fail';
  passed: number;
  total: number;
  /** Title of the first failing check. */
  firstFailure?: string;
  /** ISO time of the run. */
  at: string;
}

export interface LessonRecord {
  result?: LessonResult;
  /** How many of the manifest's hints `hint` has shown. */
  hintsShown?: number;
  /** Every check passed at least once (the solution's diff opens from then on). */
  everDone?: boolean;
}

export interface State {
  version: typeof STATE_VERSION;
  /** Where the learner moved to with n or the list. */
  current?: string;
  lessons: Record<string, LessonRecord>;
}

export interface ProgressEnv {
  /** The repository (a git checkout, normally). */
  repoRoot: string;
  /** The learner's lesson folders. */
  lessonsRoot: string;
  /** The reference solutions. */
  solutionsRoot: string;
  stateFile: string;
  lessons: LessonChecks[];
  /** Identifies the checks' source: a cached result of other checks is stale. */
  checker: () => string;
  /**
   * Runs one lesson's checks (tests pass a fake). Aborting `signal` stops the run: every program it
   * started is killed and the promise rejects with runner.ts's RunCancelled (name 'AbortError').
   */
  run: (lesson: LessonChecks, root: string, onResult?: (r: CheckResult) => void, signal?: AbortSignal) => Promise<CheckResult[]>;
  /** One-line notes for the learner (a corrupt state file); stderr by default. */
  note: (line: string) => void;
}

export function defaultEnv(): ProgressEnv {
  return {
    repoRoot,
    lessonsRoot: lessonsDir,
    solutionsRoot: solutionsDir,
    stateFile: path.join(repoRoot, '.netlings', 'state.json'),
    lessons: allLessons,
    checker: memo(() => checkerFingerprint(path.join(repoRoot, 'checker', 'src'))),
    run: (lesson, root, onResult, signal) => runLesson(lesson, { root, ...(onResult ? { onResult } : {}), ...(signal ? { signal } : {}) }),
    note: (line) => console.error(line),
  };
}

function memo<T>(f: () => T): () => T {
  let v: { value: T } | undefined;
  return () => (v ??= { value: f() }).value;
}

// ---------------------------------------------------------------------------------------------
// The state file

export function emptyState(): State {
  return { version: STATE_VERSION, lessons: {} };
}

/** The state, or an empty one when the file is missing; a corrupt or old-format file is noted in one line and ignored. */
export function loadState(file: string, note: (line: string) => void = () => {}): State {
  const shown = path.relative(process.cwd(), file).startsWith('..') ? file : path.relative(process.cwd(), file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') note(`netlings: cannot read ${shown} (${(e as NodeJS.ErrnoException).code ?? 'error'}); starting with no recorded progress`);
    return emptyState();
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    note(`netlings: ignoring ${shown}: it is not valid JSON (lessons are checked again and the file rewritten)`);
    return emptyState();
  }
  const state = parseState(raw);
  if (!state) note(`netlings: ignoring ${shown}: it is from another netlings version (lessons are checked again and the file rewritten)`);
  return state ?? emptyState();
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A State from parsed JSON, keeping only well-formed fields; undefined when it is not our format. */
export function parseState(raw: unknown): State | undefined {
  if (!isObject(raw) || raw['version'] !== STATE_VERSION || !isObject(raw['lessons'])) return undefined;
  const state: State = emptyState();
  if (typeof raw['current'] === 'string') state.current = raw['current'];
  for (const [name, rec] of Object.entries(raw['lessons'])) {
    if (!isObject(rec)) continue;
    const out: LessonRecord = {};
    const n = rec['hintsShown'];
    if (typeof n === 'number' && Number.isInteger(n) && n >= 0) out.hintsShown = n;
    if (rec['everDone'] === true) out.everDone = true;
    const r = rec['result'];
    if (
      isObject(r) &&
      typeof r['hash'] === 'string' &&
      typeof r['checker'] === 'string' &&
      (r['status'] === 'pass' || r['status'] === 'fail') &&
      typeof r['passed'] === 'number' &&
      typeof r['total'] === 'number' &&
      typeof r['at'] === 'string'
    ) {
      out.result = { hash: r['hash'], checker: r['checker'], status: r['status'], passed: r['passed'], total: r['total'], at: r['at'] };
      if (typeof r['firstFailure'] === 'string') out.result.firstFailure = r['firstFailure'];
    }
    state.lessons[name] = out;
  }
  return state;
}

/**
 * Writes data to a temporary file beside `file`, then renames it over `file`: a reader sees the old
 * content or the new, never half of it. `beforeRename` is for tests.
 */
export function writeFileAtomic(file: string, data: string, beforeRename?: (tmp: string) => void): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    writeFileSync(tmp, data);
    beforeRename?.(tmp);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export function saveState(file: string, state: State): void {
  writeFileAtomic(file, JSON.stringify(state, null, 2) + '\n');
}

/**
 * Read, change, write: the file is re-read just before the change so two netlings commands
 * (npm start in one terminal, npm run hint in another) do not undo each other's writes.
 * A state file that cannot be written (read-only checkout) costs the cache, nothing else.
 */
export function updateState(env: ProgressEnv, change: (s: State) => void): State {
  const state = loadState(env.stateFile, () => {});
  change(state);
  try {
    saveState(env.stateFile, state);
  } catch (e) {
    env.note(`netlings: cannot write ${env.stateFile} (${(e as NodeJS.ErrnoException).code ?? 'error'}); progress is not remembered`);
  }
  return state;
}

// ---------------------------------------------------------------------------------------------
// Content hashes

export { ignoredName, isSourceFile, PROBE_PREFIX, scratchTool } from './cli/files.ts';

/** Every file under dir, as sorted relative paths with '/' separators, without the ignored ones. */
export function lessonFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    let entries;
    try {
      entries = readdirSync(path.join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (ignoredName(e.name)) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (e.isFile() || e.isSymbolicLink()) out.push(r);
    }
  };
  walk('');
  return out.sort();
}

/** sha256 over the relative paths and bytes of the folder's files (node_modules and scratch files excluded). */
export function hashLesson(dir: string): string {
  const h = createHash('sha256');
  for (const rel of lessonFiles(dir)) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path.join(dir, rel));
    } catch {
      continue; // removed while we looked, or a dangling link
    }
    h.update(`${rel}\0${bytes.length}\0`);
    h.update(bytes);
  }
  return h.digest('hex');
}

/** A hash of the checker's sources (not its CLI): a result cached under other checks is stale. */
export function checkerFingerprint(checkerSrc: string): string {
  const h = createHash('sha256');
  for (const rel of lessonFiles(checkerSrc)) {
    if (rel.startsWith('cli/') || rel === 'progress.ts') continue;
    h.update(`${rel}\0`);
    try {
      h.update(readFileSync(path.join(checkerSrc, rel)));
    } catch {
      // gone
    }
  }
  return h.digest('hex').slice(0, 16);
}

// ---------------------------------------------------------------------------------------------
// Lesson states

export type LessonStatus = 'done' | 'failing' | 'not started';

export interface LessonView {
  lesson: string;
  title: string;
  dir: string;
  status: LessonStatus;
  hash: string;
  result?: LessonResult;
}

export interface LessonManifest {
  title: string;
  summary: string;
  hints: string[];
}

/**
 * The lesson's lesson.json, tolerant of a missing or broken file (the title falls back to the folder
 * name). In another language than English each field is its translation (`title_zh-CN`,
 * `summary_zh-CN`, `hints_zh-CN`) where lesson.json has one, else the English field.
 */
export function readManifest(lessonDir: string, lang: Lang = currentLang()): LessonManifest {
  const fallback = { title: path.basename(lessonDir), summary: '', hints: [] as string[] };
  try {
    const raw: unknown = JSON.parse(readFileSync(path.join(lessonDir, 'lesson.json'), 'utf8'));
    if (!isObject(raw)) return fallback;
    const field = (name: string): unknown => (lang !== 'en' && raw[`${name}_${lang}`] !== undefined ? raw[`${name}_${lang}`] : raw[name]);
    const t = field('title');
    const title = typeof t === 'string' && t.trim() ? t : fallback.title;
    const su = field('summary');
    const summary = typeof su === 'string' ? su : '';
    const h = field('hints');
    const hints = Array.isArray(h) ? h.filter((x): x is string => typeof x === 'string') : [];
    return { title, summary, hints };
  } catch {
    return fallback;
  }
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
}

/**
 * The lessons whose folders are exactly as committed (no change, no new file): untouched starters.
 * undefined when the repository is not a git checkout (or git is missing).
 */
export function pristineLessons(env: ProgressEnv): Set<string> | undefined {
  const relLessons = path.relative(env.repoRoot, env.lessonsRoot).split(path.sep).join('/') || '.';
  let top: string;
  let status: string;
  let tracked: string;
  try {
    top = git(env.repoRoot, ['rev-parse', '--show-toplevel']).trim();
    status = git(env.repoRoot, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', relLessons]);
    tracked = git(env.repoRoot, ['ls-tree', '--name-only', 'HEAD', '--', `${relLessons}/`]);
  } catch {
    return undefined;
  }
  const touched = new Set<string>();
  const entries = status.split('\0');
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] ?? '';
    if (e.length < 4) continue;
    const code = e.slice(0, 2);
    if (code[0] === 'R' || code[0] === 'C') i++; // the next entry is the rename's source
    const rel = path.relative(env.lessonsRoot, path.resolve(top, e.slice(3))).split(path.sep);
    if (rel[0] === undefined || rel[0].startsWith('..')) continue;
    if (rel.some((part) => ignoredName(part))) continue;
    touched.add(rel[0]);
  }
  // A lesson that is not in HEAD at all is not a starter.
  const inHead = new Set(tracked.split('\n').filter(Boolean).map((p) => path.basename(p)));
  return new Set(env.lessons.map((l) => l.lesson).filter((l) => inHead.has(l) && !touched.has(l)));
}

function statusOf(result: LessonResult | undefined, pristine: boolean): LessonStatus {
  if (result?.status === 'pass') return 'done';
  if (pristine || !result) return 'not started';
  return 'failing';
}

/** A lesson's result as it goes in the state file. */
export function summarize(hash: string, checker: string, results: CheckResult[]): LessonResult {
  const passed = results.filter((r) => r.status === 'pass').length;
  const failure = results.find((r) => r.status !== 'pass');
  return {
    hash,
    checker,
    status: results.length > 0 && !failure ? 'pass' : 'fail',
    passed,
    total: results.length,
    ...(failure ? { firstFailure: failure.title } : {}),
    at: new Date().toISOString(),
  };
}

/** Stores a run's results for the lesson under the hash its files had before the run. */
export function recordResults(env: ProgressEnv, lesson: string, hash: string, results: CheckResult[]): LessonResult {
  const result = summarize(hash, env.checker(), results);
  updateState(env, (s) => {
    const rec = (s.lessons[lesson] ??= {});
    rec.result = result;
    if (result.status === 'pass') rec.everDone = true;
  });
  return result;
}

export interface RefreshOptions {
  /** Check lessons whose files changed since their cached result (default true). */
  check?: boolean;
  /** Told before a lesson's checks run, and why they run. */
  onChecking?: (lesson: string, why: string) => void;
}

/**
 * Every lesson with its state. A lesson whose files hash as in its cached result keeps that result;
 * an untouched starter (as committed in git) is "not started" without running anything; every other
 * lesson is checked now (and cached).
 */
export async function refresh(env: ProgressEnv, opts: RefreshOptions = {}): Promise<{ views: LessonView[]; state: State; ran: Map<string, CheckResult[]> }> {
  const state = loadState(env.stateFile, env.note);
  const pristine = pristineLessons(env) ?? new Set<string>();
  const views: LessonView[] = [];
  const ran = new Map<string, CheckResult[]>();
  for (const l of env.lessons) {
    let view = lessonView(env, l.lesson, state, pristine);
    if (!view.result && !pristine.has(l.lesson) && opts.check !== false && existsSync(view.dir)) {
      const before = state.lessons[l.lesson]?.result;
      opts.onChecking?.(l.lesson, !before ? tr('not checked before', '之前没检查过') : before.checker !== env.checker() ? tr('the checks changed', '检查改了') : tr('changed since its last check', '上次检查后有改动'));
      const results = await env.run(l, env.lessonsRoot);
      ran.set(l.lesson, results);
      const result = recordResults(env, l.lesson, view.hash, results);
      view = { ...view, result, status: statusOf(result, false) };
    }
    views.push(view);
  }
  return { views, state: loadState(env.stateFile, () => {}), ran };
}

/** One lesson as it stands now, from its files and the state's cached result (nothing is run). */
export function lessonView(env: ProgressEnv, lesson: string, state: State, pristine: Set<string> | undefined): LessonView {
  const dir = path.join(env.lessonsRoot, lesson);
  const hash = hashLesson(dir);
  let result = state.lessons[lesson]?.result;
  if (result && (result.hash !== hash || result.checker !== env.checker())) result = undefined;
  const untouched = pristine?.has(lesson) ?? false;
  return { lesson, title: readManifest(dir).title, dir, status: statusOf(result, untouched), hash, ...(result ? { result } : {}) };
}

/** The lesson the learner moved to, else the first one not done, else the last. */
export function currentLesson(views: LessonView[], state: State): number {
  const moved = views.findIndex((v) => v.lesson === state.current);
  if (moved >= 0) return moved;
  const next = views.findIndex((v) => v.status !== 'done');
  return next >= 0 ? next : Math.max(0, views.length - 1);
}

// ---------------------------------------------------------------------------------------------
// The list view

export function progressBar(done: number, total: number, width = 20): string {
  const filled = total === 0 ? 0 : Math.round((done / total) * width);
  return `${style.green('█'.repeat(filled))}${style.dim('░'.repeat(width - filled))} ${done}/${total}`;
}

const marks: Record<LessonStatus, () => string> = {
  done: () => style.green(tr('✓ done       ', '✓ 已完成  ')),
  failing: () => style.red(tr('✗ failing    ', '✗ 未通过  ')),
  'not started': () => style.dim(tr('· not started', '· 未开始  ')),
};

export function formatStatus(s: LessonStatus): string {
  return marks[s]();
}

/** Every lesson with its state, the progress bar and the current lesson: the home screen's text. */
export function formatList(views: LessonView[], current: number, opts: { numbered?: boolean } = {}): string {
  const done = views.filter((v) => v.status === 'done').length;
  const width = Math.max(0, ...views.map((v) => v.lesson.length));
  const lines = [`${style.bold('netlings')}  ${progressBar(done, views.length)} ${tr('lessons done', '课已完成')}`, ''];
  views.forEach((v, i) => {
    const here = i === current;
    const pointer = here ? style.cyan('▸') : ' ';
    const num = opts.numbered ? `${style.dim(`${String(i + 1).padStart(2)})`)} ` : '';
    const detail = v.status === 'failing' && v.result ? style.dim(tr(`  ${v.result.passed}/${v.result.total} checks pass`, `  ${v.result.passed}/${v.result.total} 项检查通过`)) : '';
    const name = here ? style.bold(v.lesson.padEnd(width)) : v.lesson.padEnd(width);
    lines.push(`${pointer} ${num}${formatStatus(v.status)}  ${name}  ${v.title}${detail}`);
  });
  const cur = views[current];
  if (cur) {
    lines.push('');
    if (done === views.length) lines.push(tr(`${style.green('Every lesson is done.')} Compare yours with the solutions: npm run diff -- ${lessonNumber(cur.lesson)}`, `${style.green('每一课都完成了。')}把你的代码和参考答案比一比：npm run diff -- ${lessonNumber(cur.lesson)}`));
    else lines.push(tr(`Current lesson: ${style.bold(cur.lesson)} — read lessons/${cur.lesson}/README.md, then edit its src/`, `当前课程：${style.bold(cur.lesson)} —— 先读 lessons/${cur.lesson}/${readmeName()}，再编辑它的 src/`));
  }
  return lines.join('\n');
}

/** The lesson README the learner reads: README.zh-CN.md in Chinese. */
export function readmeName(lang: Lang = currentLang()): string {
  return lang === 'en' ? 'README.md' : `README.${lang}.md`;
}

/** "01-basic-socket" → "01". */
export function lessonNumber(lesson: string): string {
  return /^\d+/.exec(lesson)?.[0] ?? lesson;
}
