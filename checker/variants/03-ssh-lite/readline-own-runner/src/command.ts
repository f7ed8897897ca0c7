// Variant: the command runner written with async iteration over the pipes and an exit promise.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Readable } from 'node:stream';

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

export function withMarker(output: Buffer, marker: string): Buffer {
  const sep = output.length && output.at(-1) !== 10 ? '\n' : '';
  return Buffer.concat([output, Buffer.from(sep + marker + '\n')]);
}

export function runCommand(command: string, limits: Limits): RunningCommand {
  const child = spawn('/bin/sh', ['-c', command], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const group = child.pid;
  let why: 'time' | 'size' | 'gone' | null = null;
  let total = 0;
  const stop = (reason: 'time' | 'size' | 'gone') => {
    why ??= reason;
    if (group !== undefined) {
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  };
  const timer = setTimeout(() => stop('time'), limits.timeoutMs);
  const drain = async (stream: Readable): Promise<Buffer[]> => {
    const parts: Buffer[] = [];
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (why === 'size') continue;
      parts.push(chunk);
      total += chunk.length;
      if (total > limits.maxOutput) stop('size');
    }
    return parts;
  };
  const output = (async () => {
    const exited = once(child, 'exit').catch(() => undefined);
    const [out, err] = await Promise.all([drain(child.stdout), drain(child.stderr), exited]);
    clearTimeout(timer);
    const all = Buffer.concat([...out, ...err]);
    if (why === 'size') return withMarker(all.subarray(0, limits.maxOutput), '[output truncated]');
    if (why === 'time') return withMarker(all, `[timed out after ${limits.timeoutText}s]`);
    return all.length ? all : Buffer.from(NO_OUTPUT);
  })().catch((e: Error) => Buffer.from(`error: ${e.message}\n`));
  return { output, kill: () => stop('gone') };
}
