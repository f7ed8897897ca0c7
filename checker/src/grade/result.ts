// One submission's grade: what the worker reported (the raw run, which the cache keeps), and the
// scored result every writer reads (the raw run under the course's points and visibility).

import type { CheckResult } from '../runner.ts';
import type { Isolation } from './isolate.ts';
import type { LessonPlan } from './points.ts';

/**
 * How grading went for the student, worst first:
 *   refused        the submission was not graded: a zip entry escaping its folder, too big, unreadable
 *   no_lessons     no lesson folder of the course was found in it
 *   timeout        it used up its --timeout; checks not reached score 0
 *   grader_error   the grading process itself died or its output was tampered with
 *   missing_files  a lesson folder or a graded file (src/server.ts...) is missing
 *   program_crashed a program does not compile, or dies before it is ready (a missing package...)
 *   ok             every check ran
 */
export type GradingStatus = 'refused' | 'no_lessons' | 'timeout' | 'grader_error' | 'missing_files' | 'program_crashed' | 'ok';
const ORDER: GradingStatus[] = ['refused', 'no_lessons', 'timeout', 'grader_error', 'missing_files', 'program_crashed', 'ok'];

export function worst(a: GradingStatus, b: GradingStatus): GradingStatus {
  return ORDER.indexOf(a) <= ORDER.indexOf(b) ? a : b;
}

/** What one grading run found, before points: cached by the submission's content. */
export interface RawRun {
  status: GradingStatus;
  /** What happened, in one line per problem (the first is the status's reason). */
  notes: string[];
  /** Where the lessons were found, relative to the submission ("." or "lessons"), or null. */
  root: string | null;
  /** The lessons handed in and graded. */
  graded: string[];
  results: CheckResult[];
  /** Seconds the grading took. */
  seconds: number;
  isolation: Isolation;
  /** sha256 of the graded files: the cache key's content part. */
  contentHash: string;
}

export interface GradedCheck {
  lesson: string;
  id: string;
  title: string;
  status: 'pass' | 'fail' | 'skip';
  score: number;
  maxScore: number;
  hidden: boolean;
  /** The runner's result; for a check not run, a stand-in with code NOT_HANDED_IN or NOT_RUN. */
  result: CheckResult;
}

export interface GradedLesson {
  lesson: string;
  title: string;
  handedIn: boolean;
  score: number;
  maxScore: number;
  checks: GradedCheck[];
}

export interface SubmissionResult {
  student: string;
  /** The submission as handed in: the folder or zip. */
  source: string;
  root: string | null;
  checker: { version: string; fingerprint: string };
  status: GradingStatus;
  notes: string[];
  isolation: Isolation;
  seconds: number;
  score: number;
  maxScore: number;
  lessons: GradedLesson[];
  /** True when the run came from the cache. */
  cached: boolean;
  gradedAt: string;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** The raw run under the plans: every planned check gets a line, scored by its points. */
export function scoreRun(student: string, source: string, raw: RawRun, plans: LessonPlan[], checker: { version: string; fingerprint: string }, cached: boolean, gradedAt: string): SubmissionResult {
  const byKey = new Map(raw.results.map((r) => [`${r.lesson}\0${r.id}`, r]));
  const lessons = plans.map((plan): GradedLesson => {
    const handedIn = raw.graded.includes(plan.lesson);
    const checks = plan.checks.map((c): GradedCheck => {
      let result = byKey.get(`${plan.lesson}\0${c.id}`);
      if (!result) {
        const [code, message] = !handedIn
          ? ['NOT_HANDED_IN', raw.status === 'refused' || raw.status === 'no_lessons' ? `not graded: ${raw.notes[0] ?? raw.status}` : `not graded: the submission has no ${plan.lesson}/ folder`]
          : ['NOT_RUN', raw.status === 'timeout' ? `not run: ${raw.notes[0] ?? 'the submission ran out of time'}` : `not run: ${raw.notes[0] ?? 'the grading process stopped first'}`];
        result = { lesson: plan.lesson, id: c.id, title: c.title, target: c.target, status: 'fail', code, message, durationMs: 0 };
      }
      const score = result.status === 'pass' ? c.points : 0;
      return { lesson: plan.lesson, id: c.id, title: c.title, status: result.status, score, maxScore: c.points, hidden: c.hidden, result };
    });
    return { lesson: plan.lesson, title: plan.title, handedIn, score: round(checks.reduce((s, c) => s + c.score, 0)), maxScore: plan.maxScore, checks };
  });
  return {
    student,
    source,
    root: raw.root,
    checker,
    status: raw.status,
    notes: raw.notes,
    isolation: raw.isolation,
    seconds: raw.seconds,
    score: round(lessons.reduce((s, l) => s + l.score, 0)),
    maxScore: round(lessons.reduce((s, l) => s + l.maxScore, 0)),
    lessons,
    cached,
    gradedAt,
  };
}
