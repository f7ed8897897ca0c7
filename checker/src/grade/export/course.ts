// The part of the course an exported grader needs: the workspace manifests and the lock file (so
// the platform installs exactly the locked packages), the checker's source and entry points, and
// the lessons (their manifests give titles, points and hidden checks). Not the reference
// solutions (only their workspace's package.json, which the lock file names), not the checker's
// tests, mutants or variants.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../lessons.ts';
import { ignoredName } from '../../progress.ts';

export interface CourseFile {
  /** '/' separated, relative to the course root. */
  rel: string;
  data: Buffer;
  mode: number;
}

const TOP = ['package.json', 'package-lock.json', '.nvmrc', 'tsconfig.base.json', 'turbo.json', 'checker/package.json', 'checker/tsconfig.json', 'solutions/package.json'];
const TREES = ['checker/bin', 'checker/src', 'lessons'];

export function courseFiles(root = repoRoot): CourseFile[] {
  const out: CourseFile[] = [];
  const add = (rel: string) => {
    const file = path.join(root, rel);
    const st = statSync(file);
    out.push({ rel, data: readFileSync(file), mode: st.mode & 0o111 ? 0o755 : 0o644 });
  };
  for (const rel of TOP) if (existsSync(path.join(root, rel))) add(rel);
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(root, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (ignoredName(e.name) || e.name === '.git' || e.name === '.netlings') continue;
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) add(r);
    }
  };
  for (const t of TREES) if (existsSync(path.join(root, t))) walk(t);
  return out;
}
