// `npm run check -- [LESSON] [--root DIR] [--json]`

import path from 'node:path';
import { parseArgs } from 'node:util';
import { allLessons, findLesson, lessonsDir, resolveRoot, repoRoot } from '../lessons.ts';
import { defaultEnv, hashLesson, recordResults } from '../progress.ts';
import { runLesson, type CheckResult } from '../runner.ts';
import { formatResult, summaryLine } from '../report.ts';
import { style } from './style.ts';
import type { LessonChecks } from '../harness/check.ts';

export const checkHelp = `usage: npm run check -- [LESSON] [--root DIR] [--json]

Checks one lesson (01, 01-basic-socket) or, without LESSON, all of them.
  --root DIR   the folder holding the lesson folders: lessons (default), solutions,
               or a student's copy of lessons/
  --json       one JSON object per line and check instead of the report: lesson, id,
               title, target (server|client), status (pass|fail|skip), durationMs,
               and for a failure code, message, expected, actual, hint, transcript.
               Use \`npm run -s check\` so npm adds no lines of its own.
  --only ID    run only the check with this id (repeatable)
Exit code: 0 when every selected check passed, 1 when one failed, 2 on a usage error.`;

export interface CheckRun {
  root: string;
  lessons: LessonChecks[];
  only?: string[];
}

export function parseCheckArgs(argv: string[]): CheckRun & { json: boolean; help: boolean } {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      root: { type: 'string' },
      json: { type: 'boolean', default: false },
      only: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
  });
  const lessons = positionals.length ? positionals.map(findLesson) : allLessons;
  return {
    root: resolveRoot(values.root),
    lessons,
    json: values.json,
    help: values.help,
    ...(values.only ? { only: values.only } : {}),
  };
}

/** Runs the checks, printing as results come in; returns every result. */
export async function runChecks(run: CheckRun, print: 'text' | 'json' | 'none'): Promise<CheckResult[]> {
  const all: CheckResult[] = [];
  for (const lesson of run.lessons) {
    if (print === 'text') console.log(style.bold(`${lesson.lesson}`) + style.dim(`  (${path.relative(repoRoot, path.join(run.root, lesson.lesson)) || '.'})`));
    // The learner's own tree: remember the result, as npm start would (keyed by the content checked).
    const mine = path.resolve(run.root) === lessonsDir;
    const hash = mine ? hashLesson(path.join(run.root, lesson.lesson)) : '';
    const results = await runLesson(lesson, {
      root: run.root,
      ...(run.only ? { only: run.only } : {}),
      onResult: (r) => {
        if (print === 'text') console.log(formatResult(r));
        if (print === 'json') console.log(JSON.stringify(r));
      },
    });
    if (mine && results.length === lesson.checks.length) recordResults(defaultEnv(), lesson.lesson, hash, results);
    all.push(...results);
  }
  return all;
}

export async function checkCommand(argv: string[]): Promise<number> {
  const run = parseCheckArgs(argv);
  if (run.help) {
    console.log(checkHelp);
    return 0;
  }
  const t0 = performance.now();
  const results = await runChecks(run, run.json ? 'json' : 'text');
  if (!run.json) {
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(`\n${results.every((r) => r.status === 'pass') ? style.green('all checks passed') : style.red('some checks failed')}: ${summaryLine(results)} in ${secs} s`);
  }
  return results.length > 0 && results.every((r) => r.status === 'pass') ? 0 : 1;
}
