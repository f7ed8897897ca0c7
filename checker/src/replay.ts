// The commands that run a seeded check again: its failing seed, or a finding's smallest draws.
// Printed with a failure (terminal and HTML page) and by --explore.

import path from 'node:path';
import { lessonsDir } from './lessons.ts';

/** What a command that checks `root` again needs besides the lesson: "" for lessons/, else " --root DIR". */
export function rootArg(root: string, cwd = process.cwd()): string {
  if (path.resolve(root) === lessonsDir) return '';
  const rel = path.relative(cwd, root) || '.';
  // A folder outside the working folder is named as it is, not by a path that climbs out of it.
  return ` --root ${rel.startsWith('..') ? path.resolve(root) : rel}`;
}

/** `npm run check -- 04 --only ID --seed N`: the same cuts, pauses and drops again. */
export function seedCommand(lesson: string, id: string, seed: number, root = ''): string {
  return `npm run check -- ${lesson.slice(0, 2)}${root} --only ${id} --seed ${seed}`;
}

/** `npm run check -- 04 --only ID --replay 1,0,3`: a finding's smallest case. */
export function drawsCommand(lesson: string, id: string, draws: string, root = ''): string {
  return `npm run check -- ${lesson.slice(0, 2)}${root} --only ${id} --replay ${draws || '""'}`;
}
