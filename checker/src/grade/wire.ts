// The worker's lines to the grader, signed. A submission's programs run as the same user as the
// worker and could open the worker's stdout through /proc and write lines of their own ("every
// check passed"). Each line carries a sequence number and an HMAC under a key the worker read
// from its stdin (which /proc does not replay), so a forged, replayed or reordered line is seen.

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CheckResult } from '../runner.ts';

export type WorkerMessage =
  | { type: 'hello'; pid: number; checker: string }
  | { type: 'result'; result: CheckResult }
  | { type: 'lesson-done'; lesson: string; ms: number }
  | { type: 'error'; message: string }
  | { type: 'done' };

export interface WorkerJob {
  /** The folder holding the staged lesson folders. */
  root: string;
  lessons: string[];
  /** Hex HMAC key. */
  key: string;
  /** A launcher that starts node under the memory cap (replaces process.execPath), or none. */
  launcher?: string;
}

function mac(key: string, seq: number, body: string): string {
  return createHmac('sha256', Buffer.from(key, 'hex')).update(`${seq}\n${body}`).digest('hex');
}

export function signLine(key: string, seq: number, msg: WorkerMessage): string {
  const body = JSON.stringify(msg);
  return JSON.stringify({ seq, mac: mac(key, seq, body), body }) + '\n';
}

/** Reads signed lines in order; a line that does not verify marks the stream as tampered with. */
export class LineVerifier {
  private expected = 0;
  tampered: string | undefined;
  constructor(private readonly key: string) {}

  accept(line: string): WorkerMessage | undefined {
    if (this.tampered || !line.trim()) return undefined;
    let outer: unknown;
    try {
      outer = JSON.parse(line);
    } catch {
      this.tampered = 'a line that is not the worker’s JSON';
      return undefined;
    }
    const o = outer as { seq?: unknown; mac?: unknown; body?: unknown };
    if (typeof o.seq !== 'number' || typeof o.mac !== 'string' || typeof o.body !== 'string') {
      this.tampered = 'a line without the worker’s signature';
      return undefined;
    }
    const want = Buffer.from(mac(this.key, o.seq, o.body), 'hex');
    const got = Buffer.from(o.mac, 'hex');
    if (want.length !== got.length || !timingSafeEqual(want, got)) {
      this.tampered = 'a line with a wrong signature';
      return undefined;
    }
    if (o.seq !== this.expected) {
      this.tampered = `line ${o.seq} where line ${this.expected} was due (replayed or dropped)`;
      return undefined;
    }
    this.expected++;
    return JSON.parse(o.body) as WorkerMessage;
  }
}
