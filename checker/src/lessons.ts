// The course's lessons: their checks, their folders and their manifests.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LessonChecks } from './harness/check.ts';
import { lesson01 } from './checks/01-basic-socket.ts';
import { lesson02 } from './checks/02-loop-server.ts';
import { lesson06 } from './checks/06-auth.ts';

/** The repository: the folder above checker/. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const lessonsDir = path.join(repoRoot, 'lessons');
export const solutionsDir = path.join(repoRoot, 'solutions');

export const allLessons: LessonChecks[] = [lesson01, lesson02, lesson06];

export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'USAGE';
}

/** "1", "01", "01-basic-socket" → the lesson's checks. */
export function findLesson(arg: string): LessonChecks {
  const want = arg.trim().replace(/\/$/, '');
  const byNumber = /^\d+$/.test(want) ? want.padStart(2, '0') : undefined;
  const found = allLessons.find((l) => l.lesson === want || (byNumber !== undefined && l.lesson.startsWith(byNumber + '-')));
  if (!found) {
    throw new UsageError(`no lesson "${arg}"; the lessons are: ${allLessons.map((l) => l.lesson).join(', ')}`);
  }
  return found;
}

/** The --root argument as an absolute folder: "solutions" and "lessons" are the repo's own. */
export function resolveRoot(arg: string | undefined): string {
  if (arg === undefined) return lessonsDir;
  const candidates = [path.resolve(process.cwd(), arg), path.resolve(repoRoot, arg)];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new UsageError(`--root ${arg}: no such folder`);
  return found;
}
