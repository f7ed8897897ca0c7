// Lesson 06's helpers: programs started with a secret in their environment, the challenge-response
// as the tester plays it, and reading a fixed number of bytes whose value the tester does not know.
//
// The programs of lesson 06 need a secret to start: each is started with the environment it gets
// said in the transcript (noteEnv). The lesson's shared server (started without a secret) is
// therefore not used: every server check starts a server of its own.

import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CheckContext, RunningServer } from '../harness/check.ts';
import { CheckFailure } from '../harness/errors.ts';
import { hexDiff, showBytes } from '../harness/bytes.ts';
import type { Peer } from '../harness/peer.ts';
import type { Program } from '../harness/program.ts';
import { describePlan } from '../harness/choices.ts';
import { pause, timing } from '../harness/timing.ts';
import { Waiter } from '../harness/waiter.ts';

export const LESSON = '06-auth';
export const CHALLENGE_BYTES = 32;
export const DIGEST_BYTES = 32;
/** The secret of most checks: not ASCII, so a key taken as anything but its UTF-8 bytes shows. */
export const SECRET = 'netlings-06 clé secrète';
export const WRONG_SECRET = 'netlings-06 not the secret';

export const hmac = (secret: string | Buffer, message: Buffer): Buffer => createHmac('sha256', secret).update(message).digest();

/** The environment of a program: NETLINGS_SECRET set (an empty value means "no secret", as the README fixes). */
export function secretEnv(secret: string = SECRET): Record<string, string> {
  return { NETLINGS_SECRET: secret };
}

function noteEnv(ctx: CheckContext, label: string, env: Record<string, string>): void {
  const shown = Object.entries(env)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(' ');
  ctx.transcript.note('tester', `${label} gets the environment ${shown}`);
}

/** A server of the check's own with `--host 127.0.0.1 --port 0 ARGS`, NETLINGS_SECRET set unless env says otherwise. */
export function authServer(ctx: CheckContext, opts: { args?: string[]; env?: Record<string, string>; label?: string } = {}): Promise<RunningServer> {
  const env = opts.env ?? secretEnv();
  const label = opts.label ?? 'server';
  noteEnv(ctx, label, env);
  return ctx.ownServer(['--host', '127.0.0.1', '--port', '0', ...(opts.args ?? [])], label, env);
}

/** Starts a program with an environment, without waiting for a ready line (a client, a server expected to fail). */
export function startWithEnv(ctx: CheckContext, role: 'server' | 'client', args: string[], env: Record<string, string>, stdin?: string | 'keep', label?: string): Promise<Program> {
  noteEnv(ctx, label ?? role, env);
  return ctx.start(role, args, stdin, label, env);
}

/** A secret file in a temporary folder outside the lesson, removed at cleanup. */
export function secretFile(ctx: CheckContext, contents: string | Buffer, name = 'secret'): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'netlings-06-secret-'));
  ctx.defer(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, name);
  writeFileSync(file, contents, { mode: 0o600 });
  ctx.transcript.note('tester', `the tester wrote ${file}: ${showBytes(contents)}`);
  return file;
}

/** A file name in a temporary folder that does not exist. */
export function missingFile(ctx: CheckContext): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'netlings-06-secret-'));
  ctx.defer(() => rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'no-such-secret');
}

/**
 * The next n bytes from the peer, whatever they are (a challenge, a digest). Waits for events, bounded.
 * Fails with what arrived when fewer come, or when the connection ends first.
 */
export async function takeBytes(peer: Peer, n: number, opts: { what: string; within?: number; hint?: string }): Promise<Buffer> {
  const within = opts.within ?? timing.reply;
  const waiter = new Waiter();
  const wake = (): void => waiter.notify();
  const s = peer.socket;
  const events = ['data', 'end', 'close', 'error'] as const;
  for (const e of events) s.on(e, wake);
  try {
    await waiter.until(() => peer.unread.length >= n || peer.hasEnded || s.destroyed, within);
  } finally {
    for (const e of events) s.off(e, wake);
  }
  if (peer.unread.length >= n) {
    const bytes = Buffer.from(peer.unread.subarray(0, n));
    await peer.expectBytes(bytes); // consumes them
    return bytes;
  }
  const got = peer.unread.length;
  const ended = peer.hasEnded || s.destroyed;
  throw new CheckFailure(ended ? 'CLOSED_EARLY' : 'TIMEOUT', `${peer.name}: ${opts.what} did not arrive: ${got} of its ${n} bytes ${ended ? 'came before the connection ended' : `came within ${within} ms`}`, {
    expected: `${n} bytes`,
    actual: `${got ? showBytes(peer.unread) : 'nothing'}${ended ? ' then end of stream' : ''}`,
    ...(opts.hint !== undefined ? { hint: opts.hint } : {}),
  });
}

export const CHALLENGE_HINT =
  "On every connection send 32 bytes from crypto.randomBytes(32) at once, as raw bytes (socket.write(challenge)), nothing before or after them: no \\n, no hex. Python's os.urandom(32) is crypto.randomBytes(32).";

/** Connects and takes the server's 32-byte challenge; nothing else may have come with it. */
export async function challengeOf(ctx: CheckContext, port: number, name?: string): Promise<{ peer: Peer; challenge: Buffer }> {
  const peer = await ctx.connect(port, name);
  const challenge = await takeBytes(peer, CHALLENGE_BYTES, { what: 'the 32-byte challenge', hint: CHALLENGE_HINT });
  if (peer.unread.length > 0) {
    throw new CheckFailure('UNEXPECTED_DATA', `${peer.name}: the server sent more than the 32 bytes of the challenge before the answer`, {
      expected: 'exactly 32 bytes, then nothing until the client has answered',
      actual: `the challenge, then ${showBytes(peer.unread)}`,
      hint: CHALLENGE_HINT,
    });
  }
  return { peer, challenge };
}

export const AUTH_HINT =
  "Read exactly 32 bytes (they may come in many 'data' events, or with lines after them in one), compute crypto.createHmac('sha256', secret).update(challenge).digest() and compare with crypto.timingSafeEqual. Then hand the bytes after the 32 to the line service.";

/** Connects, takes the challenge and sends the right answer (with `after` in the same write). */
export async function authenticate(ctx: CheckContext, port: number, opts: { secret?: string | Buffer; after?: string; name?: string } = {}): Promise<{ peer: Peer; challenge: Buffer; answer: Buffer }> {
  const { peer, challenge } = await challengeOf(ctx, port, opts.name);
  const answer = hmac(opts.secret ?? SECRET, challenge);
  await peer.send(Buffer.concat([answer, Buffer.from(opts.after ?? '', 'utf8')]));
  return { peer, challenge, answer };
}

/**
 * Sends the answer and `after` as one run of bytes, cut where the seed says, as Peer.send({ seeded })
 * cuts (Choices.sendPlan: up to six cuts, many of them next to the end of the answer or to a \n, a \r
 * or the middle of a character of `after`; a drawn pause after each piece). The plan is drawn for the
 * answer's length, not for its bytes: the answer is the HMAC of the server's random challenge, new on
 * every run, and taking its \n, \r and continuation bytes as hot spots would make the same draws cut
 * somewhere else when a case is replayed or shrunk.
 */
export async function sendAnswerSeeded(ctx: CheckContext, peer: Peer, answer: Buffer, after: string): Promise<void> {
  const rest = Buffer.from(after, 'utf8');
  const bytes = Buffer.concat([answer, rest]);
  const plan = ctx.choices.sendPlan(Buffer.concat([Buffer.alloc(answer.length, 0x2e), rest]), { near: [answer.length] });
  const said = `${peer.name} sent the ${answer.length}-byte answer${rest.length ? ` and ${showBytes(rest)}` : ''} ${describePlan(plan)}`;
  ctx.choices.note(said);
  ctx.transcript.note(peer.name, `(the seed: the answer${rest.length ? ' and what follows it' : ''} ${describePlan(plan)})`);
  if (plan.cuts.length) peer.socket.setNoDelay(true);
  let from = 0;
  for (const [i, at] of [...plan.cuts, bytes.length].entries()) {
    await peer.send(bytes.subarray(from, at));
    from = at;
    const gap = plan.gaps[i] ?? 0;
    if (i < plan.cuts.length && gap > 0) await pause(gap); // pacing writes
  }
}

/**
 * After the answer, the line service must answer `line` with `want`. A close instead means the server
 * refused the answer: said so, with `refusedWhy` as the likely reason.
 */
export async function expectServed(peer: Peer, want: string, what: string, refusedWhy: string, hint: string): Promise<void> {
  try {
    await peer.expectLine(want, { what, hint });
  } catch (e) {
    if (e instanceof CheckFailure && e.code === 'CLOSED_EARLY' && peer.unread.length === 0) {
      throw new CheckFailure('CLOSED_EARLY', `${peer.name}: the server closed the connection after ${refusedWhy}`, {
        expected: `the line service: ${showBytes(want + '\n')}`,
        actual: 'end of stream (the server refused the answer)',
        hint,
      });
    }
    throw e;
  }
}

/** The connection must be closed with nothing sent (a refusal). */
export async function expectRefused(peer: Peer, what: string, hint: string, within: number = timing.reply): Promise<void> {
  await peer.expectClose({ what, hint, within });
}

/** What a wrong digest probably is, for a failure message: a hash other than SHA-256, a text decoding, a wrong key. */
export function diagnoseDigest(got: Buffer, challenge: Buffer, secrets: { label: string; secret: string | Buffer }[]): string | undefined {
  const key = secrets[0]?.secret ?? SECRET;
  const tries: [string, () => Buffer][] = [];
  for (const alg of ['md5', 'sha1', 'sha512', 'sha384', 'sha224']) tries.push([`HMAC-${alg.toUpperCase()} (the hash must be SHA-256)`, () => createHmac(alg, key).update(challenge).digest()]);
  tries.push(['a plain SHA-256 of the secret and the challenge, not an HMAC', () => createHash('sha256').update(Buffer.concat([Buffer.from(key), challenge])).digest()]);
  tries.push(['the HMAC of the challenge decoded as UTF-8 text (its bytes are not text)', () => hmac(key, Buffer.from(challenge.toString('utf8'), 'utf8'))]);
  tries.push(['the HMAC of the challenge as a latin1 string, which update() encodes as UTF-8', () => hmac(key, Buffer.from(challenge.toString('latin1'), 'utf8'))]);
  tries.push(['the HMAC as hex text instead of 32 raw bytes', () => Buffer.from(hmac(key, challenge).toString('hex').slice(0, DIGEST_BYTES), 'latin1')]);
  for (const s of secrets.slice(1)) tries.push([`the HMAC with ${s.label}`, () => hmac(s.secret, challenge)]);
  for (const [why, f] of tries) {
    const want = f();
    if (want.length >= DIGEST_BYTES && want.subarray(0, DIGEST_BYTES).equals(got)) return why;
    if (want.length < DIGEST_BYTES && got.subarray(0, want.length).equals(want)) return why;
  }
  return undefined;
}

export function digestMismatch(got: Buffer, want: Buffer, why: string | undefined, hint: string): CheckFailure {
  return new CheckFailure('WRONG_BYTES', `the client's answer is not HMAC-SHA256(secret, challenge)${why ? `: it looks like ${why}` : ''}`, {
    expected: `${showBytes(want)}`,
    actual: `${showBytes(got)}\n${hexDiff(want, got)}`,
    hint,
  });
}
