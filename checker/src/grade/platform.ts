// Grading one submission where a platform hands it over: what the exported autograders run.
//   gradescope    $ROOT/submission → $ROOT/results/results.json        (ROOT: /autograder)
//   prairielearn  $ROOT/student    → $ROOT/results/results.json        (ROOT: /grade)
//   classroom     the repository checked out here → $GITHUB_OUTPUT result=BASE64 (and stdout)
// ROOT comes from --root, else NETLINGS_AUTOGRADER_ROOT / NETLINGS_GRADE_ROOT, else the platform's
// own path, so each entrypoint can be tried locally against a fake tree.

import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { allLessons, findLesson, lessonsDir, repoRoot, UsageError } from '../lessons.ts';
import type { Submission } from './discover.ts';
import { studentReport } from './feedback.ts';
import { probeIsolation } from './isolate.ts';
import { planLessons, type LessonPlan } from './points.ts';
import { scoreRun, type SubmissionResult } from './result.ts';
import { gradeSubmission } from './submission.ts';
import { checkerVersion } from './version.ts';
import { classroomResults } from './write/classroom.ts';
import { gradescopeResults } from './write/gradescope.ts';
import { prairielearnResults } from './write/prairielearn.ts';

export async function gradeOne(sub: Submission, plans: LessonPlan[], timeout: number, memoryMb: number): Promise<SubmissionResult> {
  const runRoot = mkdtempSync(path.join(os.tmpdir(), 'netlings-grade-'));
  try {
    const isolation = await probeIsolation('auto', memoryMb);
    const v = checkerVersion();
    const graded = await gradeSubmission(sub, { plans, timeout, memoryMb, isolation, timeScale: process.env['NETLINGS_TIME_SCALE'] ?? '1', runRoot, force: true, checkerFingerprint: v.fingerprint, maxOutputBytes: 32 << 20 });
    if (!graded) throw new Error('no result');
    return scoreRun(sub.name, sub.source, graded.raw, plans, v, false, new Date().toISOString());
  } finally {
    rmSync(runRoot, { recursive: true, force: true });
  }
}

export async function platformCommand(argv: string[]): Promise<number> {
  const [platform, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      root: { type: 'string' },
      timeout: { type: 'string', default: '300' },
      memory: { type: 'string', default: '1024' },
      lessons: { type: 'string', default: process.env['NETLINGS_LESSONS'] ?? '' },
      student: { type: 'string', default: process.env['NETLINGS_STUDENT'] ?? 'submission' },
    },
  });
  const plans = planLessons(values.lessons ? values.lessons.split(',').filter(Boolean).map((a) => findLesson(a)) : allLessons, lessonsDir);
  const timeout = Number(values.timeout);
  const memoryMb = Number(values.memory);
  if (!(timeout > 0) || !(memoryMb >= 0)) throw new UsageError('--timeout and --memory take numbers');
  const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
  if (platform === 'gradescope' || platform === 'prairielearn') {
    const gs = platform === 'gradescope';
    const root = path.resolve(values.root ?? process.env[gs ? 'NETLINGS_AUTOGRADER_ROOT' : 'NETLINGS_GRADE_ROOT'] ?? (gs ? '/autograder' : '/grade'));
    const source = path.join(root, gs ? 'submission' : 'student');
    const s = await gradeOne({ name: values.student, source, kind: 'dir' }, plans, timeout, memoryMb);
    const resultsDir = path.join(root, 'results');
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(path.join(resultsDir, 'results.json'), json(gs ? gradescopeResults(s) : prairielearnResults(s)));
    console.log(studentReport(s));
    return 0;
  }
  if (platform === 'classroom') {
    const source = path.resolve(values.root ?? repoRoot);
    const s = await gradeOne({ name: values.student, source, kind: 'dir' }, plans, timeout, memoryMb);
    const result = classroomResults(s);
    console.log(studentReport(s));
    const encoded = Buffer.from(JSON.stringify(result)).toString('base64');
    const out = process.env['GITHUB_OUTPUT'];
    if (out) appendFileSync(out, `result=${encoded}\n`);
    else console.log(JSON.stringify(result));
    return 0;
  }
  throw new UsageError(`platform ${platform ?? ''}: gradescope, prairielearn or classroom`);
}
