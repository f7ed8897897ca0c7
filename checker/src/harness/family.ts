// Every process a learner's program starts is the checker's to end. A program runs as the leader of a
// process group of its own, with an environment marker of its own; at the end the checker kills the
// group and every process /proc shows in the program's family (descendants, its session, anything
// carrying the marker: a detached grandchild whose parent died is found too), stopping them first so
// that a fork loop cannot outrun the kill. Also on the checker's own way out, whatever the way.

import { randomBytes } from 'node:crypto';
import { familyOf, hasProc } from './proc.ts';

export const MARKER_NAME = 'NETLINGS_RUN';

/** A fresh marker for one program: NETLINGS_RUN=<random>. */
export function newMarker(): string {
  return `${MARKER_NAME}=${process.pid}-${randomBytes(6).toString('hex')}`;
}

interface Started {
  pid: number;
  marker: string;
  /** Node reaped the leader: its pid (and so its group id) may now be reused by a stranger. */
  reaped: boolean;
}

/** Every program this checker started whose family has not been seen gone. */
const live = new Map<number, Started>();

export function registerProgram(pid: number, marker: string): void {
  live.set(pid, { pid, marker, reaped: false });
  hookExit();
}

/** The leader exited and was reaped: from now on its family is known by its marker only. */
export function leaderReaped(pid: number): void {
  const s = live.get(pid);
  if (s) s.reaped = true;
}

function signalGroup(pgid: number, sig: NodeJS.Signals): void {
  if (pgid <= 1 || pgid === process.pid) return;
  try {
    process.kill(-pgid, sig);
  } catch {
    // gone
  }
}

function signalPid(pid: number, sig: NodeJS.Signals): void {
  if (pid <= 1 || pid === process.pid) return;
  try {
    process.kill(pid, sig);
  } catch {
    // gone
  }
}

/**
 * The pids of the program's family that are still alive (empty off Linux, where only the group is
 * known), from a scan of /proc at most 10 ms old: what is asked of a family (its sockets, whether
 * anything of it is left) is read fresh from each pid, and a child that appeared since is seen on the
 * next look.
 */
export function familyPids(pid: number, marker: string | undefined): number[] {
  return familyOf(pid, marker, live.get(pid)?.reaped ?? true, 10).map((p) => p.pid);
}

/**
 * Kills the program's whole family: its group (while the leader is not reaped, the group id is
 * certainly ours), then every process /proc shows in the family, stopped first (SIGSTOP) so none can
 * start another while the rest are killed, then SIGKILL. Rounds repeat (bounded) until the scan finds
 * nothing alive. Returns the pids it found and killed.
 */
export function killFamily(pid: number, marker: string | undefined): number[] {
  const reaped = live.get(pid)?.reaped ?? true;
  if (!reaped) signalGroup(pid, 'SIGKILL');
  const killed: number[] = [];
  if (!hasProc) {
    live.delete(pid);
    return killed;
  }
  for (let round = 0; round < 5; round++) {
    const family = familyOf(pid, marker, reaped);
    if (family.length === 0) break;
    for (const p of family) signalPid(p.pid, 'SIGSTOP');
    for (const p of family) {
      signalPid(p.pid, 'SIGKILL');
      // A group that a family member leads (it is alive, so the id is not reused) is the family's too.
      if (p.pgid === p.pid) signalGroup(p.pid, 'SIGKILL');
      killed.push(p.pid);
    }
  }
  live.delete(pid);
  return [...new Set(killed)];
}

/** Forgets a program whose family is known to be gone (it exited and nothing of it is left). */
export function forgetProgram(pid: number): void {
  live.delete(pid);
}

export function killAllPrograms(): void {
  for (const s of [...live.values()]) killFamily(s.pid, s.marker);
}

// A signal's default action skips 'exit' handlers, and the programs are in groups of their own
// (the terminal's Ctrl-C does not reach them): kill them, then let the signal do what it would have.
let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAllPrograms);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killAllPrograms();
      process.removeListener(sig, onSignal);
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}
