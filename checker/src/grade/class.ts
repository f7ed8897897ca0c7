// Grading a class: every submission through gradeSubmission, --jobs at a time, scored under the
// course's points; a progress line on a terminal (done/total, problems so far, time left).

import os from 'node:os';
import type { Submission } from './discover.ts';
import type { LessonPlan } from './points.ts';
import { scoreRun, type SubmissionResult } from './result.ts';
import { gradeSubmission, type GradeOptions } from './submission.ts';
import { checkerVersion } from './version.ts';

export interface Progress {
  done: number;
  total: number;
  problems: number;
  /** Seconds left, estimated from the submissions graded so far; undefined before the first. */
  secondsLeft: number | undefined;
  last?: SubmissionResult;
}

export interface ClassOptions extends GradeOptions {
  jobs: number;
  /** --only NAME: grade NAME afresh, take the others from the cache (left out when not there). */
  cacheOnlyExcept?: string;
  /** Called once per finished submission. */
  onProgress?: (p: Progress) => void;
}

export function defaultJobs(): number {
  return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
}

export async function gradeClass(subs: Submission[], plans: LessonPlan[], opts: ClassOptions): Promise<SubmissionResult[]> {
  const out: (SubmissionResult | undefined)[] = new Array(subs.length);
  const checker = checkerVersion();
  let next = 0;
  let done = 0;
  let problems = 0;
  let ranSeconds = 0;
  let ran = 0;
  const lane = async () => {
    while (next < subs.length) {
      const i = next++;
      const sub = subs[i] as Submission;
      const graded = await gradeSubmission(sub, { ...opts, cacheOnly: opts.cacheOnlyExcept !== undefined && opts.cacheOnlyExcept !== sub.name, force: opts.force || opts.cacheOnlyExcept === sub.name });
      done++;
      if (!graded) continue; // --only: not in the cache, left out
      const { raw, cached } = graded;
      const s = scoreRun(sub.name, sub.source, raw, plans, checker, cached, new Date().toISOString());
      out[i] = s;
      if (s.status !== 'ok') problems++;
      if (!cached) {
        ran++;
        ranSeconds += raw.seconds;
      }
      const left = subs.length - done;
      const per = ran ? ranSeconds / ran : undefined;
      opts.onProgress?.({ done, total: subs.length, problems, secondsLeft: per === undefined ? undefined : (left * per) / Math.max(1, Math.min(opts.jobs, left)), last: s });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.jobs, subs.length)) }, lane));
  return out.filter((s): s is SubmissionResult => s !== undefined);
}

export function formatDuration(s: number): string {
  if (s < 60) return `${Math.round(s)} s`;
  return `${Math.floor(s / 60)} min ${String(Math.round(s % 60)).padStart(2, '0')} s`;
}

export function progressLine(p: Progress): string {
  const left = p.done === p.total ? 'done' : p.secondsLeft === undefined ? 'estimating time left' : `~${formatDuration(p.secondsLeft)} left`;
  return `grading ${p.done}/${p.total} · ${p.problems} with problems · ${left}`;
}
