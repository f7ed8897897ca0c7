// Lesson 06's checks of where the secret comes from, of the program contract (a busy port, SIGTERM),
// and the advice-level check that reads the source for a constant-time comparison.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { CheckDef } from '../harness/check.ts';
import { CheckFailure } from '../harness/errors.ts';
import { AUTH_HINT, authenticate, authServer, challengeOf, expectServed, missingFile, secretEnv, secretFile, startWithEnv } from './06-auth-tools.ts';
import { expectExit, noStackTrace } from './common.ts';

export const programChecks: CheckDef[] = [
  {
    id: 'secret-from-file',
    title: '--secret-file works, wins over NETLINGS_SECRET, and a trailing newline is not part of the secret',
    target: 'server',
    needs: ['auth-then-lines'],
    hint: "Read the file as bytes (fs.readFileSync(file)), drop one trailing \\n or \\r\\n, and use it instead of NETLINGS_SECRET when --secret-file is given. Try `echo mysecret > /tmp/s; npm run run -- 06 server --secret-file /tmp/s`.",
    async run(ctx) {
      const plain = secretFile(ctx, 'file secret: plain', 'plain');
      const newline = secretFile(ctx, 'file secret: echo\n', 'echo');
      const [a, b] = await Promise.all([
        authServer(ctx, { args: ['--secret-file', plain], env: secretEnv('the environment secret, which the file overrides'), label: 'server-plain' }),
        authServer(ctx, { args: ['--secret-file', newline], env: secretEnv(''), label: 'server-echo' }),
      ]);
      const pa = await authenticate(ctx, a.port, { secret: 'file secret: plain', after: 'from a file\n', name: 'plain' });
      await expectServed(pa.peer, 'FROM A FILE', 'the reply after the HMAC of the secret file', 'the HMAC keyed with the secret file (NETLINGS_SECRET was set to something else: --secret-file wins)', this.hint);
      const pb = await authenticate(ctx, b.port, { secret: 'file secret: echo', after: 'echoed\n', name: 'echo' });
      await expectServed(pb.peer, 'ECHOED', 'the reply after the HMAC of the file less its trailing \\n', 'the HMAC keyed with the file\'s bytes less its trailing \\n ("file secret: echo")', `${this.hint} \`echo secret > file\` writes "secret\\n": the \\n is not part of the secret.`);
    },
  },
  {
    id: 'missing-secret',
    title: 'no secret, or a secret file that cannot be read, is one clear line and exit 2',
    target: 'server',
    needs: ['ready'],
    hint: 'Before listening, load the secret: --secret-file FILE, else NETLINGS_SECRET (empty counts as unset). If there is none, print one line to stderr (`no secret: give --secret-file FILE or set NETLINGS_SECRET`) and exit 2. Never start without one.',
    async run(ctx) {
      const none = await startWithEnv(ctx, 'server', ['--host', '127.0.0.1', '--port', '0'], secretEnv(''), undefined, 'no-secret');
      const file = missingFile(ctx);
      const unreadable = await startWithEnv(ctx, 'server', ['--host', '127.0.0.1', '--port', '0', '--secret-file', file], secretEnv(''), undefined, 'missing-file');
      for (const [program, what] of [
        [none, 'no --secret-file and an empty NETLINGS_SECRET'],
        [unreadable, `--secret-file ${file}, which does not exist`],
      ] as const) {
        await expectExit(program, 2, what, this.hint);
        noStackTrace(program, `for ${what}`, this.hint);
        const lines = program.stderrLines.filter((l) => l.trim().length > 0);
        if (lines.length !== 1) {
          throw new CheckFailure('OUTPUT', `the server printed ${lines.length} lines on stderr for ${what}, not one`, { expected: 'one line on stderr saying what is missing', actual: program.describeOutput(), hint: this.hint });
        }
      }
    },
  },
  {
    id: 'port-in-use',
    title: 'a port already in use gives one clear line and exit 1',
    target: 'server',
    needs: ['ready'],
    hint: "Listen for the server's 'error' event; for EADDRINUSE print one line (`cannot listen on HOST:PORT: address already in use`) to stderr and exit with code 1.",
    async run(ctx) {
      const blocker = net.createServer();
      ctx.defer(() => new Promise<void>((r) => blocker.close(() => r())));
      await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
      const port = (blocker.address() as net.AddressInfo).port;
      ctx.transcript.note('tester', `the tester holds 127.0.0.1:${port} and starts the server on it`);
      const program = await startWithEnv(ctx, 'server', ['--host', '127.0.0.1', '--port', String(port)], secretEnv());
      await expectExit(program, 1, 'its port was already in use', this.hint);
      noStackTrace(program, 'when its port was in use', this.hint);
      const lines = program.stderrLines.filter((l) => l.trim().length > 0);
      if (lines.length !== 1) {
        throw new CheckFailure('OUTPUT', `the server printed ${lines.length} lines on stderr, not one`, { expected: `one line on stderr, such as "cannot listen on 127.0.0.1:${port}: address already in use"`, actual: program.describeOutput(), hint: this.hint });
      }
    },
  },
  {
    id: 'stops-on-sigterm',
    title: 'SIGTERM closes the connections, answered or not, and exits 0',
    target: 'server',
    needs: ['auth-then-lines'],
    hint: "process.once('SIGTERM', ...) and process.once('SIGINT', ...): server.close(), destroy every open socket (those still in the handshake too: a pending auth timer keeps the process alive), exit 0.",
    async run(ctx) {
      const { program, port } = await authServer(ctx);
      await challengeOf(ctx, port, 'in-handshake');
      const { peer } = await authenticate(ctx, port, { after: 'hi\n', name: 'talking' });
      await expectServed(peer, 'HI', 'the reply before SIGTERM', 'the right answer', AUTH_HINT);
      await ctx.signal(program, 'SIGTERM');
      await expectExit(program, 0, 'SIGTERM with two clients connected', this.hint);
    },
  },
  {
    id: 'advice-timing-safe-compare',
    title: 'advice (few points, read from the source): the digests are compared with crypto.timingSafeEqual',
    target: 'server',
    needs: ['auth-then-lines'],
    hint: "Compare the answer with crypto.timingSafeEqual(answer, expected) (Python: hmac.compare_digest), not ===, Buffer.equals or a loop that stops at the first difference. This check only reads your source for timingSafeEqual (or crypto.subtle.verify): timing cannot be measured reliably over loopback.",
    async run(ctx) {
      const src = path.join(ctx.root, ctx.lesson, 'src');
      const found = sourceFiles(src).filter((f) => /\btimingSafeEqual\b|\bsubtle\s*\.\s*verify\b/.test(withoutComments(readFileSync(f, 'utf8'))));
      if (found.length === 0) {
        throw new CheckFailure('WRONG_VALUE', 'no call of crypto.timingSafeEqual (or crypto.subtle.verify) in src/, outside comments', {
          expected: 'the answer compared with crypto.timingSafeEqual(answer, expected)',
          actual: `none in ${path.relative(process.cwd(), src) || src}`,
          hint: this.hint,
        });
      }
      ctx.transcript.note('tester', `timingSafeEqual found in ${found.map((f) => path.relative(src, f)).join(', ')}`);
    },
  },
];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const file = path.join(dir, name);
    if (name === 'node_modules') continue;
    if (statSync(file).isDirectory()) out.push(...sourceFiles(file));
    else if (/\.(ts|mts|cts|js|mjs)$/.test(name)) out.push(file);
  }
  return out;
}

/** Source without its comments (roughly: enough that a comment naming timingSafeEqual does not count). */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/[^\n]*/g, '$1');
}
