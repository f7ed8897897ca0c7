// Grading one submission: stage a private copy, find its lesson folders, take the run from the
// cache or start a worker for it (isolated, with its own wall-clock budget), and turn what the
// worker reports into a RawRun. Whatever the submission does, this returns: a crash, a timeout, a
// refused zip or an empty folder is that student's grading status, never the batch's failure.

import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { CheckResult } from '../runner.ts';
import { cacheKey, contentHash, RunCache } from './cache.ts';
import { missingFiles, programProblems } from './diagnose.ts';
import { findLessonsRoot, topNames, type Submission } from './discover.ts';
import { cleanEnv, seedWorkerCache, startWorker, writeLauncher, type Isolation } from './isolate.ts';
import type { LessonPlan } from './points.ts';
import { worst, type GradingStatus, type RawRun } from './result.ts';
import { stageDir, stageZip, StageError } from './stage.ts';
import { LineVerifier, type WorkerJob } from './wire.ts';

export interface GradeOptions {
  plans: LessonPlan[];
  /** Wall-clock budget of the whole submission, in seconds. */
  timeout: number;
  /** Address-space cap of each learner program, MiB (0: none). */
  memoryMb: number;
  isolation: Isolation;
  timeScale: string;
  /** Where the submissions' private copies go (one folder each, removed afterwards). */
  runRoot: string;
  cache?: RunCache;
  /** Ignore the cache (still write to it). */
  force: boolean;
  /** Only answer from the cache: undefined when the run is not there. */
  cacheOnly?: boolean;
  checkerFingerprint: string;
  /** The most the grader reads of a worker's output, bytes. */
  maxOutputBytes: number;
  /** A warm tsx cache to start each worker with (warmWorkerCache), made on first use. */
  warmCache?: () => string | undefined;
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 60) || 'submission';
}

export async function gradeSubmission(sub: Submission, opts: GradeOptions): Promise<{ raw: RawRun; cached: boolean } | undefined> {
  const t0 = performance.now();
  const stage = path.join(opts.runRoot, `${safeName(sub.name)}-${randomBytes(4).toString('hex')}`);
  const copy = path.join(stage, 'sub');
  const lessonNames = opts.plans.map((p) => p.lesson);
  const base = (status: GradingStatus, notes: string[], extra: Partial<RawRun> = {}): RawRun => ({
    status,
    notes,
    root: null,
    graded: [],
    results: [],
    seconds: Math.round((performance.now() - t0) / 10) / 100,
    isolation: opts.isolation,
    contentHash: '',
    ...extra,
  });
  try {
    mkdirSync(stage, { recursive: true });
    let notes: string[];
    try {
      notes = (sub.kind === 'zip' ? stageZip(sub.source, copy) : stageDir(sub.source, copy)).notes;
      let found = findLessonsRoot(copy, lessonNames);
      // An upload of one zip (Gradescope, PrairieLearn): unpack it and look again.
      if (!found) {
        const zips = readdirSync(copy).filter((n) => n.toLowerCase().endsWith('.zip'));
        if (zips.length === 1 && zips[0]) {
          const inner = path.join(stage, 'sub-zip');
          notes.push(...stageZip(path.join(copy, zips[0]), inner).notes);
          const f = findLessonsRoot(inner, lessonNames);
          if (f) found = { ...f, rel: `${zips[0]}:${f.rel}` };
        }
      }
      // Grading one lesson (a PrairieLearn question): the lesson folder's content itself is enough,
      // src/server.ts... or server.ts... at the top.
      if (!found && opts.plans.length === 1) {
        const lesson = opts.plans[0]?.lesson as string;
        const top = readdirSync(copy);
        const dest = path.join(stage, 'single', lesson);
        if (top.includes('src') || top.some((n) => /^(server|client)\.ts$/.test(n))) {
          mkdirSync(path.dirname(dest), { recursive: true });
          if (top.includes('src')) renameSync(copy, dest);
          else {
            mkdirSync(dest, { recursive: true });
            renameSync(copy, path.join(dest, 'src'));
          }
          found = { dir: path.dirname(dest), rel: '.', lessons: [lesson] };
          notes.push(`no lesson folder: its files were taken as ${lesson}/${top.includes('src') ? '' : 'src/'}`);
        }
      }
      if (!found) {
        const holds = topNames(copy);
        return { raw: base('no_lessons', [`no lesson folder found: looked for ${lessonNames.join(', ')} at its top, under lessons/ and a few folders deeper; it holds ${holds.length ? holds.join(', ') : 'nothing'}`, ...notes]), cached: false };
      }
      const present = lessonNames.filter((l) => found.lessons.includes(l));
      const missingLessons = lessonNames.filter((l) => !present.includes(l));
      const missing = missingFiles(found.dir, opts.plans, present);
      let status: GradingStatus = 'ok';
      const problems: string[] = [];
      if (missingLessons.length) problems.push(`not handed in: ${missingLessons.join(', ')}`);
      if (missing.length) problems.push(`missing ${missing.join(', ')}`);
      if (problems.length) status = 'missing_files';
      notes = [...problems, ...notes];

      const content = contentHash(found.dir, found.rel, present);
      const key = cacheKey({ content, checker: opts.checkerFingerprint, lessons: present, timeScale: opts.timeScale, memoryMb: opts.memoryMb });
      const hit = opts.force ? undefined : opts.cache?.get(key);
      if (hit) return { raw: hit, cached: true };
      if (opts.cacheOnly) return undefined;

      const run = present.length ? await runWorker(found.dir, present, stage, opts) : { results: [], status: 'ok' as GradingStatus, notes: [] };
      const raw = base(worst(status, run.status), [...run.notes, ...notes], { root: found.rel, graded: present, results: run.results, contentHash: content });
      const crashes = programProblems(raw.results);
      if (crashes.length) {
        raw.status = worst(raw.status, 'program_crashed');
        raw.notes.push(...crashes);
      }
      // A grading problem's own line goes first: it is what the status means.
      raw.notes.sort((a, b) => rankNote(raw.status, a) - rankNote(raw.status, b));
      opts.cache?.put(key, raw);
      return { raw, cached: false };
    } catch (e) {
      if (e instanceof StageError) return { raw: base('refused', [`not graded: ${e.message}`]), cached: false };
      throw e;
    }
  } catch (e) {
    return { raw: base('grader_error', [`the grader failed on this submission: ${e instanceof Error ? e.message : String(e)}`]), cached: false };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

function rankNote(status: GradingStatus, note: string): number {
  if (status === 'timeout' && note.startsWith('used up')) return 0;
  if (status === 'grader_error' && note.startsWith('the grading process')) return 0;
  if (status === 'missing_files' && (note.startsWith('missing') || note.startsWith('not handed in'))) return 0;
  return 1;
}

interface WorkerRun {
  status: GradingStatus;
  notes: string[];
  results: CheckResult[];
}

async function runWorker(rootDir: string, lessons: string[], stage: string, opts: GradeOptions): Promise<WorkerRun> {
  const key = randomBytes(32).toString('hex');
  const marker = randomBytes(12).toString('hex');
  const launcher = writeLauncher(stage, opts.memoryMb);
  const env = cleanEnv(stage, marker, opts.timeScale === '1' ? undefined : opts.timeScale);
  mkdirSync(path.join(stage, 'tmp'), { recursive: true });
  seedWorkerCache(stage, opts.warmCache?.());
  const worker = startWorker(opts.isolation, stage, env, opts.checkerFingerprint);
  const verifier = new LineVerifier(key);
  const results: CheckResult[] = [];
  let done = false;
  let errorMessage: string | undefined;
  let readBytes = 0;
  let overflow = false;
  let stderrTail = '';
  let pending = '';

  const job: WorkerJob = { root: rootDir, lessons, key, ...(launcher ? { launcher } : {}) };
  worker.child.stdin?.on('error', () => {});
  worker.child.stdin?.end(JSON.stringify(job));
  worker.child.stdout?.on('data', (b: Buffer) => {
    if (overflow) return;
    readBytes += b.length;
    if (readBytes > opts.maxOutputBytes) {
      overflow = true;
      void worker.kill();
      return;
    }
    pending += b.toString('utf8');
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      const m = verifier.accept(line);
      if (!m) continue;
      if (m.type === 'result') results.push(m.result);
      else if (m.type === 'done') done = true;
      else if (m.type === 'error') errorMessage = m.message;
    }
  });
  worker.child.stderr?.on('data', (b: Buffer) => {
    stderrTail = (stderrTail + b.toString('utf8')).slice(-4000);
  });

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void worker.kill();
  }, opts.timeout * 1000);
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    worker.child.on('error', (e) => {
      errorMessage = e.message;
      resolve({ code: null, signal: null });
    });
    worker.child.on('close', (code, signal) => resolve({ code, signal }));
  });
  clearTimeout(timer);
  await worker.kill(); // whatever is left of it: the namespace, or the tracked descendants

  const total = lessons.length;
  if (verifier.tampered) return { status: 'grader_error', notes: [`the grading process's output was tampered with (${verifier.tampered}); results after that point are discarded`], results };
  if (timedOut) return { status: 'timeout', notes: [`used up its --timeout of ${opts.timeout} s and was stopped; ${results.length} checks had finished, the rest score 0`], results };
  if (overflow) return { status: 'grader_error', notes: [`the grading process wrote more than ${opts.maxOutputBytes >> 20} MiB and was stopped`], results };
  if (!done || errorMessage) {
    const why = errorMessage ?? (exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`);
    const tail = stderrTail.trim().split('\n').slice(-3).join(' | ');
    return { status: 'grader_error', notes: [`the grading process stopped before the end (${why})${tail ? `: ${tail}` : ''}; ${results.length} checks of ${total} lesson(s) had finished`], results };
  }
  return { status: 'ok', notes: [], results };
}
