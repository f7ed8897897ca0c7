import { describe, expect, it, vi, afterEach } from 'vitest';
import { Deadline } from '../src/harness/deadline.ts';

afterEach(() => {
  vi.useRealTimers();
});

/** A stall source the test drives: microseconds the machine could not run anybody. */
function stallSource(): { read: () => number | undefined; add: (ms: number) => void } {
  let us = 5_000_000;
  return { read: () => us, add: (ms) => (us += ms * 1000) };
}

describe('a deadline on a loaded machine', () => {
  it('is a plain deadline while the machine runs everybody', () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const s = stallSource();
    const d = new Deadline(2000, s.read);
    vi.advanceTimersByTime(1500);
    expect(d.left()).toBe(500);
    vi.advanceTimersByTime(500);
    expect(d.left()).toBe(0);
  });

  it('grows by the time runnable tasks waited for a CPU meanwhile', () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const s = stallSource();
    const d = new Deadline(2000, s.read);
    vi.advanceTimersByTime(2000);
    s.add(700);
    expect(d.left()).toBe(700);
    vi.advanceTimersByTime(700);
    expect(d.left()).toBe(0);
  });

  it('grows to twice its length at most, however long the machine was stalled', () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const s = stallSource();
    const d = new Deadline(2000, s.read);
    s.add(60_000);
    vi.advanceTimersByTime(3999);
    expect(d.left()).toBe(1);
    vi.advanceTimersByTime(1);
    expect(d.left()).toBe(0);
  });

  it('does not grow for a short pacing wait, nor where the system does not say', () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const s = stallSource();
    const short = new Deadline(50, s.read);
    const blind = new Deadline(2000, () => undefined);
    s.add(1000);
    vi.advanceTimersByTime(2000);
    expect(short.left()).toBe(0);
    expect(blind.left()).toBe(0);
  });
});
