// What Linux's /proc tells about a learner's processes: who they are (every descendant, also one that
// left the process group or the session), the CPU time they used, their state, and their TCP sockets.
// Elsewhere these return undefined and the checks that need them say they could not measure.

import { closeSync, openSync, readdirSync, readFileSync, readlinkSync, readSync } from 'node:fs';

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
  /** When it started, in clock ticks since boot: with the pid, it names this process and no later one. */
  start: number;
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
    start: Number(f[19]),
  };
}

/** User + system CPU time of one process, in clock ticks (usually 1/100 s), or undefined off Linux. */
export function cpuTicks(pid: number): number | undefined {
  return procInfo(pid)?.ticks;
}

let lastScan: { at: number; list: ProcInfo[] } | undefined;

/**
 * Every process on the machine that /proc shows us. A scan reads every process's stat (~1 ms for
 * ~100 processes); with `maxAgeMs` a scan made that recently is answered again, so the programs of
 * several checks looking every few milliseconds share scans. Killing never takes an old one.
 */
export function allProcesses(maxAgeMs = 0): ProcInfo[] {
  if (!hasProc) return [];
  if (maxAgeMs > 0 && lastScan && performance.now() - lastScan.at <= maxAgeMs) return lastScan.list;
  const out: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const info = procInfo(pid);
    if (info) out.push(info);
  }
  lastScan = { at: performance.now(), list: out };
  return out;
}

/**
 * The NETLINGS_RUN=... entry of each process's environment, by pid and start time. A process's
 * environment is set at exec, and a stranger cannot exec its way into a marker it never had, so the
 * answer is kept: the family scans (every few milliseconds while a server settles) read each
 * stranger's environ once. (One of ours that execs with a cleared environment is still ours.)
 */
const markers = new Map<string, string | null>();

function markerOf(p: ProcInfo, name: string): string | null {
  const key = `${p.pid}/${p.start}`;
  const known = markers.get(key);
  if (known !== undefined) return known;
  let found: string | null = null;
  try {
    const env = readFileSync(`/proc/${p.pid}/environ`);
    // Empty: a kernel thread, or a process caught inside exec before its new stack is set; not kept.
    if (env.length === 0) return null;
    const head = env.subarray(0, name.length + 1).toString('latin1') === `${name}=`;
    const at = head ? 0 : env.indexOf(`\0${name}=`) + 1;
    if (head || at > 0) {
      const end = env.indexOf(0, at);
      found = env.subarray(at, end === -1 ? undefined : end).toString('latin1');
    }
  } catch {
    // Unreadable: not ours (EACCES), or without a memory of its own any more (ESRCH: a zombie, or a
    // process on its way out), where no marker can be read now or later. Kept as well.
    found = null;
  }
  if (markers.size > 20_000) markers.clear();
  markers.set(key, found);
  return found;
}

/** True when the process's environment holds `marker` (NAME=value). Unreadable (not ours): false. */
export function hasEnvMarker(p: ProcInfo, marker: string): boolean {
  return markerOf(p, marker.slice(0, marker.indexOf('='))) === marker;
}

/**
 * The family of a program started as the leader of its own process group: every live process in that
 * group or session (while the leader is not reaped), every descendant (by parent links), and every
 * process that carries the program's environment marker — so a grandchild that called setsid() and
 * whose parent has died is found too. Zombies are left out (they are dead; their parent reaps them).
 */
export function familyOf(leader: number, marker: string | undefined, leaderReaped = false, maxAgeMs = 0): ProcInfo[] {
  if (!hasProc) return [];
  const all = allProcesses(maxAgeMs);
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
    for (const p of all) if (!found.has(p.pid) && p.pid !== process.pid && hasEnvMarker(p, marker)) add(p);
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

export interface UdpSocket {
  /** host:port, as in TCP's tables: "127.0.0.1:40001", "0.0.0.0:40001", "[::]:40001". */
  local: string;
  port: number;
  inode: string;
}

const TCP_STATES: Record<string, string> = {
  '01': 'ESTABLISHED', '02': 'SYN_SENT', '03': 'SYN_RECV', '04': 'FIN_WAIT1', '05': 'FIN_WAIT2', '06': 'TIME_WAIT',
  '07': 'CLOSE', '08': 'CLOSE_WAIT', '09': 'LAST_ACK', '0A': 'LISTEN', '0B': 'CLOSING',
};
const LISTEN = '0A';

/**
 * The lines of a /proc table that contain `word`, split into columns: found by searching the text,
 * so a table of thousands of rows costs one pass of indexOf and only the matching rows are split.
 */
function rowsWith(text: string, word: string): string[][] {
  const rows: string[][] = [];
  for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + word.length)) {
    const from = text.lastIndexOf('\n', at) + 1;
    const to = text.indexOf('\n', at);
    rows.push(text.slice(from, to === -1 ? undefined : to).trim().split(/\s+/));
  }
  return rows;
}

/**
 * Socket inodes known to be Unix sockets (a program's stdin, stdout and stderr are socket pairs):
 * an inode names one socket for its life, so the answer is kept, and a program that holds nothing
 * else (one still starting, say) costs no look at the TCP tables at all.
 */
const unixInodes = new Set<string>();

/** The inodes that are not known Unix sockets; the unknown ones are looked up in /proc/net/unix first. */
function inetCandidates(inodes: Set<string>): Set<string> {
  const unknown = [...inodes].filter((i) => !unixInodes.has(i));
  if (unknown.length === 0) return new Set();
  try {
    const text = readFileSync('/proc/net/unix', 'latin1');
    if (unixInodes.size > 50_000) unixInodes.clear();
    for (const i of unknown) if (rowsWith(text, ` ${i}`).some((cols) => cols[6] === i)) unixInodes.add(i);
  } catch {
    // no table: every socket is a candidate
  }
  return new Set(unknown.filter((i) => !unixInodes.has(i)));
}

/** One read's worth of a /proc table: the kernel writes only whole rows into it, and only as many as asked for. */
const chunk = Buffer.allocUnsafe(32 * 1024);

/**
 * Reads a /proc table a piece at a time until `more(text)` says it has what it needs (or the table
 * ends); returns false when the table cannot be read. The kernel makes a table's text as it is read,
 * and a busy machine's TCP table holds thousands of TIME_WAIT rows (21 ms for 3,400 rows here): a
 * reader that stops early never pays for them.
 */
function scanTable(file: string, more: (text: string) => boolean): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return false;
  }
  try {
    for (let n = readSync(fd, chunk, 0, chunk.length, null); n > 0; n = readSync(fd, chunk, 0, chunk.length, null)) {
      if (!more(chunk.toString('latin1', 0, n))) break;
    }
    return true;
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

/** The state column (hex) of the last row of a piece of a TCP table, or undefined for the header alone. */
function lastState(text: string): string | undefined {
  const end = text.endsWith('\n') ? text.length - 1 : text.length;
  const row = text.slice(text.lastIndexOf('\n', end - 1) + 1, end).trim().split(/\s+/);
  return row[0] === 'sl' ? undefined : row[3];
}

/**
 * The rows of /proc/net/{tcp,udp}{,6} whose inode is one of `inodes`, split into columns, or undefined
 * off Linux. The checker looks every few milliseconds while a server settles: Unix sockets are left
 * out first, the v6 table is read only for inodes the v4 one does not hold, a table is read only
 * until every inode was found, and only the rows asked for are found (an inode is looked up as a
 * word, then checked in its column) and decoded. With `listenersOnly` a TCP table is read only as
 * far as its LISTEN rows go: the kernel lists every listening socket before the connections.
 */
function socketRows(kind: 'tcp' | 'udp', inodes: Set<string>, listenersOnly = false): string[][] | undefined {
  if (!hasProc) return undefined;
  const rows: string[][] = [];
  const wanted = inetCandidates(inodes);
  for (const table of [`/proc/net/${kind}`, `/proc/net/${kind}6`]) {
    if (wanted.size === 0) break;
    scanTable(table, (text) => {
      for (const inode of [...wanted]) {
        const row = rowsWith(text, ` ${inode} `).find((cols) => cols[9] === inode);
        if (row) {
          rows.push(row);
          wanted.delete(inode);
        }
      }
      if (wanted.size === 0) return false;
      if (listenersOnly) {
        const state = lastState(text);
        if (state !== undefined && state !== LISTEN) return false;
      }
      return true;
    });
  }
  return rows;
}

/** Bytes the kernel holds for one end of a loopback TCP connection, from /proc/net/tcp. */
export interface TcpQueues {
  /** Sent or waiting to be sent, not yet acknowledged by the other end. */
  send: number;
  /** Arrived, not yet read by the program. */
  receive: number;
}

/**
 * The kernel's queues of both ends of a v4 TCP connection between two ports of this machine, read in
 * one look (so no byte is counted in both ends), or undefined when /proc cannot say or either end is
 * missing. Only the rows that hold the first port's hex are split.
 */
export function connectionQueues(portA: number, portB: number): { a: TcpQueues; b: TcpQueues } | undefined {
  if (!hasProc) return undefined;
  const hex = (p: number) => `:${p.toString(16).toUpperCase().padStart(4, '0')}`;
  const [ha, hb] = [hex(portA), hex(portB)];
  let a: TcpQueues | undefined;
  let b: TcpQueues | undefined;
  // Both rows are read in one pass that ends once both are in (queues change between passes).
  const read = scanTable('/proc/net/tcp', (text) => {
    for (const [, local, remote, , queues] of rowsWith(text, `${ha} `)) {
      if (!local || !remote || !queues) continue;
      const [tx = '0', rx = '0'] = queues.split(':');
      const q = { send: parseInt(tx, 16), receive: parseInt(rx, 16) };
      if (local.endsWith(ha) && remote.endsWith(hb)) a = q;
      if (local.endsWith(hb) && remote.endsWith(ha)) b = q;
    }
    return !(a && b);
  });
  return read && a && b ? { a, b } : undefined;
}

/** The TCP sockets held open by these processes, or undefined when /proc cannot say. */
export function socketsOf(pids: number[]): TcpSocket[] | undefined {
  return tcpSocketsOf(socketInodes(pids));
}

/** The TCP sockets with these inodes (from socketInodes), or undefined when /proc cannot say. */
export function tcpSocketsOf(inodes: Set<string>): TcpSocket[] | undefined {
  return tcpSockets(socketRows('tcp', inodes));
}

/** Rows of a TCP table (from socketRows), decoded. */
function tcpSockets(rows: string[][] | undefined): TcpSocket[] | undefined {
  return rows?.flatMap(([, local, remote, st, , , , , , inode]) => {
    if (!local || !remote || !st || !inode) return [];
    const l = decodeAddress(local);
    const r = decodeAddress(remote);
    return [{ local: l.text, remote: r.text, localPort: l.port, remotePort: r.port, state: TCP_STATES[st] ?? st, inode }];
  });
}

/** The UDP sockets held by these processes, or undefined when /proc cannot say. */
export function udpSocketsOf(pids: number[]): UdpSocket[] | undefined {
  const rows = socketRows('udp', socketInodes(pids));
  return rows?.flatMap(([, local, , , , , , , , inode]) => {
    if (!local || !inode) return [];
    const l = decodeAddress(local);
    return [{ local: l.text, port: l.port, inode }];
  });
}

/** The TCP addresses (host:port) these processes listen on, or undefined when /proc cannot say. */
export function listeningAddresses(pids: number[]): string[] | undefined {
  return tcpSockets(socketRows('tcp', socketInodes(pids), true))
    ?.filter((s) => s.state === 'LISTEN')
    .map((s) => s.local);
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
