// `npm start`: the learner's home. (Issue 3 grows it into watch mode.)

import { allLessons, manifest } from '../lessons.ts';

export async function startCommand(_argv: string[]): Promise<number> {
  console.log('netlings lessons:');
  for (const l of allLessons) console.log(`  ${l.lesson}  ${manifest(l.lesson).title}`);
  return 0;
}
