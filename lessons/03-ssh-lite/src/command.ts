// Running one command for a client: the system shell in a process group of its own, stdout and
// stderr collected as bytes up to a limit, a deadline, and the whole group killed when the command
// runs past either. Python's `subprocess.Popen(cmd, shell=True, stdout=PIPE, stderr=PIPE)`.

import { spawn } from 'node:child_process';

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
  // TODO: start the command with the system shell in a process group of its own:
  //       spawn(command, { shell: true, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }).
  //       spawn() may throw (a command with a NUL byte): answer with an error text instead.
  // TODO: collect stdout and stderr as Buffers ('data' on child.stdout and child.stderr), never as text.
  //       Past limits.maxOutput bytes in all: stop collecting and kill the whole group.
  // TODO: after limits.timeoutMs, kill the whole group: process.kill(-child.pid, 'SIGKILL').
  //       Killing only the shell (child.kill()) leaves what it started running, holding the pipes open.
  // TODO: on the child's 'close' (not 'exit': the pipes may outlive the shell), resolve `output` with
  //       stdout then stderr; cut to maxOutput + withMarker(..., '[output truncated]'), or
  //       withMarker(..., `[timed out after ${limits.timeoutText}s]`), or NO_OUTPUT when it is empty.
  // TODO: kill() kills the whole group at once (the client left).
  void spawn;
  void command;
  void limits;
  void GRACE_MS;
  return { output: Promise.resolve(Buffer.from(NO_OUTPUT)), kill() {} };
}

/** The marker on a line of its own at the end: a \n first only when the output does not end with one. */
export function withMarker(output: Buffer, marker: string): Buffer {
  const needsNewline = output.length > 0 && output[output.length - 1] !== 0x0a;
  return Buffer.concat([output, Buffer.from(`${needsNewline ? '\n' : ''}${marker}\n`)]);
}
