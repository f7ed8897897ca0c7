// `npm run check -- [LESSON] [--root DIR] [--json]`

import path from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { allLessons, findLesson, findRoot, lessonFoldersIn, lessonsDir, repoRoot, UsageError } from '../lessons.ts';
import { helpOption, parseCommand, usageOf, type CommandSpec } from './args.ts';
import { defaultEnv, hashLesson, recordResults } from '../progress.ts';
import { runLesson, type CheckResult } from '../runner.ts';
import { formatResult, summaryLine } from '../report.ts';
import { style } from './style.ts';
import { writeHtmlReport } from '../html/index.ts';
import { tr } from '../i18n/lang.ts';
import type { LessonChecks } from '../harness/check.ts';

export const checkHelp = `usage: npm run check -- [LESSON...] [--root DIR] [--only ID]... [--json] [--html FILE]

Checks one lesson (01, 01-basic-socket) or, without LESSON, all of them, and prints
every failure in full (npm start folds a long one to fit the screen).
  --root DIR   the folder holding the lesson folders: lessons (default), solutions,
               or a student's copy of lessons/ (a whole clone of the repository
               means its lessons/)
  --only ID    run only the check with this id (repeat it for more); an unknown id
               is a usage error that lists the lesson's ids
  --json       one JSON object per line and check instead of the report: lesson, id,
               title, target (server|client), status (pass|fail|skip), durationMs,
               and for a failure code, message, expected, actual, hint, transcript.
               Use \`npm run -s check\` so npm adds no lines of its own.
  --html FILE  also write every check of the run to FILE as one self-contained web
               page, failures first: each conversation as a sequence diagram, the
               expected bytes beside what arrived, the hint (it loads nothing)
  -h, --help   this text
Exit code: 0 when every selected check passed, 1 when one failed, 2 on a usage error.`;

export interface CheckRun {
  root: string;
  lessons: LessonChecks[];
  only?: string[];
}

export const checkSpec = {
  command: 'npm run check',
  help: checkHelp,
  options: {
    root: { type: 'string' },
    json: { type: 'boolean', default: false },
    html: { type: 'string' },
    only: { type: 'string', multiple: true },
    ...helpOption,
  },
  positionals: true,
} as const satisfies CommandSpec;

export function parseCheckArgs(argv: string[]): CheckRun & { json: boolean; html?: string; help: boolean; note?: string } {
  const { values, positionals } = parseCommand(checkSpec, argv);
  if (values.help) return { root: lessonsDir, lessons: [], json: false, help: true };
  let lessons = positionals.length ? positionals.map((p) => findLesson(p)) : allLessons;
  const { root, note } = findRoot(values.root);
  // Some named lessons have no folder under the root: say so, rather than fail every check of them.
  const present = lessons.filter((l) => existsSync(path.join(root, l.lesson)));
  if (present.length === 0) {
    const there = lessonFoldersIn(root);
    throw new UsageError(
      `${path.relative(process.cwd(), root) || '.'} has no folder ${lessons.map((l) => l.lesson).join(', ')}${there.length ? ` (it holds ${there.join(', ')})` : ''}`,
    );
  }
  if (values.only) {
    const ids = new Set(lessons.flatMap((l) => l.checks.map((c) => c.id)));
    const unknown = values.only.filter((id) => !ids.has(id));
    if (unknown.length) {
      const known = lessons.map((l) => `${l.lesson}: ${l.checks.map((c) => c.id).join(', ')}`).join('; ');
      throw new UsageError(`no check ${unknown.map((id) => `"${id}"`).join(', ')} in ${lessons.map((l) => l.lesson).join(', ')}; the ids are ${known}`, usageOf(checkSpec));
    }
    // Lessons without any of the checks asked for are not run at all.
    lessons = lessons.filter((l) => l.checks.some((c) => values.only?.includes(c.id)));
  }
  return {
    root,
    lessons,
    json: values.json,
    ...(values.html !== undefined ? { html: htmlFile(values.html) } : {}),
    help: false,
    ...(values.only ? { only: values.only } : {}),
    ...(note ? { note } : {}),
  };
}

/** The --html file: a path to write, never a folder. */
function htmlFile(file: string): string {
  if (file === '' || file.endsWith('/') || (existsSync(file) && statSync(file).isDirectory())) {
    throw new UsageError(`--html needs a file to write the page to (such as report.html), not ${file === '' ? 'nothing' : `the folder ${file}`}`, usageOf(checkSpec));
  }
  return path.resolve(file);
}

/**
 * Lessons run at once when several are checked. Their programs are independent (port 0, temporary
 * folders of their own), and a lesson's run is mostly waiting: two side by side fill the machine's
 * cores without starving either (deadlines also grow on an overloaded machine: harness/deadline.ts).
 */
const LESSONS_AT_ONCE = 2;

/** Runs the checks, printing as results come in (lesson by lesson, in order); returns every result. */
export async function runChecks(run: CheckRun, print: 'text' | 'json' | 'none'): Promise<CheckResult[]> {
  const show = (r: CheckResult): void => {
    if (print === 'text') console.log(formatResult(r, process.stdout.isTTY && process.stdout.columns ? { width: process.stdout.columns } : {}));
    if (print === 'json') console.log(JSON.stringify(withoutEvents(r)));
  };
  // The first lesson's results are printed as they come; the others' wait for their turn.
  const runs = run.lessons.map((lesson) => ({ lesson, results: [] as CheckResult[], done: false, wake: () => {} }));
  const startOne = async (r: (typeof runs)[number]): Promise<void> => {
    // The learner's own tree: remember the result, as npm start would (keyed by the content checked).
    const mine = path.resolve(run.root) === lessonsDir;
    const hash = mine ? hashLesson(path.join(run.root, r.lesson.lesson)) : '';
    try {
      await runLesson(r.lesson, {
        root: run.root,
        ...(run.only ? { only: run.only } : {}),
        onResult: (res) => {
          r.results.push(res);
          r.wake();
        },
      });
      if (mine && r.results.length === r.lesson.checks.length) recordResults(defaultEnv(), r.lesson.lesson, hash, r.results);
    } finally {
      r.done = true;
      r.wake();
    }
  };
  // Started in order, except that the lesson with the most checks starts beside the first one: left
  // for last it would run alone at the end, on one core.
  const biggest = runs.slice(1).reduce<(typeof runs)[number] | undefined>((a, r) => (!a || r.lesson.checks.length > a.lesson.checks.length ? r : a), undefined);
  const queue = biggest ? [runs[0] as (typeof runs)[number], biggest, ...runs.slice(1).filter((r) => r !== biggest)] : [...runs];
  const worker = async (): Promise<void> => {
    for (let r = queue.shift(); r; r = queue.shift()) await startOne(r);
  };
  const workers = Promise.all(Array.from({ length: Math.min(LESSONS_AT_ONCE, runs.length) }, worker));
  // A checker bug that stops a worker must not leave the printing below waiting for lessons never run.
  workers.catch(() => {
    for (const r of runs) {
      r.done = true;
      r.wake();
    }
  });
  const all: CheckResult[] = [];
  for (const r of runs) {
    if (print === 'text') console.log(style.bold(`${r.lesson.lesson}`) + style.dim(`  (${path.relative(repoRoot, path.join(run.root, r.lesson.lesson)) || '.'})`));
    let shown = 0;
    for (;;) {
      while (shown < r.results.length) show(r.results[shown++] as CheckResult);
      if (r.done) break;
      await new Promise<void>((wake) => (r.wake = wake));
    }
    all.push(...r.results);
  }
  await workers;
  return all;
}

/** --json prints the fields it documents; the conversation as data (events) goes to --html only. */
function withoutEvents(r: CheckResult): Omit<CheckResult, 'events'> {
  const { events: _events, ...rest } = r;
  return rest;
}

export async function checkCommand(argv: string[]): Promise<number> {
  const run = parseCheckArgs(argv);
  if (run.help) {
    console.log(checkHelp);
    return 0;
  }
  if (run.note) console.error(style.dim(run.note));
  const t0 = performance.now();
  const results = await runChecks(run, run.json ? 'json' : 'text');
  if (!run.json) {
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    const verdict = results.every((r) => r.status === 'pass') ? style.green(tr('all checks passed', '全部检查通过')) : style.red(tr('some checks failed', '有检查未通过'));
    console.log(tr(`\n${verdict}: ${summaryLine(results)} in ${secs} s`, `\n${verdict}：${summaryLine(results)}，用时 ${secs} 秒`));
  }
  if (run.html) {
    const where = path.relative(repoRoot, run.root) || '.';
    writeHtmlReport(results, {
      title: `netlings: ${run.lessons.map((l) => l.lesson).join(', ')}`,
      subtitle: `${where === 'lessons' ? 'your lessons' : where}, checked ${new Date().toLocaleString('en-GB')}`,
      file: run.html,
    });
    // On stderr with --json, so the JSON lines stay the only thing on stdout.
    (run.json ? console.error : console.log)(`the page: ${run.html}`);
  }
  return results.length > 0 && results.every((r) => r.status === 'pass') ? 0 : 1;
}
