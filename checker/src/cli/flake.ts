// `npm run flake -- N [--root DIR]`: every check N times in a row against the solutions, to find flakiness.

import { helpOption, parseCommand, type CommandSpec } from './args.ts';
import { allLessons, resolveRoot, UsageError } from '../lessons.ts';
import { runLesson } from '../runner.ts';

export const flakeHelp = `usage: npm run flake -- [N] [--root DIR]

Runs every check of every lesson N times (default 20) against --root (default solutions)
and reports each check that failed even once. Exit code 0 only with no failure.
  --root DIR   the folder holding the lesson folders (default solutions)
  -h, --help   this text`;

export const flakeSpec = {
  command: 'npm run flake',
  help: flakeHelp,
  options: { root: { type: 'string', default: 'solutions' }, ...helpOption },
  positionals: true,
} as const satisfies CommandSpec;

export async function flakeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(flakeSpec, argv);
  if (values.help) {
    console.log(flakeHelp);
    return 0;
  }
  const n = Number(positionals[0] ?? '20');
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`N must be a whole number above 0, not ${positionals[0]}`);
  const root = resolveRoot(values.root);
  const failures = new Map<string, { count: number; last: string }>();
  const t0 = performance.now();
  let checks = 0;
  for (let i = 1; i <= n; i++) {
    const t = performance.now();
    let failed = 0;
    for (const lesson of allLessons) {
      for (const r of await runLesson(lesson, { root })) {
        checks++;
        if (r.status === 'pass') continue;
        failed++;
        const key = `${r.lesson} ${r.id}`;
        const f = failures.get(key) ?? { count: 0, last: '' };
        f.count++;
        f.last = `${r.message ?? r.status}\n${r.transcript ?? ''}`;
        failures.set(key, f);
      }
    }
    console.log(`run ${i}/${n}: ${failed ? `${failed} failed` : 'all passed'} in ${((performance.now() - t) / 1000).toFixed(2)} s`);
  }
  const total = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(`\n${n} runs, ${checks} checks in ${total} s: ${failures.size === 0 ? 'no failures' : `${[...failures.values()].reduce((a, f) => a + f.count, 0)} failures`}`);
  for (const [key, f] of failures) console.log(`\n${key}: failed ${f.count} of ${n} runs; last failure:\n${f.last}`);
  return failures.size === 0 ? 0 : 1;
}
