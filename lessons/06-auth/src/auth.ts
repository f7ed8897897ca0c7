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
  // TODO: CHALLENGE_BYTES bytes from the system's cryptographic random source (Python: os.urandom(32)).
  //       Not Math.random, not a counter, not the time: anything an attacker can guess is no challenge.
  void crypto;
  return Buffer.alloc(CHALLENGE_BYTES);
}

/** The answer to a challenge: HMAC-SHA256(secret, challenge), 32 raw bytes. Always name the hash. */
export function answerTo(secret: Buffer, challenge: Buffer): Buffer {
  // TODO: the HMAC of the challenge keyed with the secret, with SHA-256 named, as 32 raw bytes
  //       (crypto.createHmac(ALGORITHM, key).update(message).digest(), no 'hex').
  void secret;
  void challenge;
  return Buffer.alloc(DIGEST_BYTES);
}

/**
 * Whether `answer` is the right answer to `challenge`. The comparison takes the same time whichever
 * byte differs, so the time it takes tells an attacker nothing about how much of a guess was right.
 */
export function isRightAnswer(secret: Buffer, challenge: Buffer, answer: Buffer): boolean {
  // TODO: compute the expected answer and compare it with `answer` in constant time: crypto.timingSafeEqual
  //       (Python: hmac.compare_digest). It throws when the lengths differ, so compare the lengths first.
  //       Not ===, not Buffer.equals: they stop at the first byte that differs.
  void secret;
  void challenge;
  void answer;
  return false;
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
    // TODO: keep the chunk (this.parts, this.have). Until `size` bytes are in, return undefined.
    //       Then mark this.done and return the first `size` bytes and the rest of what came (Buffer.concat,
    //       subarray). The rest matters: it is what the peer sent next in the same read.
    void chunk;
    return undefined;
  }

  /** How many bytes have arrived so far. */
  get received(): number {
    return this.have;
  }
}
