// `npm run grade -- SUBMISSIONS_DIR [options]`: the instructor's grader (see docs/instructor.md).
// `npm run grade -- export gradescope|prairielearn|classroom`: the grader for a platform's fleet.
// `npm run grade -- platform gradescope|prairielearn|classroom`: what those exports run inside.

import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { allLessons, findLesson, lessonsDir, UsageError } from '../lessons.ts';
import { RunCache } from '../grade/cache.ts';
import { defaultJobs, formatDuration, gradeClass, progressLine } from '../grade/class.ts';
import { listSubmissions } from '../grade/discover.ts';
import { exportCommand } from '../grade/export/index.ts';
import { probeIsolation, warmWorkerCache, type IsolationKind } from '../grade/isolate.ts';
import { platformCommand } from '../grade/platform.ts';
import { planLessons } from '../grade/points.ts';
import { checkerVersion } from '../grade/version.ts';
import { writeAll } from '../grade/write/all.ts';

export const gradeHelp = `usage: npm run grade -- SUBMISSIONS_DIR [options]
       npm run grade -- export gradescope|prairielearn|classroom [--out DIR] [--lessons 01,02]

Grades every submission in SUBMISSIONS_DIR: each folder (a copy of lessons/, or a whole clone of
the repository) or .zip of one is one student, named after it. Each runs isolated, in a process
of its own, several at once; a crash or a timeout is that student's grading status.
  --out DIR          where the results go (default ./grades): grades.csv, junit.xml, summary.txt,
                     and per student results.json (Gradescope), classroom.json, prairielearn.json,
                     junit.xml, feedback.txt (what the student may see), netlings.json (everything)
  --jobs N           submissions graded at once (default: the number of cores, here ${defaultJobs()})
  --timeout SECONDS  wall-clock budget of one submission (default 180)
  --memory MB        address-space cap of each of a student's programs (default 1024; 0: none)
  --lessons 01,02    grade only these lessons
  --only NAME        re-grade only this student; the others come from the cache
  --force            ignore the cache
  --isolation KIND   auto (default), namespaces (fail when unavailable) or process-group
  --manifests DIR    the folder whose NN-slug/lesson.json give points and hidden checks
                     (default: the course's own lessons/; never the submission's)
  --time-scale X     stretch every deadline of the checks (NETLINGS_TIME_SCALE), default 1
Exit code: 0 when every submission was graded (whatever its score), 1 when the grader failed on
one (grading status grader_error), 2 on a usage error.`;

function shown(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel === '' ? '.' : rel.startsWith('..') ? p : rel;
}

export async function gradeCommand(argv: string[]): Promise<number> {
  if (argv[0] === 'export') return exportCommand(argv.slice(1));
  if (argv[0] === 'platform') return platformCommand(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string', default: 'grades' },
      jobs: { type: 'string' },
      timeout: { type: 'string', default: '180' },
      memory: { type: 'string', default: '1024' },
      lessons: { type: 'string' },
      only: { type: 'string' },
      force: { type: 'boolean', default: false },
      isolation: { type: 'string', default: 'auto' },
      manifests: { type: 'string' },
      'time-scale': { type: 'string', default: process.env['NETLINGS_TIME_SCALE'] ?? '1' },
      quiet: { type: 'boolean', short: 'q', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(gradeHelp);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`give one SUBMISSIONS_DIR (got ${positionals.length ? positionals.join(' ') : 'none'}); see --help`);
  const dir = path.resolve(positionals[0] as string);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${positionals[0]}: no such folder`);
  const num = (name: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < min) throw new UsageError(`--${name} ${v}: give a number ≥ ${min}`);
    return n;
  };
  const jobs = values.jobs === undefined ? defaultJobs() : Math.floor(num('jobs', values.jobs, 1));
  const timeout = num('timeout', values.timeout, 1);
  const memoryMb = num('memory', values.memory, 0);
  const timeScale = String(num('time-scale', values['time-scale'], 0.1));
  if (!['auto', 'namespaces', 'process-group'].includes(values.isolation)) throw new UsageError(`--isolation ${values.isolation}: auto, namespaces or process-group`);
  const lessons = values.lessons ? values.lessons.split(',').filter(Boolean).map((a) => findLesson(a)) : allLessons;
  const manifests = values.manifests ? path.resolve(values.manifests) : lessonsDir;
  const plans = planLessons(lessons, manifests);
  const out = path.resolve(values.out);

  const { submissions, skipped } = listSubmissions(dir);
  if (values.only && !submissions.some((s) => s.name === values.only)) throw new UsageError(`--only ${values.only}: no such submission in ${positionals[0]} (they are: ${submissions.map((s) => s.name).join(', ') || 'none'})`);
  const isolation = await probeIsolation(values.isolation as 'auto' | IsolationKind, memoryMb).catch((e: Error) => {
    throw new UsageError(e.message);
  });
  const log = (line: string) => {
    if (!values.quiet) console.error(line);
  };
  const v = checkerVersion();
  log(`netlings ${v.version} (checks ${v.fingerprint}): ${submissions.length} submission(s) in ${positionals[0]}, lessons ${plans.map((p) => p.lesson.slice(0, 2)).join(',')}, ${jobs} at a time, ${timeout} s each`);
  log(`isolation: ${isolation.kind}${isolation.fallbackReason ? ` (${isolation.fallbackReason})` : ''}; memory: ${isolation.memory}`);
  for (const s of skipped) log(`skipped ${s}`);

  const runRoot = mkdtempSync(path.join(os.tmpdir(), 'netlings-grade-'));
  const tty = process.stderr.isTTY && !values.quiet;
  const t0 = performance.now();
  let warmed: { dir: string | undefined } | undefined;
  const warm = () => (warmed ??= { dir: warmWorkerCache(runRoot, v.fingerprint) }).dir;
  let results;
  try {
    results = await gradeClass(submissions, plans, {
      plans,
      jobs,
      timeout,
      memoryMb,
      isolation,
      timeScale,
      runRoot,
      cache: new RunCache(path.join(out, '.cache')),
      force: values.force,
      checkerFingerprint: v.fingerprint,
      maxOutputBytes: 32 << 20,
      warmCache: warm,
      ...(values.only ? { cacheOnlyExcept: values.only } : {}),
      onProgress: (p) => {
        if (tty) process.stderr.write(`\r\x1b[K${progressLine(p)}`);
        else if (p.last) log(`[${p.done}/${p.total}] ${p.last.student}: ${p.last.score}/${p.last.maxScore} ${p.last.status}${p.last.cached ? ' (cached)' : ''} in ${p.last.seconds} s`);
      },
    });
  } finally {
    if (tty) process.stderr.write('\r\x1b[K');
    rmSync(runRoot, { recursive: true, force: true });
  }
  const table = writeAll(out, results, plans);
  if (!values.quiet) console.log(table);
  const left = values.only ? submissions.length - results.length : 0;
  log(`\n${results.length} graded in ${formatDuration((performance.now() - t0) / 1000)}${left ? ` (${left} not in the cache, left out: run without --only)` : ''}; results in ${shown(out)}/`);
  return results.some((r) => r.status === 'grader_error') ? 1 : 0;
}
