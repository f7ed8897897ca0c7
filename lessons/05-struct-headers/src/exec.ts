// Lesson 05: running a command for an exec request (given: lesson 03 taught it).
// The output is collected whole because the reply header must carry its length before the body.

import { spawn } from 'node:child_process';
import { constants } from 'node:os';

export interface CommandLimits {
  /** Kill the command (and everything it started) after this many ms. */
  timeoutMs: number;
  /** Keep at most this many bytes of output; the rest is cut and `[output truncated]` added. */
  maxOutput: number;
  /** Abort: the connection that asked is gone. */
  signal?: AbortSignal;
}

export interface CommandResult {
  /** The shell's exit status; a command killed by a signal counts as 128 + the signal's number. */
  exitCode: number;
  /** Its stdout, then its stderr. */
  output: Buffer;
}

/** Runs cmd with the system shell (Python: subprocess.Popen(cmd, shell=True, stdout=PIPE, stderr=PIPE)). */
export function runCommand(cmd: string, limits: CommandLimits): Promise<CommandResult> {
  return new Promise((resolve) => {
    // detached: the command gets a process group of its own, so a timeout kills all of it.
    const child = spawn(cmd, { shell: true, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let kept = 0;
    let truncated = false;
    let timedOut = false;
    const keep = (into: Buffer[]) => (chunk: Buffer) => {
      const room = limits.maxOutput - kept;
      if (room <= 0) {
        truncated = true;
        return;
      }
      if (chunk.length > room) truncated = true;
      const piece = chunk.length > room ? chunk.subarray(0, room) : chunk;
      into.push(piece);
      kept += piece.length;
    };
    child.stdout.on('data', keep(out));
    child.stderr.on('data', keep(err));
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, limits.timeoutMs);
    limits.signal?.addEventListener('abort', killGroup, { once: true });
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ exitCode: 127, output: Buffer.from(`cannot run the command: ${e.message}\n`) });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      limits.signal?.removeEventListener('abort', killGroup);
      const notes: string[] = [];
      if (truncated) notes.push('[output truncated]\n');
      if (timedOut) notes.push(`[timed out after ${Math.round(limits.timeoutMs / 1000)}s]\n`);
      const exitCode = code ?? 128 + (signal ? constants.signals[signal] : 0);
      resolve({ exitCode, output: Buffer.concat([...out, ...err, ...notes.map((n) => Buffer.from(n))]) });
    });
  });
}
