// The submission-wide reasons behind many failed checks, raised to one line each, so an
// instructor reads "01-basic-socket/src/server.ts imports the package 'chalk', which the course
// does not install" instead of finding it in the tenth transcript.

import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CheckResult } from '../runner.ts';
import type { LessonPlan } from './points.ts';
import type { GradingStatus } from './result.ts';

export interface Diagnosis {
  status: GradingStatus;
  notes: string[];
}

/** Files the plans require that the staged lesson folders do not have. */
export function missingFiles(rootDir: string, plans: LessonPlan[], present: string[]): string[] {
  const out: string[] = [];
  for (const p of plans) {
    if (!present.includes(p.lesson)) continue;
    for (const f of p.files) if (!existsSync(path.join(rootDir, p.lesson, f))) out.push(`${p.lesson}/${f}`);
  }
  return out;
}

const PACKAGE = /Cannot find (?:package|module) '([^']+)'/;
const THROWN = /^\s*(?:Uncaught )?((?:[A-Z]\w*)?Error(?: \[\w+\])?: .{1,200})$/m;

/** One note per program that does not compile or dies before it is ready. */
export function programProblems(results: CheckResult[]): string[] {
  const notes = new Map<string, string>();
  for (const r of results) {
    if (r.status !== 'fail') continue;
    const text = `${r.message ?? ''}\n${r.actual ?? ''}\n${r.transcript ?? ''}`;
    const who = `${r.lesson}/src/${r.target === 'module' ? 'a module' : `${r.target}.ts`}`;
    const pkg = PACKAGE.exec(text);
    if (pkg && !pkg[1]?.startsWith('.')) {
      notes.set(`${who} pkg`, `${who} imports the package '${pkg[1]}', which the course does not install: every check of it fails`);
      continue;
    }
    if (/does not compile/.test(r.message ?? '')) {
      notes.set(`${who} compile`, `${r.message}: ${(r.actual ?? '').split('\n')[0] ?? ''}`.trim());
      continue;
    }
    if (r.code === 'NOT_READY' && /before printing its ready line/.test(r.message ?? '')) {
      const thrown = THROWN.exec(r.actual ?? '');
      notes.set(`${who} crash`, `${who} dies at start-up${thrown ? ` (${thrown[1]})` : ''}: ${r.message}`);
    }
  }
  return [...notes.values()];
}
