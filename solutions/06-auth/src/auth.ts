// The challenge-response of lesson 06, what both sides share: the sizes on the wire, the HMAC,
// the constant-time comparison, and a reader that takes exactly N bytes from a stream.
//
// Python: os.urandom(32), hmac.new(key, msg, hashlib.sha256).digest(), hmac.compare_digest(a, b).

import crypto from 'node:crypto';

/** The server's challenge: 32 random bytes, fresh for every connection. */
export const CHALLENGE_BYTES = 32;
/** The client's answer: an HMAC-SHA256, 32 raw bytes. */
export const DIGEST_BYTES = 32;

/** A fresh challenge from the system's cryptographic random source (never Math.random, never a counter). */
export function newChallenge(): Buffer {
  return crypto.randomBytes(CHALLENGE_BYTES);
}

/** The answer to a challenge: HMAC-SHA256(secret, challenge), 32 raw bytes. Always name the hash. */
export function answerTo(secret: Buffer, challenge: Buffer): Buffer {
  return crypto.createHmac('sha256', secret).update(challenge).digest();
}

/**
 * Whether `answer` is the right answer to `challenge`. The comparison takes the same time whichever
 * byte differs, so the time it takes tells an attacker nothing about how much of a guess was right.
 */
export function isRightAnswer(secret: Buffer, challenge: Buffer, answer: Buffer): boolean {
  const expected = answerTo(secret, challenge);
  // timingSafeEqual throws when the lengths differ; the length is no secret.
  return answer.length === expected.length && crypto.timingSafeEqual(answer, expected);
}

/**
 * Takes exactly `size` bytes from a stream, whatever the chunks look like: one byte at a time, or the
 * bytes and what follows them in one read. A state machine with two states: collecting, then done.
 */
export class ExactBytes {
  private readonly parts: Buffer[] = [];
  private have = 0;
  private done = false;

  constructor(readonly size: number) {}

  /** Feeds a chunk. Returns the `size` bytes and the rest of the chunk once they are all in, else undefined. */
  push(chunk: Buffer): { bytes: Buffer; rest: Buffer } | undefined {
    if (this.done) throw new Error('ExactBytes: already complete');
    this.parts.push(chunk);
    this.have += chunk.length;
    if (this.have < this.size) return undefined;
    this.done = true;
    const all = Buffer.concat(this.parts, this.have);
    this.parts.length = 0;
    return { bytes: all.subarray(0, this.size), rest: all.subarray(this.size) };
  }

  /** How many bytes have arrived so far. */
  get received(): number {
    return this.have;
  }
}
