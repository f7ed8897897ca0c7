// The servers we ship refuse bad input with a clear error and go on serving everyone else.

import { afterEach, describe, expect, it } from 'vitest';
import { CheckContext, SharedServer } from '../src/harness/check.ts';
import { solutionsDir } from '../src/lessons.ts';

const contexts: CheckContext[] = [];
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.cleanup();
});

function context(lesson: string): CheckContext {
  const ctx = new CheckContext(solutionsDir, lesson, new SharedServer(solutionsDir, lesson));
  contexts.push(ctx);
  return ctx;
}

describe('the reference servers under bad input', () => {
  for (const [lesson, greeting] of [
    ['01-basic-socket', '欢迎 welcome'],
    ['02-loop-server', undefined],
  ] as const) {
    it(`${lesson} answers a line over 64 KiB with "error line too long" and keeps serving`, async () => {
      const ctx = context(lesson);
      const { port, program } = await ctx.ownServer();
      const bystander = await ctx.connect(port);
      const flood = await ctx.connect(port);
      if (greeting) await flood.expectLine(greeting);
      await flood.send(Buffer.alloc(70 * 1024, 'a'));
      await flood.expectLine('error line too long');
      await flood.expectClose();
      if (greeting) await bystander.expectLine(greeting);
      await bystander.send('still fine\n');
      await bystander.expectLine('STILL FINE');
      expect(program.exit).toBeUndefined();
    });

    it(`${lesson} refuses a line over 64 KiB that arrives whole, \\n included, in one write`, async () => {
      const ctx = context(lesson);
      const { port } = await ctx.ownServer();
      const c = await ctx.connect(port);
      if (greeting) await c.expectLine(greeting);
      await c.send(Buffer.concat([Buffer.alloc(100_000, 'b'), Buffer.from('\n')]));
      await c.expectLine('error line too long');
      await c.expectClose();
    });

    it(`${lesson} rejects a bad --port with one usage line and exit 2`, async () => {
      const ctx = context(lesson);
      const program = await ctx.start('server', ['--port', 'eighty']);
      const exit = await program.waitForExit();
      expect(exit?.code).toBe(2);
      expect(program.stderrLines.filter((l) => l.trim())).toHaveLength(1);
      expect(program.stderr).toMatch(/--port must be a number/);
    });
  }
});
