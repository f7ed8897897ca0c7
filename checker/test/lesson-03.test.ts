import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { lesson03 } from '../src/checks/03-ssh-lite.ts';
import { markedProcesses, markProcesses } from '../src/checks/process-marks.ts';
import { expectReply } from '../src/checks/ssh-wire.ts';
import { CheckContext, SharedServer } from '../src/harness/check.ts';
import { solutionsDir } from '../src/lessons.ts';
import { mutants } from '../mutants/03-ssh-lite.ts';
import { proveLesson } from './proof.ts';

proveLesson(lesson03, mutants);

// The reference server's own limits (README advice, not graded): bad input gets a clear end, and
// everyone else goes on being served.
describe('the 03-ssh-lite reference server under bad input', () => {
  const LESSON = '03-ssh-lite';
  const contexts: CheckContext[] = [];
  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.cleanup();
  });
  const context = (): CheckContext => {
    const ctx = new CheckContext(solutionsDir, LESSON, new SharedServer(solutionsDir, LESSON));
    contexts.push(ctx);
    return ctx;
  };

  it('closes a connection whose command line is over 64 KiB, without running it, and keeps serving', async () => {
    const ctx = context();
    const { port, program } = await ctx.ownServer();
    const bystander = await ctx.connect(port);
    const flood = await ctx.connect(port);
    await flood.send(Buffer.concat([Buffer.from('echo '), Buffer.alloc(70 * 1024, 'a'), Buffer.from('\n')]));
    await flood.expectClose();
    await expectReply(bystander, 'echo still fine', 'still fine\n', '');
    expect(program.stderr).toMatch(/error line too long/);
    expect(program.exit).toBeUndefined();
  });

  it('accepts a command line of exactly 64 KiB', async () => {
    const ctx = context();
    const { port } = await ctx.ownServer();
    const c = await ctx.connect(port);
    const word = 'b'.repeat(64 * 1024 - 'echo '.length);
    await expectReply(c, `echo ${word}`, `${word}\n`, '');
  });

  it('closes a connection that answers the length with something other than ready', async () => {
    const ctx = context();
    const { port, program } = await ctx.ownServer();
    const c = await ctx.connect(port);
    await c.send('echo hi\n');
    await c.expectLine('3');
    await c.send('rm -rf /tmp/netlings-never-run\n');
    await c.expectClose();
    // The log line and the close are two events: wait (bounded) for the line.
    await program.until(() => /expected "ready"/.test(program.stderr), 2000);
    expect(program.stderr).toMatch(/expected "ready"/);
    const next = await ctx.connect(port);
    await expectReply(next, 'echo next', 'next\n', '');
  });

  it('serves a client that sends its command and ready at once and then half-closes', async () => {
    const ctx = context();
    const { port } = await ctx.ownServer();
    const c = await ctx.connect(port);
    await c.send('echo piped\nready\n');
    await c.end();
    await c.expectLine('6');
    await c.expectBytes('piped\n');
    await c.expectClose();
  });

  it("kills a command when its client disconnects", async () => {
    const ctx = context();
    const { port } = await ctx.ownServer();
    const mark = markProcesses(ctx);
    const c = await ctx.connect(port);
    await c.send(mark.command('sleep 30 & sleep 30; :') + '\n');
    const started = performance.now();
    while (markedProcesses(mark.token).length < 3 && performance.now() - started < 5000) await new Promise((r) => setTimeout(r, 20));
    expect(markedProcesses(mark.token).length).toBe(3);
    c.destroy();
    const gone = performance.now();
    while (markedProcesses(mark.token).length > 0 && performance.now() - gone < 2000) await new Promise((r) => setTimeout(r, 20));
    expect(markedProcesses(mark.token)).toEqual([]);
  });

  it('warns in one loud line when --host is not a loopback address', async () => {
    const ctx = context();
    // The tester holds the port on 127.0.0.1, so the bind to 0.0.0.0 fails: nothing is ever exposed.
    const blocker = net.createServer();
    ctx.defer(() => new Promise<void>((r) => blocker.close(() => r())));
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    const program = await ctx.start('server', ['--host', '0.0.0.0', '--port', String(port)]);
    const exit = await program.waitForExit();
    expect(exit?.code).toBe(1);
    expect(program.stderrLines.filter((l) => l.startsWith('WARNING:'))).toHaveLength(1);
    expect(program.stderr).toMatch(/run any command/);
  });

  for (const [args, message] of [
    [['--timeout', 'soon'], /--timeout must be a number/],
    [['--timeout', '0'], /--timeout must be a number/],
    [['--max-output', '1.5'], /--max-output must be a whole number/],
    [['--port', 'eighty'], /--port must be a number/],
  ] as const) {
    it(`rejects ${args.join(' ')} with one usage line and exit 2`, async () => {
      const ctx = context();
      const program = await ctx.start('server', [...args]);
      const exit = await program.waitForExit();
      expect(exit?.code).toBe(2);
      expect(program.stderrLines.filter((l) => l.trim())).toHaveLength(1);
      expect(program.stderr).toMatch(message);
    });
  }
});
