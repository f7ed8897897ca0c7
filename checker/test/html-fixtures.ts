// Pages of real check runs for the HTML report's browser test: lesson 02's solution (passes), two
// of its mutants (a framing failure with split chunks, a reset that kills the server) and its
// starter (a timeout). Each is a real run of the checks, on real sockets.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { lesson02 } from '../src/checks/02-loop-server.ts';
import { lessonsDir, solutionsDir } from '../src/lessons.ts';
import { mutantRoot, mutantsOf, withNeeds } from '../src/mutation.ts';
import { runLesson, type CheckResult } from '../src/runner.ts';

export interface Fixture {
  name: string;
  /** The check whose result the page is about. */
  check: string;
  results: CheckResult[];
}

async function run(root: string, check: string): Promise<CheckResult[]> {
  return runLesson(lesson02, { root, only: withNeeds(lesson02, check) });
}

async function mutant(id: string, check: string): Promise<CheckResult[]> {
  const m = (await mutantsOf(lesson02.lesson)).find((x) => x.id === id);
  if (!m) throw new Error(`no mutant ${id} in lesson 02`);
  const root = mkdtempSync(path.join(tmpdir(), 'netlings-html-'));
  try {
    return await run(mutantRoot(lesson02.lesson, m, root), check);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The four runs, one after another (each starts its own server). */
export async function realRuns(): Promise<Fixture[]> {
  return [
    { name: 'pass', check: 'line-byte-by-byte', results: await run(solutionsDir, 'line-byte-by-byte') },
    { name: 'framing', check: 'line-byte-by-byte', results: await mutant('chunk-is-a-line', 'line-byte-by-byte') },
    { name: 'reset', check: 'survives-reset', results: await mutant('no-error-listener', 'survives-reset') },
    { name: 'timeout', check: 'reply-upper-case', results: await run(lessonsDir, 'reply-upper-case') },
  ];
}
