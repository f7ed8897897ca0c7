// What each check is worth, and which are hidden: from the course's own lesson.json (never the
// submission's). A manifest may carry
//   "checks": { "survives-reset": { "points": 2 }, "idle-uses-no-cpu": { "hidden": true } }
// Every check not named there is worth 1 point and visible. A lesson's score is the sum of the
// points of its passed checks: partial credit, never all-or-nothing.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { LessonChecks, Target } from '../harness/check.ts';
import { UsageError } from '../lessons.ts';

export interface PlannedCheck {
  id: string;
  title: string;
  target: Target;
  points: number;
  hidden: boolean;
}

export interface LessonPlan {
  lesson: string;
  title: string;
  checks: PlannedCheck[];
  maxScore: number;
  /** The files a submission must have for this lesson, relative to the lesson folder (src/server.ts...). */
  files: string[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The grading plan of each lesson: its checks with points and visibility, its required files. */
export function planLessons(lessons: LessonChecks[], manifestsRoot: string): LessonPlan[] {
  return lessons.map((l) => planLesson(l, manifestsRoot));
}

export function planLesson(lesson: LessonChecks, manifestsRoot: string): LessonPlan {
  const file = path.join(manifestsRoot, lesson.lesson, 'lesson.json');
  let raw: unknown = {};
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`${file}: ${(e as Error).message}`);
  }
  const manifest = isObject(raw) ? raw : {};
  const title = typeof manifest['title'] === 'string' ? manifest['title'] : lesson.lesson;
  const marks = isObject(manifest['checks']) ? manifest['checks'] : {};
  const ids = new Set(lesson.checks.map((c) => c.id));
  for (const [id, mark] of Object.entries(marks)) {
    if (!ids.has(id)) throw new UsageError(`${file}: "checks" names "${id}", which is not a check of ${lesson.lesson} (its checks: ${[...ids].join(', ')})`);
    if (!isObject(mark)) throw new UsageError(`${file}: checks.${id} must be an object like { "points": 2, "hidden": true }`);
    const p = mark['points'];
    if (p !== undefined && (typeof p !== 'number' || !Number.isFinite(p) || p < 0)) throw new UsageError(`${file}: checks.${id}.points must be a number ≥ 0`);
    const h = mark['hidden'];
    if (h !== undefined && typeof h !== 'boolean') throw new UsageError(`${file}: checks.${id}.hidden must be true or false`);
  }
  const checks = lesson.checks.map((c): PlannedCheck => {
    const mark = marks[c.id];
    const m = isObject(mark) ? mark : {};
    return { id: c.id, title: c.title, target: c.target, points: typeof m['points'] === 'number' ? m['points'] : 1, hidden: m['hidden'] === true };
  });
  const graded = Array.isArray(manifest['graded']) ? manifest['graded'].filter((g): g is string => g === 'server' || g === 'client') : [];
  const roles = new Set<string>(graded);
  for (const c of lesson.checks) if (c.target !== 'module') roles.add(c.target);
  const files = [...[...roles].sort().reverse().map((r) => `src/${r}.ts`), ...new Set(lesson.checks.flatMap((c) => (c.target === 'module' && c.module ? [c.module] : [])))];
  return { lesson: lesson.lesson, title, checks, maxScore: checks.reduce((s, c) => s + c.points, 0), files };
}

/** A stable fingerprint of the plans (points and visibility), for the cache key of the written files. */
export function planFingerprint(plans: LessonPlan[]): string {
  return JSON.stringify(plans.map((p) => [p.lesson, p.checks.map((c) => [c.id, c.points, c.hidden])]));
}
