// Runs a lesson's checks against one root: the shared-server checks one after another in one lane,
// the checks with programs of their own beside them, every check bounded by its budget.

import { CheckContext, SharedServer, type CheckDef, type LessonChecks, type Target } from './harness/check.ts';
import { CheckFailure, withDeadline } from './harness/errors.ts';
import { timing } from './harness/timing.ts';
import type { TranscriptEvent } from './harness/transcript.ts';
import { STAYS_ALIVE } from './checks/common.ts';
import { Choices, DEFAULT_SEED, seedFor } from './harness/choices.ts';

export type Status = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  lesson: string;
  id: string;
  title: string;
  target: Target;
  status: Status;
  /** Stable failure code (a CheckFailure code, SKIPPED, or INTERNAL for a checker bug). */
  code?: string;
  message?: string;
  expected?: string;
  actual?: string;
  hint?: string;
  transcript?: string;
  /** The conversation as data, for the HTML report: the whole kept transcript of a failure, the first and newest entries of a pass. */
  events?: TranscriptEvent[];
  durationMs: number;
  /** For a check whose adversarial choices are seeded: the run's seed (`--seed N` replays it). */
  seed?: number;
}

/** Entries of a passing check's transcript kept in its result (a failure keeps all the transcript keeps). */
const PASS_EVENTS = 80;

export interface RunOptions {
  /** The folder that holds lesson folders. */
  root: string;
  /** Only these check ids (others are not run, and not reported). */
  only?: string[];
  /** Called as each result is known, in the lessons' order of checks. */
  onResult?: (r: CheckResult) => void;
  /** The seed of the checks' adversarial choices (DEFAULT_SEED when not given). */
  seed?: number;
  /** How many checks with programs of their own run at once beside the shared lane. */
  parallel?: number;
  /**
   * Cancels the run (a save in watch mode): every program the run started is killed, no further
   * check starts, and runLesson rejects with a RunCancelled once all of it is cleaned up.
   */
  signal?: AbortSignal;
}

/** runLesson was cancelled through its signal; every program it started has been killed. */
export class RunCancelled extends Error {
  override readonly name = 'AbortError';
  readonly code = 'CANCELLED';
  constructor() {
    super('the check run was cancelled');
  }
}

export async function runLesson(lesson: LessonChecks, opts: RunOptions): Promise<CheckResult[]> {
  const checks = opts.only ? lesson.checks.filter((c) => opts.only?.includes(c.id)) : lesson.checks;
  const shared = new SharedServer(opts.root, lesson.lesson, lesson.server);
  /** The contexts of this run's checks that are running now: a cancel cleans them up. */
  const liveContexts = new Set<CheckContext>();
  const done = new Map<string, Promise<CheckResult>>();
  const results: CheckResult[] = [];

  const cancelled = (check: CheckDef): CheckResult => ({ lesson: lesson.lesson, id: check.id, title: check.title, target: check.target, status: 'skip', code: 'CANCELLED', message: 'cancelled', durationMs: 0 });
  const runOne = async (check: CheckDef): Promise<CheckResult> => {
    if (opts.signal?.aborted) return cancelled(check);
    for (const need of check.needs ?? []) {
      const dep = done.get(need);
      if (!dep) continue; // not selected: nothing to wait for
      const r = await dep;
      if (r.status !== 'pass') {
        return { lesson: lesson.lesson, id: check.id, title: check.title, target: check.target, status: 'skip', code: 'SKIPPED', message: `skipped until "${r.title}" passes`, durationMs: 0 };
      }
    }
    if (opts.signal?.aborted) return cancelled(check);
    const seed = opts.seed ?? DEFAULT_SEED;
    const result = await execute(lesson, check, opts.root, shared, liveContexts, opts.signal, (ctx) => {
      ctx.choices = new Choices({ seed: seedFor(seed, check.id) });
    });
    if (check.explores) result.seed = seed;
    if (check.shared && result.status === 'fail') await shared.discard();
    return result;
  };

  // Lane 1: shared-server checks, in order. Lane 2..n: the others, a few at a time.
  let sharedTail: Promise<unknown> = Promise.resolve();
  const slots = Math.max(1, opts.parallel ?? 3);
  let free = slots;
  // A slow check takes no slot: it starts as soon as its needs have passed, beside the others (it is
  // long because it waits out a timer or byte gaps, or streams for a second: holding one of the few
  // slots all that time would queue the rest behind it). The next free slot goes to a check a slow
  // one needs, so the slow one starts as early as it can, then to the others in order.
  const leadsToSlow = needsOfSlow(checks);
  const rank = (check: CheckDef): number => (leadsToSlow.has(check.id) ? 1 : 0);
  const waiting: { rank: number; wake: () => void }[] = [];
  const acquire = async (rank: number) => {
    while (free === 0) await new Promise<void>((wake) => waiting.push({ rank, wake }));
    free--;
  };
  const release = () => {
    free++;
    let at = 0;
    for (let i = 1; i < waiting.length; i++) if ((waiting[i]?.rank ?? 0) > (waiting[at]?.rank ?? 0)) at = i;
    waiting.splice(at, 1)[0]?.wake();
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
        if (check.slow) return runOne(check);
        await acquire(rank(check));
        try {
          return await runOne(check);
        } finally {
          release();
        }
      })();
    }
    done.set(check.id, p);
  }

  // On a cancel, stop waiting for the checks still running: their programs are being killed (each
  // check's context cleans up on the same signal), and the run answers as soon as that is done.
  let killing: Promise<unknown> = Promise.resolve();
  const aborted = new Promise<never>((_, reject) => {
    const onAbortRun = () => {
      killing = Promise.all([shared.discard(), ...[...liveContexts].map((c) => c.cleanup())]);
      void killing.then(() => reject(new RunCancelled()));
    };
    if (opts.signal?.aborted) onAbortRun();
    else opts.signal?.addEventListener('abort', onAbortRun, { once: true });
  });
  aborted.catch(() => {});
  try {
    for (const check of checks) {
      const r = await Promise.race([done.get(check.id) as Promise<CheckResult>, aborted]).catch((e: unknown) => {
        if (e instanceof RunCancelled) return undefined;
        throw e;
      });
      if (r === undefined) break;
      results.push(r);
      if (!opts.signal?.aborted) opts.onResult?.(r);
    }
  } finally {
    await killing;
    await shared.discard();
  }
  if (opts.signal?.aborted) throw new RunCancelled();
  return results;
}

/** Runs one check in a context of its own; `prepare` sets its choices (and a host pool) before it runs. */
export async function execute(
  lessonChecks: LessonChecks,
  check: CheckDef,
  root: string,
  shared: SharedServer,
  liveContexts: Set<CheckContext>,
  signal?: AbortSignal,
  prepare?: (ctx: CheckContext) => void,
): Promise<CheckResult> {
  const lesson = lessonChecks.lesson;
  const ctx = new CheckContext(root, lesson, shared, lessonChecks.server);
  prepare?.(ctx);
  liveContexts.add(ctx);
  // A cancel kills what the check started at once; the check then ends on its own (its waits see the
  // closed sockets and dead programs, or their deadlines), and its result is dropped.
  const onAbort = () => void ctx.cleanup();
  signal?.addEventListener('abort', onAbort);
  const t0 = performance.now();
  const base = { lesson, id: check.id, title: check.title, target: check.target };
  try {
    await withDeadline(check.run(ctx), timing.checkBudget, () =>
      new CheckFailure('BUDGET', `the check did not finish within its budget of ${timing.checkBudget} ms`, {
        hint: 'The program kept the check waiting on something that never came. Read the transcript for the last thing that happened.',
      }),
    );
    return { ...base, status: 'pass', events: ctx.transcript.events(PASS_EVENTS), durationMs: Math.round(performance.now() - t0) };
  } catch (e) {
    const durationMs = Math.round(performance.now() - t0);
    if (e instanceof CheckFailure) {
      await diagnose(e, ctx);
      return {
        ...base,
        status: 'fail',
        code: e.code,
        message: e.message,
        ...(e.expected !== undefined ? { expected: e.expected } : {}),
        ...(e.actual !== undefined ? { actual: e.actual } : {}),
        hint: e.hint ?? check.hint,
        transcript: ctx.transcript.format(),
        events: ctx.transcript.events(),
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
      events: ctx.transcript.events(),
      durationMs,
    };
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await ctx.cleanup();
    liveContexts.delete(ctx);
    // The next shared check must see the server as it is once this check's clients are gone.
    if (check.shared && !signal?.aborted) await shared.settleAfter(ctx.closedPeerPorts(), check.title);
  }
}

/** Failures of waiting: when one of them happens, the program may be stuck rather than slow. */
const WAITED = new Set(['TIMEOUT', 'NOT_CLOSED', 'BUDGET', 'OUTPUT', 'CONNECT_FAILED']);

/**
 * A failure that waited out a deadline is rewritten when a program of the check is in a busy loop:
 * "did not arrive within 2000 ms" is true, but "stuck in a busy loop" is what happened.
 */
async function diagnose(e: CheckFailure, ctx: CheckContext): Promise<void> {
  // A connection that ended or was refused because the server died is about the death, not the bytes.
  if (e.code === 'CLOSED_EARLY' || e.code === 'CONNECT_FAILED') {
    for (const p of ctx.programs) {
      if (p.file.endsWith('server.ts') && !p.alive) {
        e.code = 'EXITED';
        e.message = `the server ${p.describeExit()} while the check ran (${e.message})`;
        e.hint = STAYS_ALIVE;
        return;
      }
    }
  }
  if (!WAITED.has(e.code)) return;
  for (const p of ctx.programs) {
    if (p.exit) continue;
    const share = await p.spinning(300);
    if (share === undefined) continue;
    e.code = 'BUSY';
    e.message = `${e.message}: the ${p.label} is stuck in a busy loop (it used ${Math.round(share * 100)}% of a core while nothing happened)`;
    e.hint = `A loop that never gives the event loop back (for(;;), while(!done) waiting for a flag, polling socket.read() with setImmediate) keeps the ${p.label} from reading, writing or answering anything. Let the events ('data', 'end', 'close') call you instead.`;
    return;
  }
}

/** The ids of the checks that slow checks need, directly or through others. */
export function needsOfSlow(checks: readonly CheckDef[]): Set<string> {
  const byId = new Map(checks.map((c) => [c.id, c]));
  const out = new Set<string>();
  const visit = (id: string): void => {
    if (out.has(id)) return;
    out.add(id);
    for (const n of byId.get(id)?.needs ?? []) visit(n);
  };
  for (const c of checks) if (c.slow) for (const n of c.needs ?? []) visit(n);
  return out;
}
