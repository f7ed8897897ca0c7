// Pages of real check runs for the HTML report's browser test: lesson 02's solution (passes), two
// of its mutants (a framing failure with split chunks, a reset that kills the server), its starter
// (a timeout), and lesson 09's client that never resends (a datagram lost, the resend that never
// comes); and the solution's survives-reset, whose eight connections share one lane. Each is a real
// run of the checks, on real sockets.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LessonChecks } from '../src/harness/check.ts';
import { lesson02 } from '../src/checks/02-loop-server.ts';
import { lesson09 } from '../src/checks/09-udp.ts';
import { lessonsDir, solutionsDir } from '../src/lessons.ts';
import { mutantRoot, mutantsOf, withNeeds } from '../src/mutation.ts';
import { runLesson, type CheckResult } from '../src/runner.ts';

export interface Fixture {
  name: string;
  /** The lesson's folder name (02-loop-server). */
  lesson: string;
  /** The check whose result the page is about. */
  check: string;
  results: CheckResult[];
}

async function run(name: string, lesson: LessonChecks, root: string, check: string): Promise<Fixture> {
  return { name, lesson: lesson.lesson, check, results: await runLesson(lesson, { root, only: withNeeds(lesson, check) }) };
}

async function mutant(name: string, lesson: LessonChecks, id: string, check: string): Promise<Fixture> {
  const m = (await mutantsOf(lesson.lesson)).find((x) => x.id === id);
  if (!m) throw new Error(`no mutant ${id} in ${lesson.lesson}`);
  const root = mkdtempSync(path.join(tmpdir(), 'netlings-html-'));
  try {
    return await run(name, lesson, mutantRoot(lesson.lesson, m, root), check);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The six runs, one after another (each starts its own programs). */
export async function realRuns(): Promise<Fixture[]> {
  return [
    await run('pass', lesson02, solutionsDir, 'line-byte-by-byte'),
    await mutant('framing', lesson02, 'chunk-is-a-line', 'line-byte-by-byte'),
    await mutant('reset', lesson02, 'no-error-listener', 'survives-reset'),
    await run('timeout', lesson02, lessonsDir, 'reply-upper-case'),
    await mutant('loss', lesson09, 'client-never-resends', 'client-resends'),
    await run('many', lesson02, solutionsDir, 'survives-reset'),
  ];
}
