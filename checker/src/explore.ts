// Exploring: a lesson's checks whose adversarial choices are seeded (CheckDef.explores) run again and
// again with fresh seeds, looking for a seed that fails; only their seeded cases run (the fixed ones
// do not depend on the seed, and a plain run has them). A failure is confirmed, then shrunk: its
// recorded draws are replayed smaller and smaller (fewer cuts, earlier ones) while the check still
// fails with the same code, and the smallest is reported with its seed, which `--seed` replays, and
// its draws, which `--replay` replays (replayCheck).

import { randomInt } from 'node:crypto';
import { Choices, seedFor, shrink } from './harness/choices.ts';
import { CheckContext, HostPool, SharedServer, type CheckDef, type LessonChecks } from './harness/check.ts';
import { execute, runLesson, type CheckResult } from './runner.ts';

export interface Finding {
  lesson: string;
  id: string;
  title: string;
  /** The first seed that failed (replay: --only ID --seed SEED). */
  seed: number;
  /** How many of the seeds tried failed. */
  failedSeeds: number;
  tried: number;
  /** The smallest failure found from the first seed's draws: its message names the cuts. */
  smallest: CheckResult;
  /** The draws of the smallest failure (replay: --only ID --replay DRAWS), and how many runs shrinking took. */
  draws: number[];
  shrinkRuns: number;
}

/** Draws as `--replay` takes them: "1,0,3" (none: ""). */
export function replayToken(draws: readonly number[]): string {
  return draws.join(',');
}

export interface ExploreReport {
  lesson: string;
  checks: string[];
  /** Checks that could not be explored: a prerequisite failed on this tree. */
  skipped: { id: string; why: string }[];
  findings: Finding[];
  runs: number;
  ms: number;
}

export interface ExploreOptions {
  root: string;
  /** Seeds per check. */
  runs: number;
  only?: string[];
  /** Called after each run: check id, runs done for it, runs per check. */
  onProgress?: (id: string, done: number, of: number) => void;
  /** Called after each run of shrinking a failure: check id, runs so far, the most it may take. */
  onShrink?: (id: string, tries: number, budget: number) => void;
  /**
   * The most runs shrinking one failure may take: by default 200 for a check that needs no program
   * of its own per run (a module host, the shared server), 60 for one that starts one every run.
   */
  shrinkBudget?: number;
  /** Seeds to use instead of fresh ones (the checker's own tests). */
  seeds?: number[];
}

export async function exploreLesson(lesson: LessonChecks, opts: ExploreOptions): Promise<ExploreReport> {
  const t0 = performance.now();
  const checks = lesson.checks.filter((c) => c.explores && (!opts.only || opts.only.includes(c.id)));
  const report: ExploreReport = { lesson: lesson.lesson, checks: checks.map((c) => c.id), skipped: [], findings: [], runs: 0, ms: 0 };
  // Prerequisites once, as a plain run would have them.
  const needs = [...new Set(checks.flatMap((c) => c.needs ?? []))];
  const needResults = needs.length ? await runLesson(lesson, { root: opts.root, only: needs }) : [];
  const failedNeeds = new Map(needResults.filter((r) => r.status !== 'pass').map((r) => [r.id, r.title]));
  const shared = new SharedServer(opts.root, lesson.lesson, lesson.server);
  const live = new Set<CheckContext>();
  const pool = new HostPool();
  const once = async (check: CheckDef, choices: Choices): Promise<{ result: CheckResult; drawn: number[] }> => {
    const result = await execute(lesson, check, opts.root, shared, live, undefined, (ctx) => {
      ctx.choices = choices;
      ctx.hostPool = pool;
      ctx.exploring = true;
    });
    report.runs++;
    // A pooled host that died or hung (a stuck call kills it) is replaced by the next moduleHost();
    // a shared server that failed a check is restarted, as in a plain run.
    if (result.status !== 'pass' && check.shared) await shared.discard();
    return { result, drawn: choices.drawn };
  };
  try {
    for (const check of checks) {
      const blocked = (check.needs ?? []).find((n) => failedNeeds.has(n));
      if (blocked) {
        report.skipped.push({ id: check.id, why: `"${failedNeeds.get(blocked) ?? blocked}" fails on this tree` });
        continue;
      }
      let first: { seed: number; result: CheckResult; drawn: number[] } | undefined;
      let failedSeeds = 0;
      for (let i = 0; i < opts.runs; i++) {
        const seed = opts.seeds?.[i % opts.seeds.length] ?? randomInt(2 ** 31);
        const { result, drawn } = await once(check, new Choices({ seed: seedFor(seed, check.id) }));
        if (result.status === 'fail') {
          failedSeeds++;
          first ??= { seed, result, drawn };
        }
        opts.onProgress?.(check.id, i + 1, opts.runs);
      }
      if (!first) continue;
      const code = first.result.code;
      // shrink() keeps a candidate exactly when it fails, so the last failure seen is the smallest's.
      let smallest = first.result;
      const budget = opts.shrinkBudget ?? (check.target === 'module' || check.shared ? 200 : 60);
      let tries = 0;
      const shrunk = await shrink(
        first.drawn,
        async (draws) => {
          const { result } = await once(check, new Choices({ replay: draws }));
          opts.onShrink?.(check.id, ++tries, budget);
          if (result.status === 'fail' && result.code === code) {
            smallest = result;
            return true;
          }
          return false;
        },
        budget,
      );
      report.findings.push({ lesson: lesson.lesson, id: check.id, title: check.title, seed: first.seed, failedSeeds, tried: opts.runs, smallest: withoutSeed(smallest), draws: shrunk.draws, shrinkRuns: shrunk.tries });
    }
  } finally {
    await pool.close();
    await shared.discard();
    await Promise.all([...live].map((c) => c.cleanup()));
  }
  report.ms = Math.round(performance.now() - t0);
  return report;
}

/**
 * Runs one seeded check once on the draws given (a finding's smallest case: `--replay`), its seeded
 * case alone, as exploring ran it; its prerequisites first, as a plain run would. A prerequisite that
 * fails is returned instead, with the check skipped.
 */
export async function replayCheck(lesson: LessonChecks, id: string, draws: readonly number[], root: string): Promise<CheckResult[]> {
  const check = lesson.checks.find((c) => c.id === id);
  if (!check) throw new Error(`no check ${id} in ${lesson.lesson}`);
  const needs = check.needs ?? [];
  const before = needs.length ? await runLesson(lesson, { root, only: needs }) : [];
  const failed = before.find((r) => r.status !== 'pass');
  if (failed) return [failed, { lesson: lesson.lesson, id: check.id, title: check.title, target: check.target, status: 'skip', code: 'SKIPPED', message: `skipped until "${failed.title}" passes`, durationMs: 0 }];
  const shared = new SharedServer(root, lesson.lesson, lesson.server);
  const live = new Set<CheckContext>();
  try {
    const result = await execute(lesson, check, root, shared, live, undefined, (ctx) => {
      ctx.choices = new Choices({ replay: draws });
      ctx.exploring = true;
    });
    return [result];
  } finally {
    await shared.discard();
    await Promise.all([...live].map((c) => c.cleanup()));
  }
}

/** The smallest failure is not what a seed replays (the seed replays the first one): it names no seed. */
function withoutSeed(r: CheckResult): CheckResult {
  const { seed: _seed, ...rest } = r;
  return rest;
}
