// Exploring against fixed splits: what `npm run check -- 04 --explore N` finds in lesson 04's mutants
// that the checks' fixed cuts alone do not. For every mutant of the lesson it runs each seeded check
// twice over: with its fixed cases only (the seeded case replayed from no draws is one plain push,
// nothing new) and explored with N fresh seeds, and counts the (mutant, check) pairs that fail in
// each. The solution and its variants are explored too: there, nothing may be found.
//   npm run bench -- explore              # 50 seeds per check
//   npm run bench -- explore --seeds 200

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { register } from 'tsx/esm/api';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '50' }, lesson: { type: 'string', default: '04' }, help: { type: 'boolean', short: 'h', default: false } } });
if (values.help) {
  console.log('usage: npm run bench -- explore [--seeds N] [--lesson NN]\n\nMutants caught by exploring against the fixed cuts alone (see the top of scripts/bench/explore.mjs).');
  process.exit(0);
}
const seeds = Math.max(1, Number(values.seeds) || 50);
register();
const { findLesson, solutionsDir } = await import('../../checker/src/lessons.ts');
const { exploreLesson } = await import('../../checker/src/explore.ts');
const { execute } = await import('../../checker/src/runner.ts');
const { Choices } = await import('../../checker/src/harness/choices.ts');
const { HostPool, SharedServer } = await import('../../checker/src/harness/check.ts');
const { mutantRoot, mutantsOf, solutionWith, variantsDir, variantsOf } = await import('../../checker/src/mutation.ts');

const lesson = findLesson(values.lesson);
const seeded = lesson.checks.filter((c) => c.explores);
const tmp = mkdtempSync(path.join(tmpdir(), 'netlings-explore-'));

/** The seeded checks on a tree with their fixed cases only: the ids that fail. */
async function fixedFailures(root) {
  const shared = new SharedServer(root, lesson.lesson, lesson.server);
  const pool = new HostPool();
  const failed = [];
  try {
    for (const check of seeded) {
      const r = await execute(lesson, check, root, shared, new Set(), undefined, (ctx) => {
        ctx.choices = new Choices({ replay: [] });
        ctx.hostPool = pool;
      });
      if (r.status !== 'pass') failed.push(check.id);
    }
  } finally {
    await pool.close();
    await shared.discard();
  }
  return failed;
}

const t0 = performance.now();
let fixedPairs = 0;
let exploredPairs = 0;
let newPairs = 0;
let mutantsFixed = 0;
let mutantsExplored = 0;
let exploreMs = 0;
const rows = [];
try {
  const mutants = (await mutantsOf(lesson.lesson)).filter((m) => seeded.some((c) => c.module === m.file));
  for (const [i, m] of mutants.entries()) {
    const root = path.join(tmp, `m${i}`);
    mutantRoot(lesson.lesson, m, root);
    const fixed = await fixedFailures(root);
    const t = performance.now();
    const report = await exploreLesson(lesson, { root, runs: seeds });
    exploreMs += performance.now() - t;
    const explored = report.findings.map((f) => f.id);
    const extra = explored.filter((id) => !fixed.includes(id));
    fixedPairs += fixed.length;
    exploredPairs += explored.length;
    newPairs += extra.length;
    if (fixed.length) mutantsFixed++;
    if (explored.length) mutantsExplored++;
    const cuts = report.findings.map((f) => `${f.id}: ${f.failedSeeds}/${f.tried} seeds, shrunk to ${/cut by the seed at ([^)]*)\)/.exec(f.smallest.message ?? '')?.[1] ?? (/the seed made no cut/.test(f.smallest.message ?? '') ? 'no cut (one push)' : '?')}`);
    rows.push(`${m.id.padEnd(28)} fixed ${String(fixed.length).padStart(2)}  explored ${String(explored.length).padStart(2)}${extra.length ? `  new: ${extra.join(', ')}` : ''}\n${cuts.map((c) => `    ${c}`).join('\n')}`);
    process.stderr.write(`\r${i + 1}/${mutants.length} mutants`);
  }
  process.stderr.write('\n');
  const clean = [];
  for (const [name, overlay] of [['solution', undefined], ...variantsOf(lesson.lesson).map((v) => [v, path.join(variantsDir, lesson.lesson, v)])]) {
    const root = overlay ? path.join(tmp, `v-${name}`) : solutionsDir;
    if (overlay) solutionWith(lesson.lesson, root, overlay);
    const report = await exploreLesson(lesson, { root, runs: seeds });
    clean.push(`${name}: ${report.findings.length} finding${report.findings.length === 1 ? '' : 's'} in ${report.runs} runs`);
  }
  console.log(`lesson ${lesson.lesson}: ${seeded.length} seeded checks, ${seeds} seeds each\n`);
  for (const r of rows) console.log(r);
  console.log(`\n(mutant, check) failures: with the fixed cuts ${fixedPairs}; by exploring (seeded cuts only) ${exploredPairs}, of which ${newPairs} the fixed cuts miss (${fixedPairs + newPairs} together, ×${((fixedPairs + newPairs) / Math.max(1, fixedPairs)).toFixed(2)})`);
  console.log(`mutants caught by a seeded check: fixed ${mutantsFixed}, explored ${mutantsExplored} of ${rows.length}`);
  console.log(`exploring the mutants took ${(exploreMs / 1000).toFixed(1)} s; everything ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`correct programs: ${clean.join('; ')}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
