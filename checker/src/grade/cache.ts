// Re-grading is cheap: a run is kept under a hash of what decides it (the graded files, the
// checker's source, the lessons chosen, the time scale and the memory cap), so an unchanged
// submission is not run again. Points and visibility are applied afterwards, so changing them in
// a manifest re-scores from the cache without re-running anything. Timeouts and grader errors
// are never cached: they may be the machine's fault, not the submission's.

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hashLesson } from '../progress.ts';
import type { RawRun } from './result.ts';

/** sha256 over the graded lesson folders' files (names and bytes) and where they were found. */
export function contentHash(rootDir: string, rootRel: string, lessons: string[]): string {
  const h = createHash('sha256');
  h.update(`root ${rootRel}\n`);
  for (const l of [...lessons].sort()) h.update(`${l} ${hashLesson(path.join(rootDir, l))}\n`);
  return h.digest('hex');
}

export interface CacheKeyParts {
  content: string;
  checker: string;
  lessons: string[];
  timeScale: string;
  memoryMb: number;
}

export function cacheKey(p: CacheKeyParts): string {
  return createHash('sha256').update(JSON.stringify([p.content, p.checker, [...p.lessons].sort(), p.timeScale, p.memoryMb])).digest('hex').slice(0, 32);
}

export class RunCache {
  constructor(readonly dir: string) {}

  get(key: string): RawRun | undefined {
    try {
      return JSON.parse(readFileSync(path.join(this.dir, `${key}.json`), 'utf8')) as RawRun;
    } catch {
      return undefined;
    }
  }

  put(key: string, run: RawRun): void {
    if (run.status === 'timeout' || run.status === 'grader_error') return;
    mkdirSync(this.dir, { recursive: true });
    const file = path.join(this.dir, `${key}.json`);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(run));
    renameSync(tmp, file);
  }
}
