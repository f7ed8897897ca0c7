// Mutant: the command runs with spawnSync, the Node twin of Python's blocking subprocess.run: while
// one client's command runs, the event loop is stuck and every other client waits.

import { spawnSync } from 'node:child_process';

export const NO_OUTPUT = 'cmd has no output...';

export interface Limits {
  timeoutMs: number;
  timeoutText: string;
  maxOutput: number;
}

export interface RunningCommand {
  output: Promise<Buffer>;
  kill(): void;
}

export function runCommand(command: string, limits: Limits): RunningCommand {
  const r = spawnSync(command, { shell: true, timeout: limits.timeoutMs, maxBuffer: limits.maxOutput, stdio: ['ignore', 'pipe', 'pipe'] });
  const all = Buffer.concat([r.stdout ?? Buffer.alloc(0), r.stderr ?? Buffer.alloc(0)]);
  return { output: Promise.resolve(all.length > 0 ? all : Buffer.from(NO_OUTPUT)), kill() {} };
}

export function withMarker(output: Buffer, marker: string): Buffer {
  const needsNewline = output.length > 0 && output[output.length - 1] !== 0x0a;
  return Buffer.concat([output, Buffer.from(`${needsNewline ? '\n' : ''}${marker}\n`)]);
}
