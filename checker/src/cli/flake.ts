// `npm run flake`: the checker's verdicts must not depend on luck.
//   flake [N] [LESSON...] [--root DIR]   every check N times; on the solutions any failure is flakiness,
//                                        on another tree any check whose result changes between runs is
//   flake --mutants [N] [LESSON...]      every mutant N times; every run in which it was not caught

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LessonChecks } from '../harness/check.ts';
import { allLessons, findLesson, resolveRoot, solutionsDir, UsageError } from '../lessons.ts';
import { runLesson, type CheckResult } from '../runner.ts';
import { style } from './style.ts';
import { helpOption, parseCommand, type CommandSpec } from './args.ts';

export const flakeHelp = `usage: npm run flake -- [N] [LESSON...] [--root DIR] | --mutants [N] [LESSON...] [--jobs J]

Without --mutants: runs every check of the lessons (default: all; LESSON as 01 or 01-basic-socket)
N times (default 20) against --root. On the solutions every check must pass every time; on any
other tree (a broken program) every check must get the same result every time. Reports each check
that did not, with its last failure.
With --mutants: runs every mutant of the lessons N times (default 20), each with the check that
names its bug and that check's prerequisites, and reports every run in which the mutant was not
caught (the check passed, or a prerequisite failed).
  --root DIR   the folder holding the lesson folders (default solutions)
  --mutants    run the mutants instead of the checks on a tree
  --jobs J     with --mutants: how many mutants run at once (default 2)
  -h, --help   this text
Exit code: 0 when nothing was reported, 1 otherwise, 2 on a usage error.`;

export const flakeSpec = {
  command: 'npm run flake',
  help: flakeHelp,
  options: { root: { type: 'string' }, mutants: { type: 'boolean', default: false }, jobs: { type: 'string', default: '2' }, ...helpOption },
  positionals: true,
} as const satisfies CommandSpec;

export async function flakeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(flakeSpec, argv);
  if (values.help) {
    console.log(flakeHelp);
    return 0;
  }
  // N is a plain number (20); a lesson is named with its two digits or its folder (02, 02-loop-server).
  let n = 20;
  const lessonArgs: string[] = [];
  for (const p of positionals) {
    if (/^[1-9]\d*$/.test(p)) n = Number(p);
    else lessonArgs.push(p);
  }
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`N must be a whole number above 0, not ${n}`);
  const lessons = lessonArgs.length ? lessonArgs.map((a) => findLesson(a)) : allLessons;
  if (values.mutants) {
    if (values.root) throw new UsageError('--mutants runs the mutants of the solutions; it takes no --root');
    const jobs = Number(values.jobs);
    if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs must be a whole number above 0, not ${values.jobs}`);
    return flakeMutants(lessons, n, jobs);
  }
  return flakeChecks(lessons, n, resolveRoot(values.root ?? 'solutions'));
}

async function flakeChecks(lessons: LessonChecks[], n: number, root: string): Promise<number> {
  const isSolutions = path.resolve(root) === solutionsDir;
  const seen = new Map<string, { statuses: Map<string, number>; last: CheckResult }>();
  const t0 = performance.now();
  let checks = 0;
  for (let i = 1; i <= n; i++) {
    const t = performance.now();
    let failed = 0;
    for (const lesson of lessons) {
      for (const r of await runLesson(lesson, { root })) {
        checks++;
        if (r.status === 'fail') failed++;
        const key = `${r.lesson} ${r.id}`;
        const s = seen.get(key) ?? { statuses: new Map<string, number>(), last: r };
        const verdict = r.status === 'fail' ? `fail ${r.code ?? ''}`.trim() : r.status;
        s.statuses.set(verdict, (s.statuses.get(verdict) ?? 0) + 1);
        if (r.status !== 'pass') s.last = r;
        seen.set(key, s);
      }
    }
    console.log(`run ${i}/${n}: ${failed ? `${failed} failed` : 'all passed'} in ${((performance.now() - t) / 1000).toFixed(2)} s`);
  }
  const total = ((performance.now() - t0) / 1000).toFixed(1);
  const bad = [...seen.entries()].filter(([, s]) => (isSolutions ? [...s.statuses.keys()].some((k) => k !== 'pass') : s.statuses.size > 1));
  console.log(`\n${n} runs, ${checks} checks in ${total} s against ${path.relative(process.cwd(), root) || root}`);
  if (bad.length === 0) {
    console.log(style.green(isSolutions ? 'no failures: every check passed every time' : 'stable: every check got the same result in every run'));
    if (!isSolutions) {
      const failing = [...seen.entries()].filter(([, s]) => !s.statuses.has('pass'));
      console.log(`${seen.size - failing.length} of ${seen.size} checks pass${failing.length ? `; failing every time: ${failing.map(([k]) => k.split(' ')[1]).join(', ')}` : ''}`);
    }
    return 0;
  }
  for (const [key, s] of bad) {
    const counts = [...s.statuses.entries()].map(([k, c]) => `${k} ${c}×`).join(', ');
    console.log(`\n${style.red(key)}: ${counts}; last non-pass:\n${s.last.message ?? s.last.status}\n${s.last.transcript ?? ''}`);
  }
  return 1;
}

async function flakeMutants(lessons: LessonChecks[], n: number, jobs: number): Promise<number> {
  // The mutants live beside the checker's tests, not in what a grader export ships: loaded only here.
  const { mutantRoot, mutantsOf, withNeeds } = await import('../mutation.ts');
  const temp = mkdtempSync(path.join(tmpdir(), 'netlings-flake-'));
  const work: { lesson: LessonChecks; id: string; catches: string; root: string }[] = [];
  try {
    for (const lesson of lessons) {
      for (const m of await mutantsOf(lesson.lesson)) {
        work.push({ lesson, id: m.id, catches: m.catches, root: mutantRoot(lesson.lesson, m, path.join(temp, lesson.lesson, m.id)) });
      }
    }
    console.log(`${work.length} mutants × ${n} runs, ${jobs} at a time`);
    const t0 = performance.now();
    const misses: string[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      for (;;) {
        const w = work[next++];
        if (!w) return;
        const t = performance.now();
        const only = withNeeds(w.lesson, w.catches);
        let caught = 0;
        for (let i = 1; i <= n; i++) {
          const results = await runLesson(w.lesson, { root: w.root, only });
          const target = results.find((r) => r.id === w.catches);
          const prereq = results.find((r) => r.id !== w.catches && r.status !== 'pass');
          if (target?.status === 'fail' && !prereq) caught++;
          else {
            const why = prereq ? `prerequisite "${prereq.id}" ${prereq.status}: ${prereq.message ?? ''}` : `check "${w.catches}" ${target?.status ?? 'did not run'}`;
            misses.push(`${w.lesson.lesson} ${w.id} run ${i}: ${why}`);
          }
        }
        const mark = caught === n ? style.green('✓') : style.red('✗');
        console.log(`${mark} ${w.lesson.lesson} ${w.id}: caught by ${w.catches} ${caught}/${n} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(jobs, work.length) }, worker));
    console.log(`\n${work.length} mutants × ${n} runs in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${misses.length === 0 ? style.green('every mutant caught every time') : style.red(`${misses.length} runs not caught`)}`);
    for (const m of misses) console.log(`  ${m}`);
    return misses.length === 0 ? 0 : 1;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}
