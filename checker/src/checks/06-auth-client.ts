// Lesson 06's client checks: the tester's fake server sends challenges that are anything but text
// (\n, \r, \0, bytes that are not UTF-8), split across writes, and checks the answer byte for byte;
// then it plays lesson 02's line service.

import { randomBytes } from 'node:crypto';
import type { CheckContext, CheckDef } from '../harness/check.ts';
import { CheckFailure } from '../harness/errors.ts';
import type { Peer, SendOptions } from '../harness/peer.ts';
import { closedPort } from '../harness/program.ts';
import type { Choices } from '../harness/choices.ts';
import { fixedThenSeeded } from '../harness/seeded.ts';
import { timing } from '../harness/timing.ts';
import { CHALLENGE_BYTES, DIGEST_BYTES, diagnoseDigest, digestMismatch, hmac, SECRET, secretEnv, secretFile, startWithEnv, takeBytes } from './06-auth-tools.ts';
import { expectClientLines, expectExit, noStackTrace } from './common.ts';

const ANSWER_HINT =
  "Collect the server's bytes until you have 32 (no setEncoding: they are not text, and they may hold \\n or \\0), then send crypto.createHmac('sha256', secret).update(challenge).digest(): 32 raw bytes, nothing else.";

/** 32 bytes that break every text reading: \n, \r, \0, a "quit\n", invalid UTF-8, characters cut by the write boundaries. */
const NASTY = Buffer.from([
  0x0a, 0x0d, 0x00, 0xff, 0xfe, 0xc3, 0x28, 0x80, // \n \r \0, never UTF-8, a lead byte without its continuation, a lone continuation
  0x0a, 0x00, 0x00, 0x0d, 0x0a, 0xe2, 0x82, 0xac, // € split by a write boundary
  0xf0, 0x9f, 0x94, 0x91, 0x20, 0x09, 0xed, 0xa0, // 🔑, a space, a tab, a UTF-16 surrogate in UTF-8 form (invalid)
  0x80, 0x71, 0x75, 0x69, 0x74, 0x0a, 0x00, 0x0a, // "quit\n" inside, and \n last
]);
const NASTY_SPLITS = [1, 3, 8, 14, 15, 19, 27, 31];

/** The fake server's handshake: send the challenge as told, take 32 bytes, compare with the HMAC. */
async function handshake(conn: Peer, challenge: Buffer, send: SendOptions, opts: { secret?: string; others?: { label: string; secret: string }[]; hint?: string } = {}): Promise<void> {
  const hint = opts.hint ?? ANSWER_HINT;
  await conn.send(challenge, send);
  const got = await takeBytes(conn, DIGEST_BYTES, { what: "the client's 32-byte answer", hint });
  const secret = opts.secret ?? SECRET;
  const want = hmac(secret, challenge);
  if (!got.equals(want)) throw digestMismatch(got, want, diagnoseDigest(got, challenge, [{ label: 'the secret', secret }, ...(opts.others ?? [])]), hint);
}

/** Lesson 02's line service, as the fake server plays it after the handshake. */
async function serveLines(conn: Peer, opts: { byteByByte?: boolean; seeded?: Choices; closeAfter?: number } = {}): Promise<void> {
  const how: SendOptions = opts.seeded ? { seeded: opts.seeded } : opts.byteByByte ? { byteByByte: true } : {};
  let answered = 0;
  for (;;) {
    const line = await conn.readLine(timing.ready);
    if (line === null) {
      await conn.end();
      return;
    }
    if (line === 'quit') {
      await conn.send('bye\n', how).catch(() => {}); // a client may leave without reading bye
      if (!conn.socket.destroyed) await conn.end();
      return;
    }
    await conn.send(line.toUpperCase() + '\n', how);
    if (opts.closeAfter !== undefined && ++answered >= opts.closeAfter) {
      await conn.end();
      return;
    }
  }
}

function background(p: Promise<void>): Promise<void> {
  p.catch(() => {}); // awaited by the check; a failure before that must not go unhandled
  return p;
}

async function clientWith(ctx: CheckContext, stdin: string | 'keep', opts: { args?: string[]; env?: Record<string, string>; label?: string; fake?: string } = {}) {
  const fake = await ctx.fakeServer(opts.fake);
  const program = await startWithEnv(ctx, 'client', ['--host', '127.0.0.1', '--port', String(fake.port), ...(opts.args ?? [])], opts.env ?? secretEnv(), stdin, opts.label);
  const conn = await fake.nextConnection(program);
  return { program, conn };
}

export const clientChecks: CheckDef[] = [
  {
    id: 'client-answers-challenge',
    title: 'the client answers challenges holding \\n, \\r, \\0 and non-UTF-8 bytes, split across writes, with their HMAC-SHA256',
    target: 'client',
    hint: ANSWER_HINT,
    explores: true,
    async run(ctx) {
      await fixedThenSeeded(
        ctx,
        async () => {
          const last = randomBytes(CHALLENGE_BYTES - 2);
          const edges = Buffer.concat([Buffer.from([0x00]), last, Buffer.from([0x0a])]);
          const [split, bytewise] = await Promise.all([clientWith(ctx, 'keep', { label: 'client-split', fake: 'split' }), clientWith(ctx, 'keep', { label: 'client-bytewise', fake: 'bytewise' })]);
          ctx.transcript.note('tester', `client-split gets a challenge in ${NASTY_SPLITS.length + 1} writes; client-bytewise one starting with \\0 and ending with \\n, byte by byte`);
          await Promise.all([handshake(split.conn, NASTY, { splitAt: NASTY_SPLITS }), handshake(bytewise.conn, edges, { byteByByte: true })]);
        },
        // A third client, beside the two: the same nasty challenge, cut where the seed says (often next
        // to one of its \n and \r or inside one of its characters).
        async () => {
          const { conn } = await clientWith(ctx, 'keep', { label: 'client-seeded', fake: 'seeded' });
          await handshake(conn, NASTY, { seeded: ctx.choices });
        },
        { together: true },
      );
    },
  },
  {
    id: 'client-talks-after-auth',
    title: 'the client sends nothing before the challenge, answers it, then sends its lines and prints the replies',
    target: 'client',
    needs: ['client-answers-challenge'],
    hint: 'Send nothing before the whole challenge is in: your first 32 bytes are the answer. Only then start reading stdin (readline) and sending lines, as in lesson 02.',
    explores: true,
    async run(ctx) {
      const printHint = 'Print each reply line as it completes; decode what follows the challenge as UTF-8 with one decoder (a StringDecoder), so split characters stay whole.';
      await fixedThenSeeded(
        ctx,
        async () => {
          const { program, conn } = await clientWith(ctx, 'hello\ngrüß dich\nquit\n');
          await conn.expectNoData(200, { hint: "The client's first bytes must be the answer, and it needs the whole challenge for that: read stdin only after answering." });
          await handshake(conn, randomBytes(CHALLENGE_BYTES), {});
          await background(serveLines(conn, { byteByByte: true }));
          await expectExit(program, 0, 'quit', 'After quit (or when the server closes) the client ends with exit code 0.');
          noStackTrace(program, 'after quit', this.hint);
          expectClientLines(program, ['HELLO', 'GRÜSS DICH'], printHint);
        },
        // A second client, beside the first: the nasty challenge and every reply cut where the seed
        // says. Its first 32 bytes must still be the answer, whenever the pieces of the challenge arrive.
        async () => {
          const { program, conn } = await clientWith(ctx, 'hello\ngrüß dich\nquit\n', { label: 'seeded client', fake: 'seeded' });
          await handshake(conn, NASTY, { seeded: ctx.choices }, { hint: `${this.hint} ${ANSWER_HINT}` });
          await background(serveLines(conn, { seeded: ctx.choices }));
          await expectExit(program, 0, 'quit', 'After quit (or when the server closes) the client ends with exit code 0.');
          noStackTrace(program, 'after quit', this.hint);
          expectClientLines(program, ['HELLO', 'GRÜSS DICH'], printHint);
        },
        { together: true },
      );
    },
  },
  {
    id: 'client-end-of-stdin',
    title: 'at the end of its input the client still prints the replies, then exits 0',
    target: 'client',
    needs: ['client-answers-challenge'],
    hint: "When stdin ends, half-close (socket.end()) but keep reading: exit only when the server has closed ('end'), so the last replies are printed.",
    explores: true,
    async run(ctx) {
      /** The conversation; seeded: the nasty challenge and every reply cut where the seed says, beside the fixed one. */
      const talk = async (seeded: boolean) => {
        const { program, conn } = await clientWith(ctx, 'first words\nlast words\n', seeded ? { label: 'seeded client', fake: 'seeded' } : {});
        await handshake(conn, seeded ? NASTY : randomBytes(CHALLENGE_BYTES), seeded ? { seeded: ctx.choices } : { splitAt: [16] });
        const serving = background(serveLines(conn, seeded ? { seeded: ctx.choices } : { byteByByte: true }));
        await expectExit(program, 0, 'its input ended', this.hint);
        await serving;
        expectClientLines(program, ['FIRST WORDS', 'LAST WORDS'], this.hint);
      };
      await fixedThenSeeded(ctx, () => talk(false), () => talk(true), { together: true });
    },
  },
  {
    id: 'client-server-closes-first',
    title: 'the client says "connection closed by server" and exits 0 when the server closes after a reply',
    target: 'client',
    needs: ['client-answers-challenge'],
    hint: "On the socket's 'end' event, when you did not send quit and your input has not ended, print `connection closed by server` and exit 0.",
    async run(ctx) {
      const { program, conn } = await clientWith(ctx, 'keep');
      await handshake(conn, randomBytes(CHALLENGE_BYTES), {});
      const serving = background(serveLines(conn, { closeAfter: 1 }));
      program.writeStdin('are you there?\n');
      await serving;
      await expectExit(program, 0, 'the server closed the connection', this.hint);
      noStackTrace(program, 'when the server closed', this.hint);
      const said = [...program.stdoutLines, ...program.stderrLines].some((l) => l.trim() === 'connection closed by server');
      if (!said) {
        throw new CheckFailure('OUTPUT', 'the client did not say "connection closed by server"', { expected: 'the line "connection closed by server"', actual: program.describeOutput(), hint: this.hint });
      }
      expectClientLines(program, ['ARE YOU THERE?'], this.hint);
    },
  },
  {
    id: 'client-secret-file',
    title: 'the client takes its secret from --secret-file (over NETLINGS_SECRET, trailing newline dropped)',
    target: 'client',
    needs: ['client-answers-challenge'],
    hint: "Read the file as bytes (fs.readFileSync(file)), drop one trailing \\n or \\r\\n, and use it instead of NETLINGS_SECRET when --secret-file is given.",
    async run(ctx) {
      const envSecret = 'the environment secret, which the file overrides';
      const file = secretFile(ctx, 'client file secret\n');
      const { conn } = await clientWith(ctx, 'keep', { args: ['--secret-file', file], env: secretEnv(envSecret) });
      await handshake(conn, randomBytes(CHALLENGE_BYTES), {}, {
        secret: 'client file secret',
        others: [
          { label: 'NETLINGS_SECRET as the key (with --secret-file given, the file wins)', secret: envSecret },
          { label: "the file's trailing \\n kept in the key", secret: 'client file secret\n' },
        ],
        hint: this.hint,
      });
    },
  },
  {
    id: 'client-missing-secret',
    title: 'the client without a secret prints one clear line and exits 2',
    target: 'client',
    hint: 'Load the secret before connecting: --secret-file FILE, else NETLINGS_SECRET (empty counts as unset). If there is none, print one line to stderr and exit 2.',
    async run(ctx) {
      const fake = await ctx.fakeServer();
      const program = await startWithEnv(ctx, 'client', ['--host', '127.0.0.1', '--port', String(fake.port)], secretEnv(''), 'keep');
      await expectExit(program, 2, 'it was started without a secret', this.hint);
      noStackTrace(program, 'without a secret', this.hint);
      const lines = program.stderrLines.filter((l) => l.trim().length > 0);
      if (lines.length !== 1) {
        throw new CheckFailure('OUTPUT', `the client printed ${lines.length} lines on stderr, not one`, { expected: 'one line on stderr saying that the secret is missing', actual: program.describeOutput(), hint: this.hint });
      }
    },
  },
  {
    id: 'client-connection-refused',
    title: 'the client reports a refused connection in one line and exits 1',
    target: 'client',
    hint: "Listen for the socket's 'error' event: print one line such as `cannot connect to 127.0.0.1:PORT: connection refused` to stderr and exit 1. Try `NETLINGS_SECRET=abc npm run run -- 06 client --port 1`.",
    async run(ctx) {
      const port = await closedPort();
      ctx.transcript.note('tester', `nothing listens on 127.0.0.1:${port}`);
      const program = await startWithEnv(ctx, 'client', ['--host', '127.0.0.1', '--port', String(port)], secretEnv(), 'keep');
      await expectExit(program, 1, 'its connection was refused', this.hint);
      noStackTrace(program, 'when the connection was refused', this.hint);
      const lines = program.stderrLines.filter((l) => l.trim().length > 0);
      if (lines.length !== 1 || !(lines[0] ?? '').includes(`127.0.0.1:${port}`)) {
        throw new CheckFailure('OUTPUT', 'the client did not report the refused connection in one stderr line naming the address', {
          expected: `one line on stderr that names 127.0.0.1:${port} and the reason`,
          actual: program.describeOutput(),
          hint: this.hint,
        });
      }
    },
  },
];
