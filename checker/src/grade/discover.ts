// Which submissions a folder holds, and where a submission keeps its lesson folders: a copy of
// lessons/ (the lesson folders at its top), a whole clone of the repository (under lessons/), or
// either one folder deeper (a zip that unpacks into alice/...). Nothing here follows a symlink.

import { lstatSync, readdirSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { ignoredName } from '../progress.ts';

export interface Submission {
  /** The student, as the grades name them: the folder's name, or the zip's without ".zip". */
  name: string;
  /** The folder or the zip, absolute. */
  source: string;
  kind: 'dir' | 'zip';
}

/** The folders and zips of a submissions folder, by name; dotfiles and other files are left out. */
export function listSubmissions(dir: string): { submissions: Submission[]; skipped: string[] } {
  const submissions: Submission[] = [];
  const skipped: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  const taken = new Set<string>();
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const source = path.join(dir, e.name);
    let kind: Submission['kind'] | undefined;
    if (e.isDirectory()) kind = 'dir';
    else if (e.isFile() && e.name.toLowerCase().endsWith('.zip')) kind = 'zip';
    else if (e.isSymbolicLink()) skipped.push(`${e.name} (a symbolic link; submissions are never followed through links)`);
    else skipped.push(`${e.name} (neither a folder nor a .zip)`);
    if (!kind) continue;
    let name = kind === 'zip' ? e.name.slice(0, -4) : e.name;
    if (taken.has(name)) name = e.name;
    taken.add(name);
    submissions.push({ name, source, kind });
  }
  return { submissions, skipped };
}

export interface FoundRoot {
  /** The folder holding the lesson folders, absolute. */
  dir: string;
  /** The same, relative to the submission ('.' for its top), '/' separated: what the results show. */
  rel: string;
  /** The course's lessons found there. */
  lessons: string[];
}

function subdirs(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && !ignoredName(e.name) && e.name !== '.git');
  } catch {
    return [];
  }
}

/**
 * The folder inside `top` that holds the most of the course's lesson folders, preferring the
 * shallowest, then one named lessons/; a folder named solutions/ only when nothing else has any
 * (a whole clone carries the reference solutions beside the student's lessons/).
 */
export function findLessonsRoot(top: string, lessonNames: string[], maxDepth = 4): FoundRoot | undefined {
  const wanted = new Set(lessonNames);
  const candidates: { dir: string; depth: number; lessons: string[] }[] = [];
  const walk = (dir: string, depth: number): void => {
    const dirs = subdirs(dir);
    const found = dirs.filter((d) => wanted.has(d.name)).map((d) => d.name);
    if (found.length) candidates.push({ dir, depth, lessons: found.sort() });
    if (depth >= maxDepth) return;
    for (const d of dirs) if (!wanted.has(d.name)) walk(path.join(dir, d.name), depth + 1);
  };
  try {
    if (!lstatSync(top).isDirectory()) return undefined;
  } catch {
    return undefined;
  }
  walk(top, 0);
  const rank = (c: { dir: string; depth: number; lessons: string[] }) => [path.basename(c.dir) === 'solutions' && c.dir !== top ? 1 : 0, c.depth, path.basename(c.dir) === 'lessons' ? 0 : 1, -c.lessons.length];
  candidates.sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < ra.length; i++) if ((ra[i] as number) !== (rb[i] as number)) return (ra[i] as number) - (rb[i] as number);
    return a.dir.localeCompare(b.dir);
  });
  const best = candidates[0];
  if (!best) return undefined;
  const rel = path.relative(top, best.dir).split(path.sep).join('/') || '.';
  return { dir: best.dir, rel, lessons: best.lessons };
}

/** A few of the names at a submission's top, for a message about a submission with no lessons. */
export function topNames(dir: string, max = 8): string[] {
  try {
    const names = readdirSync(dir).filter((n) => !n.startsWith('.')).sort();
    return names.length > max ? [...names.slice(0, max), `… ${names.length - max} more`] : names;
  } catch {
    return [];
  }
}
