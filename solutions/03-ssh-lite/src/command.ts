// Running one command for a client: the system shell in a process group of its own, stdout and
// stderr collected as bytes up to a limit, a deadline, and the whole group killed when the command
// runs past either. Python's `subprocess.Popen(cmd, shell=True, stdout=PIPE, stderr=PIPE)`.

import { spawn, type ChildProcess } from 'node:child_process';

/** What a command that printed nothing sends instead, so the reply is never empty. */
export const NO_OUTPUT = 'cmd has no output...';

export interface Limits {
  /** Kill the command after this many milliseconds. */
  timeoutMs: number;
  /** The timeout as the user wrote it, for the marker: "10" in `[timed out after 10s]`. */
  timeoutText: string;
  /** Keep at most this many bytes of output (stdout and stderr together). */
  maxOutput: number;
}

export interface RunningCommand {
  /** The bytes to send: stdout then stderr, with a marker when it was cut short. Never rejects. */
  output: Promise<Buffer>;
  /** Kills the whole process tree at once (the client left, the server stops). */
  kill(): void;
}

/** After the kill, how long the pipes may take to report their end before they are closed by force. */
const GRACE_MS = 1000;

export function runCommand(command: string, limits: Limits): RunningCommand {
  let child: ChildProcess;
  try {
    // shell: true is /bin/sh -c COMMAND. detached: true makes the shell the leader of a new process
    // group, so process.kill(-pid) reaches every process it starts, not just the shell.
    // stdin is /dev/null: a command that reads its input (cat) ends at once instead of waiting.
    child = spawn(command, { shell: true, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    // spawn() throws on its own for some input, e.g. a command that contains a NUL byte
    return { output: Promise.resolve(Buffer.from(`error: cannot run the command: ${(err as Error).message}\n`)), kill() {} };
  }

  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let kept = 0;
  let ending: 'timeout' | 'truncated' | 'killed' | undefined;

  const killTree = (): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL'); // the minus sign: the whole group
    } catch {
      // already gone
    }
    // A process that left the group (setsid) may still hold the pipes open: do not wait for it forever.
    setTimeout(() => {
      child.stdout?.destroy();
      child.stderr?.destroy();
    }, GRACE_MS).unref();
  };

  const collect = (into: Buffer[]) => (chunk: Buffer) => {
    if (ending === 'truncated' || ending === 'killed') return;
    into.push(chunk);
    kept += chunk.length;
    if (kept > limits.maxOutput) {
      ending = 'truncated';
      killTree(); // no reason to let it run on: nothing more of it will be sent
    }
  };
  child.stdout?.on('data', collect(stdout));
  child.stderr?.on('data', collect(stderr));

  const timer = setTimeout(() => {
    ending ??= 'timeout';
    killTree();
  }, limits.timeoutMs);

  const output = new Promise<Buffer>((resolve) => {
    let settled = false;
    const settle = (body: Buffer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(body);
    };
    // 'close', not 'exit': the shell may be gone while a child it started still writes to the pipes.
    child.on('close', () => {
      const all = Buffer.concat([...stdout, ...stderr]); // stdout first, then stderr
      if (ending === 'truncated') settle(withMarker(all.subarray(0, limits.maxOutput), '[output truncated]'));
      else if (ending === 'timeout') settle(withMarker(all, `[timed out after ${limits.timeoutText}s]`));
      else settle(all.length > 0 ? all : Buffer.from(NO_OUTPUT));
    });
    child.on('error', (err) => {
      // the shell could not be started (no /bin/sh, too many processes)
      settle(Buffer.from(`error: cannot run the command: ${err.message}\n`));
    });
  });

  return {
    output,
    kill() {
      ending = 'killed';
      clearTimeout(timer);
      killTree();
    },
  };
}

/** The marker on a line of its own at the end: a \n first only when the output does not end with one. */
export function withMarker(output: Buffer, marker: string): Buffer {
  const needsNewline = output.length > 0 && output[output.length - 1] !== 0x0a;
  return Buffer.concat([output, Buffer.from(`${needsNewline ? '\n' : ''}${marker}\n`)]);
}
