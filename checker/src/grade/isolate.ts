// How one submission's worker is started and ended, as isolated as the system allows.
//
// namespaces (Linux with unprivileged user namespaces, util-linux `unshare` and iproute2 `ip`):
//   the worker is PID 1 of a PID namespace of its own, so everything it and the learner's programs
//   start dies with it, detached or not; it has a network namespace of its own with loopback only
//   (no route to any other host, and ports that cannot collide with another submission's); and a
//   mount namespace in which every mount is read-only (not only /: /dev/shm, a /tmp of its own)
//   but the submission's own temporary folder (its copy, HOME, TMPDIR and the checker's build
//   folder bound onto it), and /dev/shm is a tmpfs of the namespace's own.
// process-group (anywhere else): the worker runs in a process group of its own; the grader notes
//   every process descended from it while it runs, and every process carrying the submission's
//   marker in its environment, and kills them all at the end.
//
// Both: the worker gets a fresh environment (nothing of the grader's own: no tokens, no paths),
// and each learner program runs under a cap on its address space (RLIMIT_AS, `ulimit -v`).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildDir } from '../harness/build.ts';
import { repoRoot } from '../lessons.ts';

export type IsolationKind = 'namespaces' | 'process-group';

export interface Isolation {
  kind: IsolationKind;
  /** What it gives, in one line each, for the results. */
  network: string;
  processes: string;
  files: string;
  memory: string;
  /** Why namespaces were not used, when they were not. */
  fallbackReason?: string;
}

export const workerEntry = path.join(repoRoot, 'checker', 'bin', 'grade-worker.mjs');

/** Single-quotes a string for sh. */
export function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const UNSHARE = ['unshare', '--user', '--map-root-user', '--net', '--pid', '--fork', '--mount-proc', '--kill-child=SIGKILL'];

/**
 * Makes every mount read-only, not only `/`: a remount of `/` leaves the mounts under it (/dev/shm,
 * a /tmp or /home of their own) writable, and shared with every other submission. The flags a user
 * namespace may not clear (nosuid, nodev, noexec, the atime ones) are kept. A mount that cannot be
 * made read-only is named on stderr as `netlings-writable: PATH` when `report` is set (the probe).
 * Then /dev/shm gets a tmpfs of the namespace's own (64 MiB), unless the stage is inside it.
 */
function readOnlyScript(stage: string, report: boolean): string[] {
  const failed = (mp: string) => (report ? `echo "netlings-writable: ${mp}" >&2` : 'true');
  return [
    'while read -r _ mp _ opts _; do',
    '  mp=$(printf %b "$mp")',
    '  case "$mp" in /proc|/proc/*) continue ;; esac',
    '  case ",$opts," in *,ro,*) continue ;; esac',
    "  keep=$(printf '%s\\n' \"$opts\" | tr , '\\n' | grep -xE 'nosuid|nodev|noexec|noatime|nodiratime|relatime|strictatime' | paste -sd, -) || true",
    `  mount -o "remount,bind,ro\${keep:+,$keep}" "$mp" 2>/dev/null || ${failed('$mp')}`,
    'done < /proc/self/mounts',
    `case ${shq(stage + '/')} in /dev/shm/*) ;; *) mount -t tmpfs -o size=64m,nosuid,nodev,mode=1777 tmpfs /dev/shm 2>/dev/null || ${failed('/dev/shm')} ;; esac`,
  ];
}

/** The namespace set-up run as the namespace's first process, before the worker replaces it. */
function setupScript(stage: string, exec: string[], report = false): string {
  return [
    'set -e',
    'ip link set lo up',
    ...readOnlyScript(stage, report),
    `mount --bind ${shq(stage)} ${shq(stage)}`,
    `mount -o remount,bind,rw ${shq(stage)}`,
    `mount --bind ${shq(path.join(stage, 'build'))} ${shq(buildDir)}`,
    `exec ${exec.map(shq).join(' ')}`,
  ].join('\n');
}

let probed: Promise<Isolation> | undefined;

/** Which isolation this machine gives: namespaces when a trial namespace does all the set-up. */
export function probeIsolation(want: 'auto' | IsolationKind, memoryMb: number): Promise<Isolation> {
  const memory = memoryMb > 0 ? `each learner program capped at ${memoryMb} MiB of address space (RLIMIT_AS)` : 'no memory cap';
  const plain = (reason?: string): Isolation => ({
    kind: 'process-group',
    network: 'shared with the grading machine (programs are told to use 127.0.0.1 and port 0)',
    processes: 'a process group; descendants noted while it runs and killed at the end',
    files: 'a private copy of the submission; the rest of the file system as the grader’s user sees it',
    memory,
    ...(reason ? { fallbackReason: reason } : {}),
  });
  if (want === 'process-group') return Promise.resolve(plain('--isolation process-group'));
  probed ??= (async () => {
    if (process.platform !== 'linux') return plain('not Linux');
    const trial = path.join(os.tmpdir(), `netlings-probe-${process.pid}`);
    mkdirSync(path.join(trial, 'build'), { recursive: true });
    mkdirSync(buildDir, { recursive: true });
    // The trial writes its own folder and /dev/shm (its own tmpfs: nothing may show outside), and must not write the repository.
    const shm = `/dev/shm/netlings-probe-${process.pid}`;
    const trialCommand = `touch ${shq(path.join(trial, 'ok'))} && ! touch ${shq(path.join(repoRoot, '.netlings-probe-ro'))} 2>/dev/null && { touch ${shq(shm)} 2>/dev/null || true; }`;
    const r = spawnSync(UNSHARE[0] as string, [...UNSHARE.slice(1), 'sh', '-c', setupScript(trial, ['sh', '-c', trialCommand], true)], {
      encoding: 'utf8',
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const ok = r.status === 0 && existsSync(path.join(trial, 'ok'));
    const writable = [...(r.stderr ?? '').matchAll(/^netlings-writable: (.*)$/gm)].map((m) => m[1] ?? '');
    if (existsSync(shm)) {
      writable.push('/dev/shm');
      spawnSync('rm', ['-f', shm]);
    }
    spawnSync('rm', ['-rf', trial]);
    const files = `the file system read-only but for its own temporary folder${writable.length ? ` (and ${[...new Set(writable)].join(', ')}, which could not be made read-only)` : ''}; /dev/shm a tmpfs of its own`;
    if (ok) return { kind: 'namespaces', network: 'a network namespace of its own: loopback only, no other host reachable', processes: 'PID 1 of a PID namespace of its own: nothing it starts outlives it', files, memory } satisfies Isolation;
    const why = r.error ? `${r.error.message}` : (r.stderr || `exit ${r.status}`).trim().split('\n')[0];
    return plain(`namespaces unavailable (${why})`);
  })();
  if (want === 'namespaces') {
    return probed.then((iso) => {
      if (iso.kind !== 'namespaces') throw new Error(`--isolation namespaces: ${iso.fallbackReason ?? 'unavailable'}`);
      return iso;
    });
  }
  return probed;
}

/**
 * The worker loads the checker through tsx, which compiles each source file once into a cache under
 * TMPDIR. Every worker has a TMPDIR of its own, so each would compile all of it again: one warm-up
 * worker (no lessons) fills a cache that each submission's TMPDIR starts with (a copy: a submission
 * can only spoil its own). Returns the cache folder, or undefined when the warm-up failed.
 */
export function warmWorkerCache(runRoot: string, checker: string): string | undefined {
  const tmp = path.join(runRoot, 'warm-tmp');
  mkdirSync(tmp, { recursive: true });
  const r = spawnSync(process.execPath, [workerEntry, checker], {
    input: JSON.stringify({ root: tmp, lessons: [], key: '00' }),
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: tmp, TMPDIR: tmp, NO_COLOR: '1' },
    stdio: ['pipe', 'ignore', 'ignore'],
    timeout: 30_000,
  });
  if (r.status !== 0) return undefined;
  const made = readdirSync(tmp).find((n) => n.startsWith('tsx-'));
  return made ? path.join(tmp, made) : undefined;
}

/** Gives a stage's TMPDIR a copy of the warm tsx cache, under the names tsx uses in and out of a user namespace. */
export function seedWorkerCache(stage: string, warm: string | undefined): void {
  if (!warm) return;
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  for (const name of new Set([`tsx-0`, `tsx-${uid}`])) {
    try {
      cpSync(warm, path.join(stage, 'tmp', name), { recursive: true });
    } catch {
      // a cold start is slower, nothing worse
    }
  }
}

/** The environment of a worker (and so of the learner's programs): nothing inherited from the grader. */
export function cleanEnv(stage: string, marker: string, timeScale: string | undefined): Record<string, string> {
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: path.join(stage, 'home'),
    TMPDIR: path.join(stage, 'tmp'),
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
    NETLINGS_SUBMISSION: marker,
    ...(timeScale ? { NETLINGS_TIME_SCALE: timeScale } : {}),
  };
}

/** A launcher that starts node with the address-space cap; the worker puts it in process.execPath. */
export function writeLauncher(stage: string, memoryMb: number): string | undefined {
  if (memoryMb <= 0 || process.platform === 'win32') return undefined;
  const file = path.join(stage, 'node-capped');
  writeFileSync(file, `#!/bin/sh\nulimit -v ${Math.round(memoryMb * 1024)} 2>/dev/null\nexec ${shq(process.execPath)} "$@"\n`);
  chmodSync(file, 0o755);
  return file;
}

/** The process groups of the workers running now: killed if the grader itself is stopped. */
const liveGroups = new Set<number>();
let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  const killAll = () => {
    for (const pid of liveGroups) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  };
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      killAll();
      process.removeListener(sig, onSignal);
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

export interface Worker {
  child: ChildProcess;
  /** Kills everything of this submission (bounded, idempotent). */
  kill(): Promise<void>;
}

/** Starts the worker for a staged submission under the isolation chosen. */
export function startWorker(iso: Isolation, stage: string, env: Record<string, string>, checker: string): Worker {
  return startIsolated(iso, stage, env, [process.execPath, workerEntry, checker]);
}

/** Starts any command under the isolation chosen, with stage as its writable folder (tests use it). */
export function startIsolated(iso: Isolation, stage: string, env: Record<string, string>, node: string[]): Worker {
  for (const d of ['home', 'tmp', 'build']) mkdirSync(path.join(stage, d), { recursive: true });
  if (iso.kind === 'namespaces') mkdirSync(buildDir, { recursive: true }); // the mount point
  const child =
    iso.kind === 'namespaces'
      ? spawn(UNSHARE[0] as string, [...UNSHARE.slice(1), 'sh', '-c', setupScript(stage, node)], { cwd: stage, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn(node[0] as string, node.slice(1), { cwd: stage, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  const tracker = iso.kind === 'process-group' && process.platform === 'linux' ? new DescendantTracker(child.pid ?? -1, env['NETLINGS_SUBMISSION'] ?? '') : undefined;
  hookExit();
  const group = child.pid;
  if (group) liveGroups.add(group);
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  let killing: Promise<void> | undefined;
  return {
    child,
    kill: () =>
      (killing ??= (async () => {
        tracker?.sample();
        // unshare's --kill-child takes PID 1 of the namespace, and the kernel every process in it.
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // gone already
        }
        tracker?.killAll();
        const t0 = Date.now();
        while (!exited && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 20));
        tracker?.stop();
        tracker?.killAll();
        if (group) liveGroups.delete(group);
      })()),
  };
}

interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  start: string;
}

function readProc(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // after "pid (comm) ": state ppid pgrp session ... starttime is field 22 (index 19 here)
    return { pid, ppid: Number(f[1]), pgid: Number(f[2]), start: f[19] ?? '' };
  } catch {
    return undefined;
  }
}

/**
 * Without a PID namespace, a program that detaches (double fork, setsid) leaves the worker's
 * process group. The tracker notes every descendant of the worker every 200 ms, and at the end
 * also every process whose environment carries the submission's marker, and kills them (checking
 * each one's start time, so a reused pid is never hit).
 */
export class DescendantTracker {
  private readonly seen = new Map<number, ProcInfo>();
  private readonly timer: NodeJS.Timeout;
  constructor(
    private readonly root: number,
    private readonly marker: string,
  ) {
    this.timer = setInterval(() => this.sample(), 200);
    this.timer.unref();
  }

  sample(): void {
    let pids: number[];
    try {
      pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number);
    } catch {
      return;
    }
    const infos = pids.map(readProc).filter((p): p is ProcInfo => p !== undefined);
    const kids = new Map<number, ProcInfo[]>();
    for (const p of infos) kids.set(p.ppid, [...(kids.get(p.ppid) ?? []), p]);
    const stack = [this.root, ...this.seen.keys()];
    while (stack.length) {
      const pid = stack.pop() as number;
      for (const k of kids.get(pid) ?? []) {
        if (!this.seen.has(k.pid)) {
          this.seen.set(k.pid, k);
          stack.push(k.pid);
        }
      }
    }
  }

  private marked(): ProcInfo[] {
    if (!this.marker) return [];
    const needle = `NETLINGS_SUBMISSION=${this.marker}\0`;
    const out: ProcInfo[] = [];
    let pids: string[];
    try {
      pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n));
    } catch {
      return [];
    }
    for (const n of pids) {
      try {
        if (readFileSync(`/proc/${n}/environ`, 'latin1').includes(needle)) {
          const p = readProc(Number(n));
          if (p) out.push(p);
        }
      } catch {
        // gone, or not ours
      }
    }
    return out;
  }

  killAll(): void {
    for (const p of [...this.seen.values(), ...this.marked()]) {
      if (p.pid === process.pid) continue;
      const now = readProc(p.pid);
      if (!now || now.start !== p.start) continue;
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
