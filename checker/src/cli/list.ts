// `npm run list`: npm start's list of lessons, without watch mode.

import { parseArgs } from 'node:util';
import { defaultEnv, formatList, type ProgressEnv } from '../progress.ts';
import { home } from './start.ts';

export const listHelp = `usage: npm run list

Every lesson with its state (done, failing, not started), your progress and the current
lesson, as npm start shows them, then exits. Lessons changed since their last check are
checked first.`;

export async function listCommand(argv: string[], env: ProgressEnv = defaultEnv()): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h', default: false } } });
  if (values.help) {
    console.log(listHelp);
    return 0;
  }
  const { views, current } = await home(env);
  console.log(formatList(views, current));
  return 0;
}
