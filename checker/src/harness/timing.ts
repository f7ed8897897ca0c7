// Every wait in the checker is bounded. These are the bounds, in one place.
// NETLINGS_TIME_SCALE (e.g. 2) stretches all of them on a slow machine. The checker's own tests
// shrink them (down to 0.1) to prove quickly that a hanging program fails within its deadline.

const scale = (() => {
  const raw = Number(process.env['NETLINGS_TIME_SCALE'] ?? '1');
  return Number.isFinite(raw) && raw >= 0.1 ? raw : 1;
})();

export const timing = {
  /** For a reply over loopback: a correct program answers in well under 50 ms even on a loaded machine. */
  reply: 2000 * scale,
  /** For a program to print its ready line (tsx start-up is ~0.2 s idle, ~1 s with both cores busy). */
  ready: 8000 * scale,
  /** For a program to exit after it was told to (end of stdin, SIGTERM, a busy port). */
  exit: 5000 * scale,
  /** For a server to exit after SIGINT or SIGTERM: closing its connections and exiting takes milliseconds. */
  signalExit: 2500 * scale,
  /** For a connect over loopback. */
  connect: 2000 * scale,
  /** The gap between bytes when sending byte by byte, so each byte leaves in its own segment. */
  byteGap: 2,
  /** The longest any one check may run, whatever it waits for. */
  checkBudget: 15000 * scale,
} as const;

/** Resolves after ms. Only for pacing writes and for measuring over a window, never for waiting on an event. */
export function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
