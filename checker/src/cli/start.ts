// `npm start`: the learner's home. Every lesson with its state, the progress, the current lesson;
// then, on a terminal, watch mode (watch.ts). Without a terminal (CI, a pipe) it prints and exits 0.

import { findLesson, UsageError } from '../lessons.ts';
import { currentLesson, defaultEnv, formatList, refresh, updateState, type LessonView, type ProgressEnv, type State } from '../progress.ts';
import { helpOption, parseCommand, usageOf, type CommandSpec } from './args.ts';
import type { CheckResult } from '../runner.ts';
import { interactive } from './prompt.ts';
import { style } from './style.ts';
import { tr } from '../i18n/lang.ts';
import { WatchSession } from './watch.ts';

export const startHelp = `usage: npm start [-- [LESSON] [--manual]]

Your home in netlings: every lesson with its state (done, failing, not started), your
progress, and the current lesson (the first one not done, or the one you moved to).
On a terminal it then watches the current lesson's folder and checks it on every save
(a save while checks run stops them and starts again):
  n next lesson   h hint   l list (pick a lesson)   r re-run   x reset the lesson
  f the whole failure (a long one is folded to fit)   d diff with the solution
  (once the lesson has passed every check)   v the last checks as a web page (each
  conversation drawn, in .netlings/pages/; opened where a desktop browser is)   q quit (Ctrl-C too)
Where saves are not seen (network or WSL file systems) it says so and you press r.
  LESSON       start at this lesson (01, 01-basic-socket); it stays the current one
  --manual     no file watching, r checks (also NETLINGS_WATCH=manual)
  -h, --help   this text
Without a terminal it prints the progress and exits.
Results are cached by the content of each lesson's files in .netlings/state.json,
so only lessons that changed are checked again.`;

/** The lessons' states, checking the ones that changed; notes on stderr while it checks. */
export async function home(env: ProgressEnv): Promise<{ views: LessonView[]; state: State; current: number; ran: Map<string, CheckResult[]> }> {
  const { views, state, ran } = await refresh(env, {
    onChecking: (l, why) => process.stderr.write(style.dim(tr(`checking ${l} (${why})…\n`, `正在检查 ${l}（${why}）…\n`))),
  });
  return { views, state, current: currentLesson(views, state), ran };
}

export const startSpec = {
  command: 'npm start',
  help: startHelp,
  options: { manual: { type: 'boolean', default: false }, ...helpOption },
  positionals: true,
} as const satisfies CommandSpec;

export async function startCommand(argv: string[], env: ProgressEnv = defaultEnv()): Promise<number> {
  const { values, positionals } = parseCommand(startSpec, argv);
  if (values.help) {
    console.log(startHelp);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`npm start takes one lesson at most, not ${positionals.length}`, usageOf(startSpec));
  const [wanted] = positionals;
  if (wanted !== undefined) {
    const lesson = findLesson(wanted, env.lessons).lesson;
    updateState(env, (s) => {
      s.current = lesson;
    });
  }
  const { views, current, ran } = await home(env);
  if (!interactive() || views.length === 0) {
    console.log(formatList(views, current));
    return 0;
  }
  const manual = values.manual || process.env['NETLINGS_WATCH'] === 'manual';
  return new WatchSession(env, views, current, { manual, ran }).start();
}
