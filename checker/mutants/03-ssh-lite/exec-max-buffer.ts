// Mutant: the command runs with child_process.exec, which buffers the output itself and gives up
// past its default maxBuffer of 1 MiB (it kills the command and keeps the first MiB).

import { exec } from 'node:child_process';

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
  let stop = (): void => {};
  const output = new Promise<Buffer>((resolve) => {
    const child = exec(command, { encoding: 'buffer', timeout: limits.timeoutMs }, (_err, stdout, stderr) => {
      const all = Buffer.concat([stdout, stderr]);
      resolve(all.length > 0 ? all.subarray(0, limits.maxOutput) : Buffer.from(NO_OUTPUT));
    });
    stop = () => child.kill('SIGKILL');
  });
  return { output, kill: () => stop() };
}

export function withMarker(output: Buffer, marker: string): Buffer {
  const needsNewline = output.length > 0 && output[output.length - 1] !== 0x0a;
  return Buffer.concat([output, Buffer.from(`${needsNewline ? '\n' : ''}${marker}\n`)]);
}
