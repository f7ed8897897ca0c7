// What Linux's /proc tells about a learner's process: CPU time used, and the ports it listens on.
// Elsewhere these return undefined and the checks that need them say they were skipped.

import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/** User + system CPU time of one process, in clock ticks (usually 1/100 s), or undefined off Linux. */
export function cpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ", field 3 (state) is index 0, so utime (14) is index 11 and stime (15) index 12.
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/** The TCP addresses (host:port) a process is listening on, or undefined when /proc cannot say. */
export function listeningAddresses(pid: number): string[] | undefined {
  let inodes: Set<string>;
  try {
    inodes = new Set(
      readdirSync(`/proc/${pid}/fd`)
        .map((fd) => {
          try {
            return readlinkSync(`/proc/${pid}/fd/${fd}`);
          } catch {
            return '';
          }
        })
        .map((link) => /^socket:\[(\d+)\]$/.exec(link)?.[1])
        .filter((x): x is string => x !== undefined),
    );
  } catch {
    return undefined;
  }
  const out: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const [local, , state] = [cols[1], cols[2], cols[3]];
      const inode = cols[9];
      if (state !== '0A' || !local || !inode || !inodes.has(inode)) continue;
      out.push(decodeAddress(local));
    }
  }
  return out;
}

function decodeAddress(hex: string): string {
  const [addr = '', port = '0'] = hex.split(':');
  const p = parseInt(port, 16);
  if (addr.length === 8) {
    const bytes = addr.match(/../g)?.map((h) => parseInt(h, 16)).reverse() ?? [];
    return `${bytes.join('.')}:${p}`;
  }
  if (/^0+$/.test(addr)) return `[::]:${p}`;
  if (addr === '00000000000000000000000001000000') return `[::1]:${p}`;
  return `[${addr}]:${p}`;
}
