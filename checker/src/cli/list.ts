// `npm run list`: npm start's list of lessons, without watch mode.

import { findLesson, UsageError } from '../lessons.ts';
import { defaultEnv, formatList, lessonNumber, type ProgressEnv } from '../progress.ts';
import { helpOption, parseCommand, usageOf, type CommandSpec } from './args.ts';
import { home } from './start.ts';

export const listHelp = `usage: npm run list

Every lesson with its state (done, failing, not started), your progress and the current
lesson, as npm start shows them, then exits. Lessons changed since their last check are
checked first. It takes no lesson: npm start -- 02 starts at lesson 02, and
npm run check -- 02 checks it.
  -h, --help   this text`;

export const listSpec = { command: 'npm run list', help: listHelp, options: { ...helpOption }, positionals: true } as const satisfies CommandSpec;

export async function listCommand(argv: string[], env: ProgressEnv = defaultEnv()): Promise<number> {
  const { values, positionals } = parseCommand(listSpec, argv);
  if (values.help) {
    console.log(listHelp);
    return 0;
  }
  const [arg] = positionals;
  if (arg !== undefined) {
    // A lesson here: the learner wants that lesson. Say what to type (an unknown one lists the lessons).
    let lesson: string;
    try {
      lesson = findLesson(arg, env.lessons).lesson;
    } catch (e) {
      throw new UsageError(`npm run list shows every lesson and takes none, and ${e instanceof Error ? e.message : String(e)}`, usageOf(listSpec));
    }
    const n = lessonNumber(lesson);
    throw new UsageError(`npm run list shows every lesson and takes none; to start at lesson ${n}: npm start -- ${n}; to check it: npm run check -- ${n}`, usageOf(listSpec));
  }
  const { views, current } = await home(env);
  console.log(formatList(views, current));
  return 0;
}
