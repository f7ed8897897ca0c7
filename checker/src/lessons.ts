// The course's lessons: their checks, their folders and their manifests.

import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LessonChecks } from './harness/check.ts';
import { lesson01 } from './checks/01-basic-socket.ts';
import { lesson02 } from './checks/02-loop-server.ts';
import { lesson03 } from './checks/03-ssh-lite.ts';
import { lesson04 } from './checks/04-sticky-packets.ts';
import { lesson05 } from './checks/05-struct-headers.ts';
import { lesson06 } from './checks/06-auth.ts';
import { lesson09 } from './checks/09-udp.ts';
import { lesson07 } from './checks/07-socketserver.ts';
import { lesson08 } from './checks/08-chat.ts';

/** The repository: the folder above checker/. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const lessonsDir = path.join(repoRoot, 'lessons');
export const solutionsDir = path.join(repoRoot, 'solutions');

export const allLessons: LessonChecks[] = [lesson01, lesson02, lesson03, lesson04, lesson05, lesson06, lesson07, lesson08, lesson09];

/** How many lessons the course has (docs/course.md), written or not. */
export const COURSE_LESSONS = 9;

export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'USAGE';
  /** The command's usage line(s), printed under the message. */
  readonly usage: string | undefined;
  constructor(message: string, usage?: string) {
    super(message);
    this.usage = usage;
  }
}

/** "1", "01", "01-basic-socket" → the lesson's checks. */
export function findLesson(arg: string, lessons: LessonChecks[] = allLessons): LessonChecks {
  const want = arg.trim().replace(/\/$/, '');
  const byNumber = /^\d+$/.test(want) ? want.padStart(2, '0') : undefined;
  const found = lessons.find((l) => l.lesson === want || (byNumber !== undefined && l.lesson.startsWith(byNumber + '-')));
  if (!found) {
    const so = `the lessons so far are: ${lessons.map((l) => l.lesson).join(', ')}`;
    const n = Number(byNumber);
    // The course has nine lessons (docs/course.md); some are not written yet.
    if (byNumber !== undefined && n >= 1 && n <= COURSE_LESSONS) throw new UsageError(`lesson ${byNumber} is not written yet; ${so}`);
    throw new UsageError(`no lesson "${arg}"; ${so}`);
  }
  return found;
}

/** A folder name of the lessons' layout: "01-basic-socket", and any "NN-slug" a newer course may have. */
export function isLessonFolderName(name: string): boolean {
  return allLessons.some((l) => l.lesson === name) || /^\d{2}-[a-z0-9][a-z0-9-]*$/.test(name);
}

function folders(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    return [];
  }
}

/** The lesson folders directly inside dir, sorted. */
export function lessonFoldersIn(dir: string): string[] {
  return folders(dir).filter(isLessonFolderName).sort();
}

/** True when dir looks like one lesson's own folder (its lesson.json, or a src/ with a server or client). */
function isLessonFolder(dir: string): boolean {
  return (
    existsSync(path.join(dir, 'lesson.json')) ||
    existsSync(path.join(dir, 'src', 'server.ts')) ||
    existsSync(path.join(dir, 'src', 'client.ts')) ||
    isLessonFolderName(path.basename(dir))
  );
}

export interface Root {
  /** The folder that holds the lesson folders. */
  root: string;
  /** Set when the folder given was a whole clone of the repository: a note for the user. */
  note?: string;
}

/**
 * The --root argument as the folder holding lesson folders. "solutions" and "lessons" are the repo's
 * own. A whole clone of the repository means its lessons/. A folder without lesson folders (empty,
 * one lesson's own folder, a typo) is a usage error that says which of these it is.
 */
export function findRoot(arg: string | undefined): Root {
  if (arg === undefined) return { root: lessonsDir };
  // npm runs scripts in the repository; a relative path means the folder the user typed it in first.
  const typedIn = process.env['INIT_CWD'];
  const candidates = [...(typedIn ? [path.resolve(typedIn, arg)] : []), path.resolve(process.cwd(), arg), path.resolve(repoRoot, arg)];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new UsageError(`--root ${arg}: no such folder`);
  if (!statSync(found).isDirectory()) throw new UsageError(`--root ${arg} is a file; --root takes the folder that holds the lesson folders (01-basic-socket, ...)`);
  if (lessonFoldersIn(found).length > 0) return { root: found };
  const inner = path.join(found, 'lessons');
  if (lessonFoldersIn(inner).length > 0) {
    return { root: inner, note: `--root ${arg} is a copy of the whole repository: checking its lessons/ (its solutions are --root ${path.join(arg, 'solutions')})` };
  }
  if (isLessonFolder(found)) {
    const name = path.basename(found);
    const parent = path.dirname(arg.replace(/[/\\]+$/, '')) || '.';
    throw new UsageError(`--root ${arg} is one lesson's own folder (${name}); --root takes the folder that holds it: --root ${parent}${isLessonFolderName(name) ? ` ${name.slice(0, 2)}` : ''}`);
  }
  const entries = (() => {
    try {
      return readdirSync(found).length;
    } catch {
      return 0;
    }
  })();
  throw new UsageError(
    `--root ${arg} holds no lesson folders (${entries === 0 ? 'it is empty' : 'none of its folders is named like 01-basic-socket'}); give the folder that holds them, such as a student's copy of lessons/`,
  );
}

/** The --root argument as an absolute folder (see findRoot). */
export function resolveRoot(arg: string | undefined): string {
  return findRoot(arg).root;
}
