// `npm run bench -- socketserver [--seconds S] [--rounds R] [--max N] [--pin split|none] [--generator c|node]`:
// lesson 07's framework (a ThreadingTCPServer echo on the reference solution) beside Python's
// socketserver.ThreadingTCPServer echo (echo_server.py), the same load on both in one run: requests
// per second and p99 latency with 100 and 1,000 concurrent connections (each sends a line and waits
// for it to come back, over and over), and the most connections each holds open at once (goal:
// 10,000 for ours). Raises the file descriptor limit for itself and both servers (re-running itself
// under `ulimit -n`).
//
// The load comes from loadgen.c (non-blocking sockets on one epoll, one process per load), built
// with `gcc -O2` into node_modules/.cache/netlings/bench/ and rebuilt when the source is newer: a
// Node generator in this process tops out near the servers' own rate on 2 cores, so the ratio would
// measure the generator. Without gcc (or with --generator node) the loads come from this process
// instead, with a note that the ratio may then be bounded by the generator.
//
// CPUs (--pin split, the default, with taskset and at least 2 CPUs): both servers on the first CPU
// this process may use, the generator on the second. Each server under test gets the same budget,
// one core, and the generator never competes with it. --pin none leaves placement to the
// scheduler: the server and the generator then share both cores, and Python's threads (a runnable
// thread each, for the scheduler) crowd out the single-threaded generator while they contend for
// the GIL from both cores, which slows Python far more than ours: a figure that flatters ours.
//
// Whether the figures are the servers' and not the generator's: each round prints the CPU the
// server and the generator used in the measured window (1 core = 100%, all threads), how long their
// threads were runnable without a CPU (other work on the machine), how idle each pinned CPU was
// (/proc/stat) and how much of it a hypervisor stole; the table gives the medians. An honest load
// keeps the server's CPU busy and leaves the generator's some idle time. The server CPU per request
// (its CPU time over the requests it served) is what a request costs it, whatever the wall clock
// (it too grows when other work shares the server's CPU, Python's most: more thread switches).
// A round in which the generator waited for a CPU while the server had time to spare is marked
// "held back" (other work on the machine slowed the load), and the table's notes count them.
// Before a load starts, every connection has been proven served by one echo (they connect in
// batches, each echoed before the next connects): a connection still in the accept queue, or one
// a busy Python takes seconds to accept, would leave the load running on fewer connections than
// it says. A round also says if some connections had no line answered in the window (a starved
// connection is in no latency figure).
//
// The held-connections test stays in Node (this process): it counts connections, not a rate, so
// the generator's speed does not bound it, and it works the same with or without gcc.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    max: { type: 'string', default: '10000' },
    pin: { type: 'string', default: 'split' },
    generator: { type: 'string', default: 'c' },
    child: { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const maxConns = Number(values.max);
if (!['split', 'none'].includes(values.pin) || !['c', 'node'].includes(values.generator)) {
  console.error('usage: npm run bench -- socketserver [--seconds S] [--rounds R] [--max N] [--pin split|none] [--generator c|node]');
  process.exit(2);
}
const loadAtStart = os.loadavg()[0]; // before our own servers' threads count in it
const WARMUP_MS = 500; // each load runs this long before its measured window
const LINE_BYTES = 40; // each connection's line, with its \n: "ping <i> xxx...\n"

// Each held connection costs one descriptor here and one in the server: ask for the hard limit.
const want = maxConns + 1000;
if (!values.child) {
  const soft = Number(spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).stdout.trim());
  const hard = spawnSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).stdout.trim();
  const limit = hard === 'unlimited' ? want : Math.min(want, Number(hard));
  if (soft < limit) console.error(`raising the file descriptor limit from ${soft} to ${limit}`);
  if (limit < want) console.error(`note: the hard limit is ${hard}; at most about ${limit - 1000} connections can be held`);
  const script = fileURLToPath(import.meta.url);
  const args = process.argv.slice(2).map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const r = spawnSync('sh', ['-c', `ulimit -n ${limit} && exec '${process.execPath}' '${script}' --child ${args}`], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

// ---- CPU placement and the load generator --------------------------------------------------------

/** The CPUs this process may run on (its affinity list), or [] if taskset cannot tell. */
function allowedCpus() {
  const r = spawnSync('taskset', ['-pc', String(process.pid)], { encoding: 'utf8' });
  const m = r.status === 0 ? /list:\s*(\S+)/.exec(r.stdout) : null;
  if (!m) return [];
  return m[1].split(',').flatMap((part) => {
    const [a, b = a] = part.split('-').map(Number);
    return Array.from({ length: b - a + 1 }, (_, k) => a + k);
  });
}

const cpus = values.pin === 'split' ? allowedCpus() : [];
const pinned = cpus.length >= 2;
if (values.pin === 'split' && !pinned) console.error('note: taskset is missing or only one CPU is allowed: nothing is pinned (as with --pin none)');
const [serverCpu, generatorCpu] = cpus;
/** The command and arguments that run `command` on `cpu` when pinning, as they are otherwise. */
const onCpu = (cpu, command, args) => (pinned ? ['taskset', ['-c', String(cpu), command, ...args]] : [command, args]);

/** Builds loadgen.c into the cache when the binary is missing or older than the source: its path, or a reason it cannot. */
function buildLoadgen() {
  const source = path.join(here, 'loadgen.c');
  const dir = path.join(repo, 'node_modules', '.cache', 'netlings', 'bench');
  const binary = path.join(dir, 'loadgen');
  if (existsSync(binary) && statSync(binary).mtimeMs >= statSync(source).mtimeMs) return { binary };
  mkdirSync(dir, { recursive: true });
  const tmp = `${binary}.${process.pid}`; // renamed into place: a concurrent run never sees half a binary
  const r = spawnSync('gcc', ['-O2', '-Wall', '-Wextra', '-o', tmp, source], { encoding: 'utf8' });
  if (r.error) return { reason: r.error.code === 'ENOENT' ? 'gcc was not found' : `gcc failed: ${r.error.message}` };
  if (r.status !== 0) return { reason: `gcc could not build loadgen.c:\n${r.stderr.trim()}` };
  if (r.stderr.trim()) console.error(r.stderr.trim());
  renameSync(tmp, binary);
  return { binary };
}

let loadgen;
let generatorNote;
if (values.generator === 'c') {
  const built = buildLoadgen();
  loadgen = built.binary;
  if (!loadgen) generatorNote = `${built.reason}; falling back to the Node load generator`;
} else generatorNote = '--generator node';
if (!loadgen) {
  console.error(`note: ${generatorNote}: the loads come from this Node process, and near 50,000 requests/s on 2 cores it, not the server, may be the limit; the ratio may then be bounded by the generator`);
  // the generator is this process: pinned like loadgen would be (-a: all its threads)
  if (pinned) spawnSync('taskset', ['-a', '-pc', String(generatorCpu), String(process.pid)], { stdio: 'ignore' });
}
const generatorName = loadgen ? 'loadgen.c (gcc -O2, epoll, one process per load)' : 'this Node process (fallback)';
const pct = (x) => (Number.isFinite(x) ? `${Math.round(x * 100)}%` : 'n/a');
const placement = pinned ? `servers pinned to CPU ${serverCpu}, generator to CPU ${generatorCpu} (taskset)` : 'not pinned (the scheduler places the server and the generator)';

function startServer(name, command, args) {
  const [cmd, argv] = onCpu(serverCpu, command, args); // taskset execs: the pid stays the server's
  const child = spawn(cmd, argv, { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
  };
  process.on('exit', stop);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start`)), 30_000);
    child.stdout.on('data', (b) => {
      out += b;
      const m = /listening on \S+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ port: Number(m[1]), stop, pid: child.pid });
      }
    });
    child.on('exit', (code) => reject(new Error(`${name} exited (${code})`)));
  });
}

/** One load from loadgen: `conns` connections for WARMUP_MS, then `seconds` measured. */
function loadC(port, conns, pid) {
  const args = ['127.0.0.1', String(port), String(conns), String(WARMUP_MS), String(Math.round(seconds * 1000)), String(LINE_BYTES), String(pid)];
  const [cmd, argv] = onCpu(generatorCpu, loadgen, args);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    // loadgen bounds its own waits (30 s to connect, the load, 2 s to drain); this only guards
    // against a bug
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000 + WARMUP_MS + seconds * 1000 + 15_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let r;
      try {
        r = JSON.parse(out.trim().split('\n').at(-1));
      } catch {
        reject(new Error(`loadgen ended (${signal ?? code}) without a result`));
        return;
      }
      const failed = r.errors + r.connect_errors;
      const n = (x) => x ?? NaN;
      resolve({ rps: r.rps, p99: n(r.p99_ms), serverCpu: n(r.watch_cpu), serverWait: n(r.watch_wait), generatorCpu: r.cpu, generatorWait: n(r.wait), cpus: r.cpus ?? [], served: r.served, oldest: n(r.oldest_ms), connectMs: n(r.connect_ms), failed: failed ? `${failed} of ${conns} connections failed (${r.first_error})` : '' });
    });
  });
}

const clockTicks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;
/** CPU seconds process `pid` has used, all its threads (utime + stime in /proc/PID/stat); NaN if unreadable. */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is field 3, state
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return NaN;
  }
}

/** Seconds the threads of process `pid` have been runnable but waited for a CPU (/proc/PID/task/TID/schedstat); NaN if unreadable. */
function waitSeconds(pid) {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[1]);
      } catch {} // a thread that has just ended
    }
    return ns / 1e9;
  } catch {
    return NaN;
  }
}

/** Each CPU's tick counters from /proc/stat (user nice system idle iowait irq softirq steal), by CPU number. */
function cpuTicks() {
  try {
    return new Map([...readFileSync('/proc/stat', 'utf8').matchAll(/^cpu(\d+) +(.*)$/gm)].map((m) => [Number(m[1]), m[2].split(' ').slice(0, 8).map(Number)]));
  } catch {
    return new Map();
  }
}

/** Per CPU between two cpuTicks(): the share of its time idle (with iowait), in softirq, and stolen by a hypervisor (loadgen's "cpus"). */
function cpuShares(a, b) {
  return [...b].filter(([cpu]) => a.has(cpu)).map(([cpu, v]) => {
    const d = v.map((x, k) => x - a.get(cpu)[k]);
    const total = d.reduce((x, y) => x + y, 0) || 1;
    return { cpu, idle: (d[3] + d[4]) / total, softirq: d[6] / total, steal: d[7] / total };
  });
}

/** How busy the CPUs were: with pinning, the server's and the generator's; otherwise each. */
function describeCpus(cpus) {
  const one = (c, role) => (c ? `${role}CPU ${c.cpu} idle ${pct(c.idle)} (stolen ${pct(c.steal)})` : '');
  if (pinned) return [one(cpus.find((c) => c.cpu === serverCpu), "server's "), one(cpus.find((c) => c.cpu === generatorCpu), "generator's ")].filter(Boolean).join(', ');
  return cpus.map((c) => one(c, '')).join(', ');
}

// ---- the Node load generator (the fallback) and the held-connections test ------------------------

/** One client connection that sends a line, waits for it back, and again, until stopped. */
function connect(port) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.setNoDelay(true);
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error('connect timeout'));
    }, 10_000);
    s.once('connect', () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

function roundTrip(s, line) {
  return new Promise((resolve, reject) => {
    let got = '';
    const onData = (d) => {
      got += d;
      if (got.endsWith('\n')) {
        done();
        resolve(got);
      }
    };
    const onGone = (e) => {
      done();
      reject(e ?? new Error('closed'));
    };
    const done = () => {
      s.off('data', onData);
      s.off('error', onGone);
      s.off('close', onGone);
    };
    s.setEncoding('utf8');
    s.on('data', onData);
    s.on('error', onGone);
    s.on('close', onGone);
    s.write(line);
  });
}

/** One load from this process (the fallback generator), measured like loadC's. */
async function loadNode(port, conns, pid) {
  const lineOf = (i) => {
    const head = `ping ${i} `;
    return `${head}${'x'.repeat(Math.max(0, LINE_BYTES - 1 - head.length))}\n`;
  };
  // in batches, each connection proven served by one echo before the next batch connects (as loadgen does)
  const started = performance.now();
  const sockets = [];
  for (let i = 0; i < conns; i += 100) {
    const batch = await Promise.all(Array.from({ length: Math.min(100, conns - i) }, () => connect(port)));
    await Promise.all(batch.map((s, k) => roundTrip(s, lineOf(i + k))));
    sockets.push(...batch);
  }
  const connectMs = performance.now() - started;
  const latencies = [];
  let running = true;
  let failed = 0;
  let t0 = Infinity; // round trips that complete in [t0, t1) count
  let t1 = Infinity;
  let served = 0;
  const worker = async (s, i) => {
    const line = lineOf(i);
    let counted = false;
    while (running) {
      const t = performance.now();
      await roundTrip(s, line);
      const done = performance.now();
      if (done >= t0 && done < t1) {
        latencies.push(done - t);
        if (!counted) served++;
        counted = true;
      }
    }
  };
  const all = sockets.map((s, i) => worker(s, i).catch(() => failed++));
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const [wait0, server0, serverWait0, ticks0] = [waitSeconds(process.pid), cpuSeconds(pid), waitSeconds(pid), cpuTicks()];
  await new Promise((r) => setTimeout(r, seconds * 1000));
  t1 = performance.now();
  const elapsed = (t1 - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const [generatorWait, serverCpu, serverWait] = [waitSeconds(process.pid) - wait0, cpuSeconds(pid) - server0, waitSeconds(pid) - serverWait0].map((x) => x / elapsed);
  const cpus = cpuShares(ticks0, cpuTicks());
  running = false;
  await Promise.all(all);
  for (const s of sockets) s.destroy();
  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.ceil(latencies.length * 0.99) - 1] ?? NaN;
  return { rps: latencies.length / elapsed, p99, serverCpu, serverWait, generatorCpu: (cpu.user + cpu.system) / 1e6 / elapsed, generatorWait, cpus, served, oldest: NaN, connectMs, failed: failed ? `${failed} of ${conns} connections failed` : '' };
}

/** Opens connections in batches, each proven served by one echo, until one fails or `max` are open. */
async function hold(port, max) {
  const open = [];
  try {
    while (open.length < max) {
      const batch = Math.min(250, max - open.length);
      const made = await Promise.all(
        Array.from({ length: batch }, async (_, i) => {
          const s = await connect(port);
          const echoed = await Promise.race([roundTrip(s, `hold ${open.length + i}\n`), new Promise((_, rej) => setTimeout(() => rej(new Error('no echo')), 10_000))]);
          if (!echoed) throw new Error('no echo');
          return s;
        }).map((p) => p.catch(() => null)),
      );
      const ok = made.filter(Boolean);
      open.push(...ok);
      if (ok.length < batch) break;
    }
    return open.length;
  } finally {
    for (const s of open) s.destroy();
  }
}

const servers = [
  { name: 'ours: ThreadingTCPServer (lesson 07, Node)', start: () => startServer('ours', process.execPath, ['--import', 'tsx', path.join(here, 'socketserver-echo.ts')]) },
  { name: 'Python socketserver.ThreadingTCPServer', start: () => startServer('python', 'python3', [path.join(here, 'echo_server.py')]) },
];

// Both servers run side by side; the loads alternate between them (ours, Python, ours, ...) and each
// figure is the median of its rounds, so a burst of other work on the machine hits both alike.
console.error(`load generator: ${generatorName}; CPUs: ${placement}`);
const load = loadgen ? loadC : loadNode;
const running = [];
for (const s of servers) running.push({ ...s, server: await s.start() });
const results = running.map((s) => ({ name: s.name }));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// A round's load was held back by other work on the machine when the generator waited for a CPU
// (runnable, not running) for more than this share of the window while the server had time to
// spare (its pinned CPU idle over 5%; unpinned, under 90% of a core).
const STARVED = 0.1;
const heldBack = (r) => r.generatorWait > STARVED && (pinned ? r.serverIdle > 0.05 : r.serverCpu < 0.9);
let heldBackRounds = 0;
for (const conns of [100, 1000]) {
  const runs = running.map(() => ({ rps: [], p99: [], usPerRequest: [], serverCpu: [], generatorCpu: [], serverIdle: [], generatorIdle: [] }));
  for (let round = 0; round < rounds; round++) {
    for (const [i, s] of running.entries()) {
      const r = await load(s.server.port, conns, s.server.pid);
      r.serverIdle = r.cpus.find((c) => pinned && c.cpu === serverCpu)?.idle ?? NaN;
      r.generatorIdle = r.cpus.find((c) => pinned && c.cpu === generatorCpu)?.idle ?? NaN;
      r.usPerRequest = (r.serverCpu / r.rps) * 1e6;
      for (const key of Object.keys(runs[i])) runs[i][key].push(r[key]);
      let note = r.failed ? `; ${r.failed}` : '';
      if (heldBack(r)) {
        heldBackRounds++;
        note += '; held back: the generator waited for a CPU (other work on the machine) while the server had time to spare';
      }
      if (r.served < conns) note += `; only ${r.served} of ${conns} connections had a line answered in the window${Number.isFinite(r.oldest) ? ` (the oldest unanswered line waited ${r.oldest.toFixed(0)} ms)` : ''}`;
      console.error(`${s.name}: ${conns} connections, round ${round + 1}: ${Math.round(r.rps)} requests/s, p99 ${r.p99.toFixed(1)} ms; CPU: server ${pct(r.serverCpu)}, generator ${pct(r.generatorCpu)}; runnable without a CPU: server ${pct(r.serverWait)}, generator ${pct(r.generatorWait)} (summed over threads); ${describeCpus(r.cpus)}; connected and echoed once in ${Math.round(r.connectMs)} ms${note}`);
    }
  }
  for (const [i, r] of runs.entries()) for (const key of Object.keys(r)) results[i][`${key}${conns}`] = median(r[key]);
}
for (const [i, s] of running.entries()) {
  results[i].held = await hold(s.server.port, maxConns);
  console.error(`${s.name}: held ${results[i].held} connections open at once`);
  s.server.stop();
}

const [ours, py] = results;
const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : 'n/a');
const ratio = (a, b) => (Number.isFinite(a / b) ? `${fmt(a / b, 2)}×` : 'n/a');
const rows = [];
for (const [conns, label] of [[100, '100'], [1000, '1,000']]) {
  const k = (key) => `${key}${conns}`;
  rows.push(
    [`requests/s, ${label} connections`, fmt(ours[k('rps')]), fmt(py[k('rps')]), ratio(ours[k('rps')], py[k('rps')])],
    [`p99 latency, ${label} connections`, `${fmt(ours[k('p99')], 1)} ms`, `${fmt(py[k('p99')], 1)} ms`, ''],
    [`server CPU per request, ${label} connections`, `${fmt(ours[k('usPerRequest')], 1)} µs`, `${fmt(py[k('usPerRequest')], 1)} µs`, ratio(py[k('usPerRequest')], ours[k('usPerRequest')])],
    [`CPU: server / generator, ${label} connections`, `${pct(ours[k('serverCpu')])} / ${pct(ours[k('generatorCpu')])}`, `${pct(py[k('serverCpu')])} / ${pct(py[k('generatorCpu')])}`, ''],
  );
  if (pinned) rows.push([`idle: server's CPU / generator's, ${label} connections`, `${pct(ours[k('serverIdle')])} / ${pct(ours[k('generatorIdle')])}`, `${pct(py[k('serverIdle')])} / ${pct(py[k('generatorIdle')])}`, '']);
}
rows.push([`connections held open at once (tried ${fmt(maxConns)})`, fmt(ours.held), fmt(py.held), '']);
const widths = [0, 1, 2, 3].map((i) => Math.max(...[['', 'ours (Node)', 'Python', 'ours / Python'], ...rows].map((r) => r[i].length)));
const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('   ');
console.log(`\nsocketserver echo: medians of ${rounds} rounds of ${seconds} s per load, alternating; load generator: ${generatorName}; CPUs: ${placement}; ${process.platform}, ${os.cpus().length} cores, load average ${loadAtStart.toFixed(1)} at the start`);
if (!loadgen) console.log(`note: ${generatorNote}: the ratio may be bounded by the generator`);
if (heldBackRounds > 0) console.log(`note: ${heldBackRounds} of ${rounds * 2 * running.length} rounds were held back by other work on the machine (the generator waited for a CPU while the server had time to spare): their figures are low`);
console.log('server CPU per request: its CPU time over the requests it served (its ratio is Python / ours); CPU: the share of one core each process used in');
console.log("the measured windows, all its threads; idle: the share of the windows a CPU had nothing to run. An honest load keeps the server's CPU busy and leaves");
console.log("the generator's some idle time (on a VM, time a hypervisor steals also leaves a process under 100%).");
console.log(line(['', 'ours (Node)', 'Python', 'ours / Python']));
for (const r of rows) console.log(line(r));
