// Exploring against fixed splits: what `npm run check -- NN --explore N` finds in a lesson's mutants
// that the checks' fixed cases alone do not. For every mutant of the lesson it runs each seeded check
// that the mutated file can reach twice over: with its fixed cases only (plus the seeded case replayed
// from no draws: one plain write, every datagram answered, nothing new) and explored with N fresh
// seeds (the seeded case alone), and counts the (mutant, check) pairs that fail in each. A check whose
// prerequisites fail on the mutant counts neither way. The solution and its variants are explored
// too: there, nothing may be found.
//   npm run bench -- explore                       # lesson 04, 50 seeds per check
//   npm run bench -- explore --lesson 02 --seeds 20
//   npm run bench -- explore --lesson 09 --seeds 20 --shrink 20

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { register } from 'tsx/esm/api';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '50' },
    lesson: { type: 'string', default: '04' },
    shrink: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(
    'usage: npm run bench -- explore [--lesson NN] [--seeds N] [--shrink RUNS]\n\nMutants caught by exploring against the fixed cases alone, for any lesson with seeded checks\n(see the top of scripts/bench/explore.mjs). --shrink: the most runs shrinking one finding may take.',
  );
  process.exit(0);
}
const seeds = Math.max(1, Number(values.seeds) || 50);
const shrinkBudget = values.shrink === undefined ? undefined : Math.max(0, Number(values.shrink) || 0);
register();
const { findLesson, solutionsDir } = await import('../../checker/src/lessons.ts');
const { exploreLesson } = await import('../../checker/src/explore.ts');
const { execute, runLesson } = await import('../../checker/src/runner.ts');
const { Choices } = await import('../../checker/src/harness/choices.ts');
const { HostPool, SharedServer } = await import('../../checker/src/harness/check.ts');
const { mutantRoot, mutantsOf, solutionWith, variantsDir, variantsOf } = await import('../../checker/src/mutation.ts');

const lesson = findLesson(values.lesson);
const seeded = lesson.checks.filter((c) => c.explores);
if (seeded.length === 0) {
  const { allLessons } = await import('../../checker/src/lessons.ts');
  console.error(`${lesson.lesson} has no seeded check; these lessons do: ${allLessons.filter((l) => l.checks.some((c) => c.explores)).map((l) => l.lesson.slice(0, 2)).join(', ')}`);
  process.exit(2);
}
const tmp = mkdtempSync(path.join(tmpdir(), 'netlings-explore-'));
const solutionDir = path.join(solutionsDir, lesson.lesson);

/** The files a source file of the solution imports, itself included (relative imports, transitively). */
function reach(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  const full = path.join(solutionDir, file);
  if (!existsSync(full)) return seen;
  for (const m of readFileSync(full, 'utf8').matchAll(/from\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
    let dep = path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1] ?? ''));
    if (!dep.endsWith('.ts')) dep = dep.replace(/\.js$/, '') + '.ts';
    reach(dep, seen);
  }
  return seen;
}
/** The program or module a check runs, relative to the lesson folder. */
const entry = (c) => (c.target === 'module' ? c.module : c.target === 'client' ? 'src/client.ts' : 'src/server.ts');
/** The seeded checks a mutant of `file` can change the outcome of. */
const reachedBy = (file) => seeded.filter((c) => reach(entry(c)).has(file));

/** Each check's prerequisites on a tree: the ids that fail (then the check counts neither way). */
async function failingNeeds(root, checks) {
  const needs = [...new Set(checks.flatMap((c) => c.needs ?? []))];
  if (needs.length === 0) return new Set();
  const results = await runLesson(lesson, { root, only: needs });
  return new Set(results.filter((r) => r.status !== 'pass').map((r) => r.id));
}

/** The checks on a tree with their fixed cases only (the seeded case replayed from no draws): the ids that fail. */
async function fixedFailures(root, checks) {
  const shared = new SharedServer(root, lesson.lesson, lesson.server);
  const pool = new HostPool();
  const failed = [];
  try {
    for (const check of checks) {
      const r = await execute(lesson, check, root, shared, new Set(), undefined, (ctx) => {
        ctx.choices = new Choices({ replay: [] });
        ctx.hostPool = pool;
      });
      if (r.status !== 'pass') {
        failed.push(check.id);
        if (check.shared) await shared.discard();
      }
    }
  } finally {
    await pool.close();
    await shared.discard();
  }
  return failed;
}

/** What the smallest failing case of a finding chose, from its message. */
function smallestCase(f) {
  const m = f.smallest.message ?? '';
  return /\[seeded case: (.*)\]$/.exec(m)?.[1] ?? /cut by the seed at ([^)]*)\)/.exec(m)?.[1] ?? (/the seed made no cut/.test(m) ? 'no cut (one push)' : m.slice(0, 100));
}

const t0 = performance.now();
let fixedPairs = 0;
let exploredPairs = 0;
let newPairs = 0;
let lostPairs = 0;
let mutantsFixed = 0;
let mutantsExplored = 0;
let mutantsBoth = 0;
let mutantsOnlyExplored = 0;
let fixedMs = 0;
let exploreMs = 0;
let runs = 0;
const rows = [];
try {
  const mutants = (await mutantsOf(lesson.lesson)).map((m) => ({ m, checks: reachedBy(m.file) })).filter((x) => x.checks.length > 0);
  for (const [i, { m, checks }] of mutants.entries()) {
    const root = path.join(tmp, `m${i}`);
    mutantRoot(lesson.lesson, m, root);
    let t = performance.now();
    const blocked = await failingNeeds(root, checks);
    const open = checks.filter((c) => !(c.needs ?? []).some((n) => blocked.has(n)));
    const fixed = open.length ? await fixedFailures(root, open) : [];
    fixedMs += performance.now() - t;
    t = performance.now();
    const report = open.length ? await exploreLesson(lesson, { root, runs: seeds, only: open.map((c) => c.id), ...(shrinkBudget !== undefined ? { shrinkBudget } : {}) }) : { findings: [], runs: 0 };
    exploreMs += performance.now() - t;
    runs += report.runs;
    const explored = report.findings.map((f) => f.id);
    const extra = explored.filter((id) => !fixed.includes(id));
    const lost = fixed.filter((id) => !explored.includes(id));
    fixedPairs += fixed.length;
    exploredPairs += explored.length;
    newPairs += extra.length;
    lostPairs += lost.length;
    if (fixed.length) mutantsFixed++;
    if (explored.length) mutantsExplored++;
    if (fixed.length && explored.length) mutantsBoth++;
    if (!fixed.length && explored.length) mutantsOnlyExplored++;
    const found = report.findings.map((f) => `    ${f.id}: ${f.failedSeeds}/${f.tried} seeds, shrunk to ${smallestCase(f)}`);
    const skipped = checks.length - open.length;
    rows.push(`${m.id.padEnd(34)} fixed ${String(fixed.length).padStart(2)}  explored ${String(explored.length).padStart(2)}${extra.length ? `  new: ${extra.join(', ')}` : ''}${skipped ? `  (${skipped} of ${checks.length} checks blocked by a prerequisite)` : ''}${found.length ? `\n${found.join('\n')}` : ''}`);
    process.stderr.write(`\r${i + 1}/${mutants.length} mutants (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  process.stderr.write('\n');
  const clean = [];
  let cleanFindings = 0;
  let cleanMs = 0;
  for (const [name, overlay] of [['solution', undefined], ...variantsOf(lesson.lesson).map((v) => [v, path.join(variantsDir, lesson.lesson, v)])]) {
    const root = overlay ? path.join(tmp, `v-${name}`) : solutionsDir;
    if (overlay) solutionWith(lesson.lesson, root, overlay);
    const t = performance.now();
    const report = await exploreLesson(lesson, { root, runs: seeds });
    cleanMs += performance.now() - t;
    cleanFindings += report.findings.length;
    clean.push(`${name}: ${report.findings.length} finding${report.findings.length === 1 ? '' : 's'} in ${report.runs} runs${report.findings.length ? ` (${report.findings.map((f) => `${f.id} seed ${f.seed}: ${smallestCase(f)}`).join('; ')})` : ''}`);
  }
  console.log(`lesson ${lesson.lesson}: ${seeded.length} seeded checks (${seeded.map((c) => c.id).join(', ')}), ${seeds} seeds each\n`);
  for (const r of rows) console.log(r);
  console.log(`\n(mutant, check) failures over ${rows.length} mutants: with the fixed cases ${fixedPairs}; by exploring (seeded cases only) ${exploredPairs}, of which ${newPairs} the fixed cases miss (${fixedPairs + newPairs} together, ×${((fixedPairs + newPairs) / Math.max(1, fixedPairs)).toFixed(2)}); ${lostPairs} caught by the fixed cases only`);
  console.log(`mutants caught by a seeded check: fixed ${mutantsFixed}, explored ${mutantsExplored}, both ${mutantsBoth}, by exploring alone ${mutantsOnlyExplored}, of ${rows.length}`);
  console.log(`correct programs: ${cleanFindings} findings; ${clean.join('; ')}`);
  console.log(`time: fixed cases ${(fixedMs / 1000).toFixed(1)} s; exploring the mutants ${(exploreMs / 1000).toFixed(1)} s (${runs} runs with shrinking); the correct programs ${(cleanMs / 1000).toFixed(1)} s; everything ${((performance.now() - t0) / 1000).toFixed(1)} s`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
