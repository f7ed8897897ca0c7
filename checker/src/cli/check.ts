// `npm run check -- [LESSON] [--root DIR] [--json]`

import path from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { allLessons, findLesson, findRoot, lessonFoldersIn, lessonsDir, repoRoot, UsageError } from '../lessons.ts';
import { helpOption, parseCommand, usageOf, type CommandSpec } from './args.ts';
import { defaultEnv, hashLesson, recordResults } from '../progress.ts';
import { runLesson, type CheckResult } from '../runner.ts';
import { formatFailure, formatResult, summaryLine, type FormatOptions } from '../report.ts';
import { style } from './style.ts';
import { writeHtmlReport } from '../html/index.ts';
import { drawsCommand, rootArg, seedCommand } from '../replay.ts';
import { tr } from '../i18n/lang.ts';
import type { LessonChecks } from '../harness/check.ts';

export const checkHelp = `usage: npm run check -- [LESSON...] [--root DIR] [--only ID]... [--json] [--html FILE]
                        [--seed N | --explore N | --replay DRAWS]

Checks one lesson (01, 01-basic-socket) or, without LESSON, all of them, and prints
every failure in full (npm start folds a long one to fit the screen).
  --root DIR   the folder holding the lesson folders: lessons (default), solutions,
               or a student's copy of lessons/ (a whole clone of the repository
               means its lessons/)
  --only ID    run only the check with this id (repeat it for more); an unknown id
               is a usage error that lists the lesson's ids
  --json       one JSON object per line and check instead of the report: lesson, id,
               title, target (server|client), status (pass|fail|skip), durationMs,
               and for a failure code, message, expected, actual, hint, transcript;
               seed for a check whose cuts are seeded.
               Use \`npm run -s check\` so npm adds no lines of its own.
  --html FILE  also write every check of the run to FILE as one self-contained web
               page, failures first: each conversation as a sequence diagram, the
               expected bytes beside what arrived, the hint (it loads nothing)
  --seed N     where the checks that cut bytes adversarially cut them (the seed a
               failure names; default 1, so plain runs are the same every time)
  --explore N  run those checks N times each with fresh seeds (their seeded cases
               only), and report every one that fails: its first failing seed, and
               that failure shrunk to the fewest, earliest cuts that still fail
  --replay DRAWS  with one --only ID: run that check's seeded case once on the draws
               an --explore finding names (such as 1,0,3): its smallest case again
  -h, --help   this text
Exit code: 0 when every selected check passed, 1 when one failed, 2 on a usage error.`;

export interface CheckRun {
  root: string;
  lessons: LessonChecks[];
  only?: string[];
  seed?: number;
}

export const checkSpec = {
  command: 'npm run check',
  help: checkHelp,
  options: {
    root: { type: 'string' },
    json: { type: 'boolean', default: false },
    html: { type: 'string' },
    only: { type: 'string', multiple: true },
    seed: { type: 'string' },
    explore: { type: 'string' },
    replay: { type: 'string' },
    ...helpOption,
  },
  positionals: true,
} as const satisfies CommandSpec;

/** A whole number for an option, or a usage error naming the option. */
function wholeNumber(name: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name} takes a whole number${min > 0 ? ` from ${min}` : ''}, not "${raw}"`, usageOf(checkSpec));
  return n;
}

/** `--replay 1,0,3`: the draws of a seeded case (an empty list is the simplest case). */
function drawList(raw: string | undefined): number[] | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (text === '') return [];
  const parts = text.split(',').map((p) => p.trim());
  if (!parts.every((p) => /^\d+$/.test(p) && Number.isSafeInteger(Number(p)))) {
    throw new UsageError(`--replay takes the draws an --explore finding names, whole numbers separated by commas (such as 1,0,3), not "${raw}"`, usageOf(checkSpec));
  }
  return parts.map(Number);
}

export function parseCheckArgs(argv: string[]): CheckRun & { json: boolean; html?: string; help: boolean; note?: string; explore?: number; replay?: number[] } {
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
  const seed = wholeNumber('seed', values.seed, 0);
  const explore = wholeNumber('explore', values.explore, 1);
  const replay = drawList(values.replay);
  if (seed !== undefined && explore !== undefined) throw new UsageError('--seed replays one run and --explore tries fresh seeds: give one of them', usageOf(checkSpec));
  if (replay !== undefined) {
    if (seed !== undefined || explore !== undefined) throw new UsageError('--replay runs one seeded case on the draws given: it takes neither --seed nor --explore', usageOf(checkSpec));
    const id = values.only?.length === 1 ? values.only[0] : undefined;
    const check = lessons.flatMap((l) => l.checks).find((c) => c.id === id);
    if (!id || lessons.length !== 1) throw new UsageError('--replay needs one lesson and one --only ID: the check whose seeded case the draws replay', usageOf(checkSpec));
    if (!check?.explores) {
      const seeded = lessons.flatMap((l) => l.checks).filter((c) => c.explores).map((c) => c.id);
      throw new UsageError(`"${id}" has no seeded case to replay${seeded.length ? `; the seeded checks of ${lessons[0]?.lesson} are ${seeded.join(', ')}` : ''}`, usageOf(checkSpec));
    }
  }
  if (explore !== undefined && !lessons.some((l) => l.checks.some((c) => c.explores))) {
    const which = allLessons.filter((l) => l.checks.some((c) => c.explores)).map((l) => l.lesson.slice(0, 2));
    throw new UsageError(`no check of ${lessons.map((l) => l.lesson).join(', ')} draws its cuts from a seed; those of ${which.join(', ')} do`, usageOf(checkSpec));
  }
  return {
    root,
    lessons,
    json: values.json,
    ...(seed !== undefined ? { seed } : {}),
    ...(explore !== undefined ? { explore } : {}),
    ...(replay !== undefined ? { replay } : {}),
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
 * folders of their own), and a lesson's run is mostly waiting: three side by side fill 2 cores
 * (all nine on the solutions: 18.2-19.5 s with two at once, 17.3 s with three; 245 of 245 passed
 * twice with three at once beside two busy loops), and deadlines grow on an overloaded machine
 * (harness/deadline.ts).
 */
const LESSONS_AT_ONCE = 3;

/** How a result is printed to this terminal (or pipe), with the replay command for `root`. */
function textOptions(root: string): FormatOptions {
  return { ...(process.stdout.isTTY && process.stdout.columns ? { width: process.stdout.columns } : {}), rootArg: rootArg(root) };
}


/** Runs the checks, printing as results come in (lesson by lesson, in order); returns every result. */
export async function runChecks(run: CheckRun, print: 'text' | 'json' | 'none'): Promise<CheckResult[]> {
  const show = (r: CheckResult): void => {
    if (print === 'text') console.log(formatResult(r, textOptions(run.root)));
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
        ...(run.seed !== undefined ? { seed: run.seed } : {}),
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
    if (print === 'text') console.log(lessonHeading(run.root, r.lesson));
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

/** A lesson's heading line: its name, and (dim) the folder checked and what follows. */
function lessonHeading(root: string, lesson: LessonChecks, after = ''): string {
  return style.bold(lesson.lesson) + style.dim(`  (${path.relative(repoRoot, path.join(root, lesson.lesson)) || '.'})${after}`);
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
  if (run.explore !== undefined) return exploreCommand(run, run.explore, run.json);
  if (run.replay !== undefined) return replayCommand(run, run.replay, run.json);
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
      subtitle: `${where === 'lessons' ? 'your lessons' : where.startsWith('..') ? path.resolve(run.root) : where}, checked ${new Date().toLocaleString('en-GB')}`,
      rootArg: rootArg(run.root),
      file: run.html,
    });
    // On stderr with --json, so the JSON lines stay the only thing on stdout.
    (run.json ? console.error : console.log)(`the page: ${run.html}`);
  }
  return results.length > 0 && results.every((r) => r.status === 'pass') ? 0 : 1;
}

/** `--explore N`: every seeded check of the lessons N times with fresh seeds; exit 1 when a seed fails. */
async function exploreCommand(run: CheckRun, n: number, json: boolean): Promise<number> {
  const { exploreLesson, replayToken } = await import('../explore.ts');
  let found = 0;
  for (const lesson of run.lessons) {
    if (!lesson.checks.some((c) => c.explores)) continue;
    const tty = process.stderr.isTTY && !json;
    const t0 = performance.now();
    const report = await exploreLesson(lesson, {
      root: run.root,
      runs: n,
      ...(run.only ? { only: run.only } : {}),
      onProgress: (id, done, of) => {
        if (tty) process.stderr.write(`\r\x1b[K${style.dim(`exploring ${lesson.lesson} ${id}: ${done}/${of} seeds (${((performance.now() - t0) / 1000).toFixed(0)} s)`)}`);
        else if (done === of && !json) console.error(style.dim(`explored ${lesson.lesson} ${id}: ${of} seeds (${((performance.now() - t0) / 1000).toFixed(1)} s so far)`));
      },
      onShrink: (id, tries, budget) => {
        if (tty) process.stderr.write(`\r\x1b[K${style.dim(`shrinking the failure of ${lesson.lesson} ${id}: run ${tries} (at most ${budget})`)}`);
      },
    });
    if (tty) process.stderr.write('\r\x1b[K');
    found += report.findings.length;
    if (json) {
      for (const f of report.findings) console.log(JSON.stringify({ lesson: f.lesson, id: f.id, title: f.title, seed: f.seed, failedSeeds: f.failedSeeds, tried: f.tried, draws: f.draws, replay: replayToken(f.draws), shrinkRuns: f.shrinkRuns, smallest: withoutEvents(f.smallest) }));
      console.log(JSON.stringify({ lesson: report.lesson, explored: report.checks, skipped: report.skipped, findings: report.findings.length, runs: report.runs, ms: report.ms }));
      continue;
    }
    const secs = (report.ms / 1000).toFixed(1);
    console.log(lessonHeading(run.root, lesson, `: ${plural(report.checks.length, 'check')}, ${plural(n, 'seed')} each, ${plural(report.runs, 'run')} with shrinking, ${secs} s`));
    for (const s of report.skipped) console.log(`  - ${s.id}: not explored, ${s.why}`);
    for (const f of report.findings) {
      console.log(`  ${style.red('✗')} ${f.title}: ${f.failedSeeds} of ${plural(f.tried, 'seed')} fail; the first, ${f.seed}, shrunk in ${plural(f.shrinkRuns, 'run')} to:`);
      // The tree checked, when it is not the learner's own lessons/.
      const root = rootArg(run.root);
      console.log(formatFailure(f.smallest, process.stdout.isTTY ? process.stdout.columns : undefined, root).replace(/^/gm, '    '));
      console.log(style.dim(`    this smallest case again: ${drawsCommand(f.lesson, f.id, replayToken(f.draws), root)}`));
      console.log(style.dim(`    the first failing run again: ${seedCommand(f.lesson, f.id, f.seed, root)}`));
    }
    if (report.findings.length === 0) console.log(`  ${style.green('✓')} no seed failed`);
  }
  return found === 0 ? 0 : 1;
}

/** `--replay DRAWS --only ID`: the check's seeded case once on those draws (a finding's smallest case). */
async function replayCommand(run: CheckRun, draws: number[], json: boolean): Promise<number> {
  const { replayCheck, replayToken } = await import('../explore.ts');
  const lesson = run.lessons[0] as LessonChecks;
  const id = run.only?.[0] as string;
  const results = await replayCheck(lesson, id, draws, run.root);
  if (json) {
    for (const r of results) console.log(JSON.stringify({ ...withoutEvents(r), ...(r.id === id ? { replay: replayToken(draws) } : {}) }));
  } else {
    console.log(lessonHeading(run.root, lesson, `: the seeded case of ${id} on the draws ${replayToken(draws) || '(none)'}`));
    for (const r of results) console.log(formatResult(r, textOptions(run.root)));
  }
  return results.every((r) => r.status === 'pass') ? 0 : 1;
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}
