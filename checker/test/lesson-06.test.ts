import { afterEach, describe, expect, it } from 'vitest';
import { CheckContext, SharedServer } from '../src/harness/check.ts';
import { solutionsDir } from '../src/lessons.ts';
import { lesson06 } from '../src/checks/06-auth.ts';
import { authenticate, authServer, challengeOf, startWithEnv, secretEnv } from '../src/checks/06-auth-tools.ts';
import { mutants } from '../mutants/06-auth.ts';
import { proveLesson } from './proof.ts';

proveLesson(lesson06, mutants);

// The reference server refuses bad input with a clear error and goes on serving everyone else.
describe('the 06-auth reference server under bad input', () => {
  const contexts: CheckContext[] = [];
  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.cleanup();
  });
  const context = (): CheckContext => {
    const ctx = new CheckContext(solutionsDir, '06-auth', new SharedServer(solutionsDir, '06-auth'));
    contexts.push(ctx);
    return ctx;
  };

  it('answers a line over 64 KiB after authentication with "error line too long" and keeps serving', async () => {
    const ctx = context();
    const { port, program } = await authServer(ctx);
    const flood = await authenticate(ctx, port);
    await flood.peer.send(Buffer.alloc(70 * 1024, 'a'));
    await flood.peer.expectLine('error line too long');
    await flood.peer.expectClose();
    const next = await authenticate(ctx, port, { after: 'still fine\n' });
    await next.peer.expectLine('STILL FINE');
    expect(program.exit).toBeUndefined();
  });

  it('refuses a megabyte sent instead of an answer, without buffering it, and keeps serving', async () => {
    const ctx = context();
    const { port, program } = await authServer(ctx);
    const { peer } = await challengeOf(ctx, port);
    await peer.send(Buffer.alloc(1024 * 1024, 0x41)).catch(() => {}); // the server may reset us mid-write
    await peer.expectClose();
    const next = await authenticate(ctx, port, { after: 'after the flood\n' });
    await next.peer.expectLine('AFTER THE FLOOD');
    expect(program.exit).toBeUndefined();
  });

  for (const bad of ['0', '-1', 'soon', '7200']) {
    it(`rejects --auth-timeout ${bad} with one usage line and exit 2`, async () => {
      const ctx = context();
      const program = await startWithEnv(ctx, 'server', ['--port', '0', `--auth-timeout=${bad}`], secretEnv());
      const exit = await program.waitForExit();
      expect(exit?.code).toBe(2);
      expect(program.stderrLines.filter((l) => l.trim())).toHaveLength(1);
      expect(program.stderr).toMatch(/--auth-timeout must be/);
    });
  }

  it('says which secret file it cannot read, without printing any secret', async () => {
    const ctx = context();
    const program = await startWithEnv(ctx, 'server', ['--port', '0', '--secret-file', '/nonexistent/netlings-secret'], secretEnv('do-not-print-me'));
    expect((await program.waitForExit())?.code).toBe(2);
    expect(program.stderr).toMatch(/cannot read the secret file \/nonexistent\/netlings-secret: no such file/);
    expect(program.stderr + program.stdout).not.toMatch(/do-not-print-me/);
  });
});
