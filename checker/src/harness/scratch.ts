// Where checks make their temporary folders (a server's --dir, a client's file to upload). Lesson 05
// streams hundreds of MiB through them: on a disk, the same 256 MiB write costs 60-660 ms of the
// writer's system time here, depending on what the kernel is flushing at the moment; in memory
// (/dev/shm, a tmpfs) about 130 ms every time. So: the system's temporary folder when TMPDIR says
// where it is (the grader gives every submission its own), else /dev/shm when it is a tmpfs with
// room to spare, else the system's temporary folder.

import { accessSync, constants, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';

/** The room /dev/shm must have free to be used: several lessons' uploads at once, with margin. */
const ROOM = 4 * 1024 ** 3;
const TMPFS_MAGIC = 0x01021994;

let chosen: string | undefined;

export function scratchRoot(): string {
  chosen ??= choose();
  return chosen;
}

function choose(): string {
  if (process.env['TMPDIR']) return tmpdir();
  try {
    const st = statfsSync('/dev/shm');
    accessSync('/dev/shm', constants.W_OK);
    if (st.type === TMPFS_MAGIC && st.bavail * st.bsize >= ROOM) return '/dev/shm';
  } catch {
    // no /dev/shm here, or not ours to write
  }
  return tmpdir();
}
