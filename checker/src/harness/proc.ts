// What Linux's /proc tells about a learner's processes: who they are (every descendant, also one that
// left the process group or the session), the CPU time they used, their state, and their TCP sockets.
// Elsewhere these return undefined and the checks that need them say they could not measure.

import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export const hasProc = (() => {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
})();

export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  /** R running, S sleeping, D disk wait, Z zombie, T stopped... */
  state: string;
  /** utime + stime, in clock ticks (1/100 s on Linux). */
  ticks: number;
}

/** One process's /proc/PID/stat, or undefined when it is gone (or off Linux). */
export function procInfo(pid: number): ProcInfo | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid pgrp session ..." — comm may hold spaces and parentheses: cut at the last ')'.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    pid,
    state: f[0] ?? '?',
    ppid: Number(f[1]),
    pgid: Number(f[2]),
    sid: Number(f[3]),
    ticks: Number(f[11]) + Number(f[12]),
  };
}

/** User + system CPU time of one process, in clock ticks (usually 1/100 s), or undefined off Linux. */
export function cpuTicks(pid: number): number | undefined {
  return procInfo(pid)?.ticks;
}

/** Every process on the machine that /proc shows us. */
export function allProcesses(): ProcInfo[] {
  if (!hasProc) return [];
  const out: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const info = procInfo(pid);
    if (info) out.push(info);
  }
  return out;
}

/** True when the process's environment holds `marker` (NAME=value). Unreadable (not ours): false. */
export function hasEnvMarker(pid: number, marker: string): boolean {
  try {
    const env = readFileSync(`/proc/${pid}/environ`);
    return env.includes(`\0${marker}\0`) || env.subarray(0, marker.length + 1).equals(Buffer.from(`${marker}\0`));
  } catch {
    return false;
  }
}

/**
 * The family of a program started as the leader of its own process group: every live process in that
 * group or session (while the leader is not reaped), every descendant (by parent links), and every
 * process that carries the program's environment marker — so a grandchild that called setsid() and
 * whose parent has died is found too. Zombies are left out (they are dead; their parent reaps them).
 */
export function familyOf(leader: number, marker: string | undefined, leaderReaped = false): ProcInfo[] {
  if (!hasProc) return [];
  const all = allProcesses();
  const byParent = new Map<number, ProcInfo[]>();
  for (const p of all) {
    const list = byParent.get(p.ppid);
    if (list) list.push(p);
    else byParent.set(p.ppid, [p]);
  }
  const found = new Map<number, ProcInfo>();
  const add = (p: ProcInfo): void => {
    if (found.has(p.pid)) return;
    found.set(p.pid, p);
    for (const c of byParent.get(p.pid) ?? []) add(c);
  };
  // Pids are reused (pid_max is often 32768): once the leader is reaped its number may belong to a
  // stranger, so from then on only the marker says who is ours.
  if (!leaderReaped) {
    for (const p of all) {
      if (p.pid === leader || p.pgid === leader || p.sid === leader) add(p);
    }
  }
  if (marker) {
    for (const p of all) if (!found.has(p.pid) && p.pid !== process.pid && hasEnvMarker(p.pid, marker)) add(p);
  }
  return [...found.values()].filter((p) => p.state !== 'Z' && p.state !== 'X');
}

/** The inodes of the sockets open in these processes. */
export function socketInodes(pids: number[]): Set<string> {
  const inodes = new Set<string>();
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link = '';
      try {
        link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m?.[1]) inodes.add(m[1]);
    }
  }
  return inodes;
}

export interface TcpSocket {
  local: string;
  remote: string;
  localPort: number;
  remotePort: number;
  /** LISTEN, ESTABLISHED, CLOSE_WAIT, FIN_WAIT2... */
  state: string;
  inode: string;
}

const TCP_STATES: Record<string, string> = {
  '01': 'ESTABLISHED', '02': 'SYN_SENT', '03': 'SYN_RECV', '04': 'FIN_WAIT1', '05': 'FIN_WAIT2', '06': 'TIME_WAIT',
  '07': 'CLOSE', '08': 'CLOSE_WAIT', '09': 'LAST_ACK', '0A': 'LISTEN', '0B': 'CLOSING',
};

/** The machine's TCP sockets (v4 and v6) from /proc/net/tcp*, or undefined off Linux. */
export function tcpSockets(): TcpSocket[] | undefined {
  if (!hasProc) return undefined;
  const out: TcpSocket[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const [local, remote, st, inode] = [cols[1], cols[2], cols[3], cols[9]];
      if (!local || !remote || !st || !inode) continue;
      const l = decodeAddress(local);
      const r = decodeAddress(remote);
      out.push({ local: l.text, remote: r.text, localPort: l.port, remotePort: r.port, state: TCP_STATES[st] ?? st, inode });
    }
  }
  return out;
}

/** The TCP sockets held open by these processes, or undefined when /proc cannot say. */
export function socketsOf(pids: number[]): TcpSocket[] | undefined {
  const table = tcpSockets();
  if (!table) return undefined;
  const inodes = socketInodes(pids);
  return table.filter((s) => inodes.has(s.inode));
}

/** The TCP addresses (host:port) a process is listening on, or undefined when /proc cannot say. */
export function listeningAddresses(pid: number | number[]): string[] | undefined {
  const sockets = socketsOf(Array.isArray(pid) ? pid : [pid]);
  return sockets?.filter((s) => s.state === 'LISTEN').map((s) => s.local);
}

/** Resident memory of one process now and at its peak (VmRSS, VmHWM), in bytes. */
export function memoryOf(pid: number): { rss: number; peak: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

function decodeAddress(hex: string): { text: string; port: number } {
  const [addr = '', portHex = '0'] = hex.split(':');
  const port = parseInt(portHex, 16);
  if (addr.length === 8) {
    const bytes = addr.match(/../g)?.map((h) => parseInt(h, 16)).reverse() ?? [];
    return { text: `${bytes.join('.')}:${port}`, port };
  }
  if (/^0+$/.test(addr)) return { text: `[::]:${port}`, port };
  if (addr === '00000000000000000000000001000000') return { text: `[::1]:${port}`, port };
  // ::ffff:a.b.c.d (a v4 address on a v6 socket): the last 4 bytes, in the kernel's word order.
  if (addr.startsWith('0000000000000000FFFF0000')) {
    const bytes = addr.slice(24).match(/../g)?.map((h) => parseInt(h, 16)).reverse() ?? [];
    return { text: `${bytes.join('.')}:${port}`, port };
  }
  return { text: `[${addr}]:${port}`, port };
}
