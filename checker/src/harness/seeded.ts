// A seeded check's two kinds of case: its fixed cases (the contract's named cases, the same in every
// run) and its seeded case (the same conversation once more, with every adversarial choice drawn from
// ctx.choices: where the bytes are cut, the pauses between the pieces, how the fake server coalesces
// its replies, which datagrams its UDP twin drops). A plain run runs both; exploring runs the seeded
// case alone (the fixed ones do not depend on the seed). A failure of the seeded case says what the
// seed chose, so the smallest failing case can be read straight from its message.

import type { CheckContext } from './check.ts';
import { CheckFailure } from './errors.ts';

/** Runs the seeded case; a failure's message ends with what the seed chose in it. */
export async function seededCase(ctx: CheckContext, run: () => Promise<void>): Promise<void> {
  const from = ctx.choices.notes.length;
  ctx.transcript.note('tester', '(the seeded case: every cut, pause, held reply and dropped datagram in it comes from the seed)');
  try {
    await run();
  } catch (e) {
    if (e instanceof CheckFailure) {
      const chose = ctx.choices.notes.slice(from);
      e.message = `${e.message} [seeded case: ${chose.length ? chose.join('; ') : 'the seed cut nothing'}]`;
    }
    throw e;
  }
}

export interface BothOptions {
  /**
   * Run the two at once: for a check whose cases each start a program of their own (a client),
   * so the seeded one adds little to the check's time. The fixed case's failure is the one reported;
   * when it fails, the check ends at once and the cleanup stops the seeded one.
   */
  together?: boolean;
}

/** The fixed cases, then the seeded one (or both at once); while exploring, the seeded one alone. */
export async function fixedThenSeeded(ctx: CheckContext, fixed: () => Promise<void>, seeded: () => Promise<void>, opts: BothOptions = {}): Promise<void> {
  if (ctx.exploring) return seededCase(ctx, seeded);
  if (!opts.together) {
    await fixed();
    await seededCase(ctx, seeded);
    return;
  }
  const other = seededCase(ctx, seeded);
  other.catch(() => {}); // awaited below, unless the fixed case fails first
  await fixed();
  await other;
}
