// After a check's tester connections are closed, the server has work to do (read the FIN, close its
// socket, run its 'end' and 'close' handlers; a buggy one exits there). "Settled" means /proc shows it
// has let go of every one of those connections and its main thread sleeps with no CPU used: whatever
// those handlers did is done, so what comes next sees the program as it is, not halfway.
// Where /proc is missing, settling is skipped (and said so).

import { hasProc, procInfo, socketInodes, tcpSocketsOf } from './proc.ts';
import type { Program } from './program.ts';

export interface Settled {
  /** Every connection from these tester ports is gone from the program's sockets. */
  released: boolean;
  /** The main thread was seen asleep with no CPU used between two looks (or the program is gone). */
  idle: boolean;
  /** /proc was there to tell. */
  measured: boolean;
}

const LOOK_MS = 5;

/** Resolves when the program has let go of the connections from `ports` and is idle, or after `within` ms. */
export async function settle(program: Program, ports: number[], within = 2500): Promise<Settled> {
  if (!hasProc) return { released: false, idle: false, measured: false };
  // A correct server lets go at once; the bound is for one that keeps a half-open connection, and
  // for a machine so loaded that the program waits to be scheduled.
  const deadline = performance.now() + within;
  const portSet = new Set(ports);
  // The TCP table is read when something may have changed in it for us; between, the program's open
  // socket inodes tell (a closed connection's inode leaves its fd list, an accepted one adds one).
  const look = () => socketInodes(program.family());
  let known = new Set<string>();
  const held = (inodes: Set<string>) => {
    known = inodes;
    return (tcpSocketsOf(inodes) ?? []).filter((s) => s.state !== 'LISTEN' && portSet.has(s.remotePort));
  };
  let still = held(look());
  let released = still.length === 0;
  let last = procInfo(program.pid);
  while (!released && performance.now() < deadline) {
    await program.until(() => program.exit !== undefined, LOOK_MS);
    const now = procInfo(program.pid);
    const asleep = !!now && !!last && now.state === 'S' && last.state === 'S' && now.ticks === last.ticks;
    last = now;
    const open = look();
    const gone = still.every((s) => !open.has(s.inode));
    const accepted = [...open].some((i) => !known.has(i));
    // Every connection we wait for has left its fd list and none came in: released, without the table.
    if (gone && !accepted) {
      released = true;
      break;
    }
    // Still open and busy: nothing to decide yet.
    if (!gone && !accepted && !asleep) continue;
    still = held(open);
    // Gone, or only half-closed (CLOSE_WAIT: our FIN is in, the server keeps its side open) while it
    // sleeps with no CPU used between two looks: it has done what it will do about them.
    released = still.length === 0 || (asleep && still.every((s) => s.state === 'CLOSE_WAIT'));
  }
  let idle = false;
  let before = procInfo(program.pid);
  const idleDeadline = Math.max(deadline, performance.now() + 500);
  while (performance.now() < idleDeadline) {
    if (!before || program.exit !== undefined) {
      idle = true; // gone: nothing more will happen in it
      break;
    }
    await program.until(() => program.exit !== undefined, LOOK_MS);
    const now = procInfo(program.pid);
    if (!now) {
      idle = true;
      break;
    }
    if (now.state === 'S' && before.state === 'S' && now.ticks === before.ticks) {
      idle = true;
      break;
    }
    before = now;
  }
  // An exit that was under way when we looked is in by now; let Node deliver its 'exit' event.
  if (program.exit === undefined && !procInfo(program.pid)) await program.until(() => program.exit !== undefined, 200);
  return { released, idle, measured: true };
}
