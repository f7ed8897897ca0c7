// Driver for lesson 05's frame codec (src/frame.ts): encodeFrame(header, body?) and
// new FrameDecoder(options).push(chunk) / .end(), as the lesson's README fixes them.
// The exports are looked up at each call, so a missing one is reported as such by the check.

import { describeError, type ThrownError } from '../harness/wire-json.ts';
import { exported, serveDriver } from './host.ts';

interface Decoder {
  push(chunk: Uint8Array): unknown;
  end(): unknown;
}

export interface DecodedEvent {
  kind: string;
  header?: unknown;
  chunk?: Buffer;
}

export interface PushResult {
  /** The events push() returned, in order (body chunks as Buffers). */
  events: DecodedEvent[];
  /** What push() threw; nothing further is pushed after it. */
  error?: ThrownError;
}

export interface DecodeResult {
  pushes: PushResult[];
  /** Whether end() was called, and what it threw. */
  ended: boolean;
  endError?: ThrownError;
}

function normalize(events: unknown): DecodedEvent[] {
  if (!Array.isArray(events)) throw new TypeError(`push() returned ${events === null ? 'null' : typeof events}, not an array of events`);
  return events.map((e: unknown) => {
    const ev = (e ?? {}) as Record<string, unknown>;
    const out: DecodedEvent = { kind: String(ev['kind']) };
    if ('header' in ev) out.header = ev['header'];
    const chunk = ev['chunk'];
    // Copied: a decoder may hand out views of its input, and the check compares them later.
    if (chunk instanceof Uint8Array) out.chunk = Buffer.from(chunk);
    return out;
  });
}

export function main(learner: Record<string, unknown>): void {
  serveDriver({
    encode(header: Record<string, unknown>, body?: Buffer): Buffer {
      const encodeFrame = exported<(h: Record<string, unknown>, b?: Uint8Array) => unknown>(learner, 'encodeFrame', 'function');
      const out = body === undefined ? encodeFrame(header) : encodeFrame(header, body);
      if (!(out instanceof Uint8Array)) throw new TypeError(`encodeFrame returned ${out === null ? 'null' : typeof out}, not a Buffer`);
      return Buffer.from(out);
    },
    decode(chunks: Buffer[], options: Record<string, number> | null, end: boolean): DecodeResult {
      const FrameDecoder = exported<new (o?: Record<string, number>) => Decoder>(learner, 'FrameDecoder', 'function');
      const decoder = options ? new FrameDecoder(options) : new FrameDecoder();
      const pushes: PushResult[] = [];
      for (const chunk of chunks) {
        try {
          pushes.push({ events: normalize(decoder.push(chunk)) });
        } catch (e) {
          pushes.push({ events: [], error: describeError(e) });
          return { pushes, ended: false };
        }
      }
      if (!end) return { pushes, ended: false };
      try {
        decoder.end();
        return { pushes, ended: true };
      } catch (e) {
        return { pushes, ended: true, endError: describeError(e) };
      }
    },
  });
}
