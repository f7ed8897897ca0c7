// Commands the checker has a learner's server run, marked so that the checker can find every process
// they start, and prove that none survives (or kill the ones that do, at cleanup).
//
// The mark is an environment variable with a token of the check's own. Children inherit their
// parent's environment, so every process the marked shell starts carries it in /proc/PID/environ,
// whatever it is called; nothing else on the machine has it. Linux only: elsewhere nothing is found
// and the checks that need it say so in their transcript.

import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { CheckContext } from '../harness/check.ts';

export const MARK_VAR = 'NETLINGS_MARK';

export interface Mark {
  token: string;
  /** The command line to send: `NETLINGS_MARK=TOKEN sh -c 'SCRIPT' netlings-TOKEN`. */
  command(script: string): string;
}

/**
 * A fresh mark whose processes are killed at the check's cleanup. `script` must not contain a
 * single quote: it is passed to sh -c inside single quotes.
 */
export function markProcesses(ctx: CheckContext): Mark {
  const token = randomBytes(6).toString('hex');
  ctx.defer(() => {
    for (const p of markedProcesses(token)) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  });
  return {
    token,
    command(script: string): string {
      if (script.includes("'")) throw new Error('a marked script cannot contain a single quote');
      return `${MARK_VAR}=${token} sh -c '${script}' netlings-${token}`;
    },
  };
}

export interface MarkedProcess {
  pid: number;
  cmdline: string;
}

/** The live processes (zombies excluded) that carry the token. Empty where /proc does not exist. */
export function markedProcesses(token: string): MarkedProcess[] {
  const needle = `${MARK_VAR}=${token}`;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
  const found: MarkedProcess[] = [];
  for (const pid of pids) {
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'latin1');
      if (!env.split('\0').includes(needle)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue; // dead, not yet reaped
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim();
      found.push({ pid: Number(pid), cmdline });
    } catch {
      // gone while we looked, or not ours to read
    }
  }
  return found;
}

/** True when this system lets the checker look for marked processes. */
export function canSeeProcesses(): boolean {
  try {
    readFileSync(`/proc/${process.pid}/environ`);
    return true;
  } catch {
    return false;
  }
}
