// The driver of lesson 04's module checks: imports the learner's src/lines.ts and feeds a
// LineSplitter chunks the way a check describes them, recording which push (or end) delivered
// each line and which one threw. Runs in a child process of its own (harness/module.ts).

import { exported, serveDriver } from './host.ts';
import { describeError, type ThrownError } from '../harness/wire-json.ts';

interface Splitter {
  push(chunk: Uint8Array): void;
  end(): void;
}
type SplitterClass = new (onLine: (line: string) => void) => Splitter;

/** How a check cuts its bytes into pushes: at these offsets, or every `every` bytes. */
export interface FeedPlan {
  cuts?: number[];
  every?: number;
  /** Call end() after the last push (when no push threw). */
  end?: boolean;
}

/** One thing the splitter did: a line delivered (or a throw) during push number `at`; `at` = pushes for end(). */
export interface FeedEvent {
  at: number;
  line?: string;
  /** onLine was called with something other than a string: its typeof. */
  notString?: string;
  error?: ThrownError & { tooLong: boolean };
}

export interface FeedResult {
  events: FeedEvent[];
  pushes: number;
}

export function chunksOf(data: Buffer, plan: FeedPlan): Buffer[] {
  const offsets: number[] = [];
  if (plan.every !== undefined && plan.every > 0) {
    for (let at = plan.every; at < data.length; at += plan.every) offsets.push(at);
  } else {
    offsets.push(...(plan.cuts ?? []).filter((c) => c > 0 && c < data.length).sort((a, b) => a - b));
  }
  const chunks: Buffer[] = [];
  let from = 0;
  for (const at of [...offsets, data.length]) {
    if (at > from) chunks.push(Buffer.from(data.subarray(from, at))); // a fresh copy per push
    from = Math.max(from, at);
  }
  if (data.length === 0) chunks.push(Buffer.alloc(0));
  return chunks;
}

export function main(learner: Record<string, unknown>): void {
  serveDriver({
    feed(data: Buffer, plan: FeedPlan): FeedResult {
      const Splitter = exported<SplitterClass>(learner, 'LineSplitter', 'function');
      const TooLong = learner['LineTooLongError'];
      const isTooLong = (e: unknown) => (typeof TooLong === 'function' && e instanceof TooLong) || (e as { code?: unknown } | null)?.code === 'LINE_TOO_LONG';
      const events: FeedEvent[] = [];
      let at = 0;
      const splitter = new Splitter((line: unknown) => {
        events.push(typeof line === 'string' ? { at, line } : { at, notString: line === null ? 'null' : typeof line });
      });
      const chunks = chunksOf(data, plan);
      for (at = 0; at < chunks.length; at++) {
        try {
          splitter.push(chunks[at] as Buffer);
        } catch (e) {
          events.push({ at, error: { ...describeError(e), tooLong: isTooLong(e) } });
          return { events, pushes: chunks.length };
        }
      }
      at = chunks.length;
      if (plan.end) {
        try {
          splitter.end();
        } catch (e) {
          events.push({ at, error: { ...describeError(e), tooLong: isTooLong(e) } });
        }
      }
      return { events, pushes: chunks.length };
    },
  });
}
