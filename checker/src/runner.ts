// Runs a lesson's checks against one root: the shared-server checks one after another in one lane,
// the checks with programs of their own beside them, every check bounded by its budget.

import { CheckContext, SharedServer, type CheckDef, type LessonChecks } from './harness/check.ts';
import { CheckFailure, withDeadline } from './harness/errors.ts';
import { timing } from './harness/timing.ts';

export type Status = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  lesson: string;
  id: string;
  title: string;
  target: 'server' | 'client';
  status: Status;
  /** Stable failure code (a CheckFailure code, SKIPPED, or INTERNAL for a checker bug). */
  code?: string;
  message?: string;
  expected?: string;
  actual?: string;
  hint?: string;
  transcript?: string;
  durationMs: number;
}

export interface RunOptions {
  /** The folder that holds lesson folders. */
  root: string;
  /** Only these check ids (others are not run, and not reported). */
  only?: string[];
  /** Called as each result is known, in the lessons' order of checks. */
  onResult?: (r: CheckResult) => void;
  /** How many checks with programs of their own run at once beside the shared lane. */
  parallel?: number;
}

export async function runLesson(lesson: LessonChecks, opts: RunOptions): Promise<CheckResult[]> {
  const checks = opts.only ? lesson.checks.filter((c) => opts.only?.includes(c.id)) : lesson.checks;
  const shared = new SharedServer(opts.root, lesson.lesson);
  const done = new Map<string, Promise<CheckResult>>();
  const results: CheckResult[] = [];

  const runOne = async (check: CheckDef): Promise<CheckResult> => {
    for (const need of check.needs ?? []) {
      const dep = done.get(need);
      if (!dep) continue; // not selected: nothing to wait for
      const r = await dep;
      if (r.status !== 'pass') {
        return { lesson: lesson.lesson, id: check.id, title: check.title, target: check.target, status: 'skip', code: 'SKIPPED', message: `skipped until "${r.title}" passes`, durationMs: 0 };
      }
    }
    const result = await execute(lesson.lesson, check, opts.root, shared);
    if (check.shared && result.status === 'fail') await shared.discard();
    return result;
  };

  // Lane 1: shared-server checks, in order. Lane 2..n: the others, a few at a time.
  let sharedTail: Promise<unknown> = Promise.resolve();
  const slots = Math.max(1, opts.parallel ?? 3);
  let free = slots;
  const waiting: (() => void)[] = [];
  const acquire = async () => {
    while (free === 0) await new Promise<void>((r) => waiting.push(r));
    free--;
  };
  const release = () => {
    free++;
    waiting.shift()?.();
  };

  for (const check of checks) {
    let p: Promise<CheckResult>;
    if (check.shared) {
      p = sharedTail.then(() => runOne(check));
      sharedTail = p;
    } else {
      p = (async () => {
        // wait for the needs first so a skipped check does not hold a slot
        await Promise.all((check.needs ?? []).map((n) => done.get(n)));
        await acquire();
        try {
          return await runOne(check);
        } finally {
          release();
        }
      })();
    }
    done.set(check.id, p);
  }

  try {
    for (const check of checks) {
      const r = await (done.get(check.id) as Promise<CheckResult>);
      results.push(r);
      opts.onResult?.(r);
    }
  } finally {
    await shared.discard();
  }
  return results;
}

async function execute(lesson: string, check: CheckDef, root: string, shared: SharedServer): Promise<CheckResult> {
  const ctx = new CheckContext(root, lesson, shared);
  const t0 = performance.now();
  const base = { lesson, id: check.id, title: check.title, target: check.target };
  try {
    await withDeadline(check.run(ctx), timing.checkBudget, () =>
      new CheckFailure('BUDGET', `the check did not finish within its budget of ${timing.checkBudget} ms`, {
        hint: 'The program kept the check waiting on something that never came. Read the transcript for the last thing that happened.',
      }),
    );
    return { ...base, status: 'pass', durationMs: Math.round(performance.now() - t0) };
  } catch (e) {
    const durationMs = Math.round(performance.now() - t0);
    if (e instanceof CheckFailure) {
      return {
        ...base,
        status: 'fail',
        code: e.code,
        message: e.message,
        ...(e.expected !== undefined ? { expected: e.expected } : {}),
        ...(e.actual !== undefined ? { actual: e.actual } : {}),
        hint: e.hint ?? check.hint,
        transcript: ctx.transcript.format(),
        durationMs,
      };
    }
    // Not the learner's fault: the checker itself broke. Say so plainly; the stack only on request.
    const err = e instanceof Error ? e : new Error(String(e));
    return {
      ...base,
      status: 'fail',
      code: 'INTERNAL',
      message: `the checker itself failed on this check (${err.message}); this is a netlings bug, please report it`,
      ...(process.env['NETLINGS_DEBUG'] ? { actual: err.stack ?? err.message } : {}),
      transcript: ctx.transcript.format(),
      durationMs,
    };
  } finally {
    await ctx.cleanup();
  }
}
