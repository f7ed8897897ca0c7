// Building blocks used by several lessons' check lists.

import type { CheckDef } from '../harness/check.ts';
import { CheckFailure } from '../harness/errors.ts';
import type { Program } from '../harness/program.ts';

/** The first check of every server lesson: the server starts and prints its ready line on the real port. */
export function readyCheck(lesson: string): CheckDef {
  return {
    id: 'ready',
    title: 'starts and prints "listening on 127.0.0.1:PORT" with the real port',
    target: 'server',
    shared: true,
    hint: `Print the ready line in listen()'s callback with the port from server.address().port. Run it by hand: \`npm run run -- ${lesson.slice(0, 2)} server\`.`,
    async run(ctx) {
      await ctx.sharedServer();
    },
  };
}

/** The client's stdout must hold these lines, in this order (other lines may come between). */
export function expectClientLines(program: Program, expected: string[], hint: string): void {
  let at = 0;
  for (const line of program.stdoutLines) {
    if (at < expected.length && line === expected[at]) at++;
  }
  if (at < expected.length) {
    throw new CheckFailure('OUTPUT', `the client did not print ${JSON.stringify(expected[at])}${at > 0 ? ` after ${JSON.stringify(expected[at - 1])}` : ''}`, {
      expected: `these lines on stdout, in order:\n${expected.map((l) => `  ${JSON.stringify(l)}`).join('\n')}`,
      actual: program.describeOutput(),
      hint,
    });
  }
}
