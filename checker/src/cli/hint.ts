// `npm run hint -- LESSON [--all]`: the lesson's hints one at a time; the state file remembers how many were shown.

import path from 'node:path';
import { findLesson, UsageError } from '../lessons.ts';
import { defaultEnv, lessonNumber, readManifest, updateState, type ProgressEnv } from '../progress.ts';
import { helpOption, parseCommand, usageOf, type CommandSpec } from './args.ts';
import { style } from './style.ts';
import { tr } from '../i18n/lang.ts';

export const hintHelp = `usage: npm run hint -- LESSON [--all]

Shows the lesson's next hint: the first call the first hint, the next call the second,
and so on (npm start's h key counts along). --all shows every hint at once.
A failing check also has a hint of its own, shown under it by npm start and npm run check.
  --all        every hint of the lesson at once
  -h, --help   this text`;

export const hintSpec = {
  command: 'npm run hint',
  help: hintHelp,
  options: { all: { type: 'boolean', default: false }, ...helpOption },
  positionals: true,
} as const satisfies CommandSpec;

/** The text for the next hint (or all of them), counting it as shown. */
export function takeHint(env: ProgressEnv, lesson: string, all = false): string {
  const hints = readManifest(path.join(env.lessonsRoot, lesson)).hints;
  const num = lessonNumber(lesson);
  if (hints.length === 0) {
    return tr(
      `${lesson} has no hints of its own yet. Each failing check has one: it shows under the check in npm start and npm run check -- ${num}.`,
      `${lesson} 还没有自己的提示。每一项未通过的检查都有一条：在 npm start 和 npm run check -- ${num} 里显示在检查下面。`,
    );
  }
  let shown = 0;
  updateState(env, (s) => {
    const rec = (s.lessons[lesson] ??= {});
    shown = Math.min(rec.hintsShown ?? 0, hints.length);
    rec.hintsShown = all ? hints.length : Math.min(shown + 1, hints.length);
  });
  const fmt = (h: string, i: number) => `${style.yellow(tr(`hint ${i + 1} of ${hints.length}:`, `提示 ${i + 1}/${hints.length}：`))}${tr(' ', '')}${h}`;
  if (all || shown >= hints.length) {
    const head = all ? '' : `${style.dim(tr(`That was every hint of ${lesson}; here they all are again.`, `${lesson} 的提示已经全部看过了；下面把它们再列一遍。`))}\n`;
    return head + hints.map(fmt).join('\n');
  }
  const more = shown + 1 < hints.length ? `\n${style.dim(tr(`(${hints.length - shown - 1} more: ask again for the next one)`, `（还有 ${hints.length - shown - 1} 条：再问一次看下一条）`))}` : '';
  return fmt(hints[shown] ?? '', shown) + more;
}

export async function hintCommand(argv: string[], env: ProgressEnv = defaultEnv()): Promise<number> {
  const { values, positionals } = parseCommand(hintSpec, argv);
  if (values.help) {
    console.log(hintHelp);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('name one lesson, e.g. npm run hint -- 01', usageOf(hintSpec));
  console.log(takeHint(env, findLesson(positionals[0] ?? '').lesson, values.all));
  return 0;
}
