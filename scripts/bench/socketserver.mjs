// `npm run bench -- socketserver [--seconds S] [--rounds R] [--max N]`: lesson 07's framework (a ThreadingTCPServer
// echo on the reference solution) beside Python's socketserver.ThreadingTCPServer echo
// (echo_server.py), the same load on both in one run: requests per second and p99 latency with 100
// and 1,000 concurrent connections (each sends a line and waits for it to come back, over and over),
// and the most connections each holds open at once (goal: 10,000 for ours). Raises the file
// descriptor limit for itself and both servers (re-running itself under `ulimit -n`).
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const { values } = parseArgs({ options: { seconds: { type: 'string', default: '3' }, rounds: { type: 'string', default: '3' }, max: { type: 'string', default: '10000' }, child: { type: 'boolean', default: false } } });
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const maxConns = Number(values.max);

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

function startServer(name, command, args) {
  const child = spawn(command, args, { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
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

async function load(port, conns) {
  const sockets = [];
  for (let i = 0; i < conns; i += 100) sockets.push(...(await Promise.all(Array.from({ length: Math.min(100, conns - i) }, () => connect(port)))));
  const latencies = [];
  let count = 0;
  let running = true;
  const warmUntil = performance.now() + 500;
  let t0 = 0;
  const worker = async (s, i) => {
    const line = `ping ${i} ${'x'.repeat(32)}\n`;
    while (running) {
      const t = performance.now();
      await roundTrip(s, line);
      if (t >= warmUntil) {
        latencies.push(performance.now() - t);
        count++;
      }
    }
  };
  const all = sockets.map((s, i) => worker(s, i).catch(() => {}));
  await new Promise((r) => setTimeout(r, 500));
  t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  running = false;
  const elapsed = (performance.now() - t0) / 1000;
  await Promise.all(all);
  for (const s of sockets) s.destroy();
  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.floor(latencies.length * 0.99)] ?? NaN;
  return { rps: count / elapsed, p99 };
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
  { name: "Python socketserver.ThreadingTCPServer", start: () => startServer('python', 'python3', [path.join(here, 'echo_server.py')]) },
];

// Both servers run side by side; the loads alternate between them (ours, Python, ours, ...) and each
// figure is the median of its rounds, so a burst of other work on the machine hits both alike.
const running = [];
for (const s of servers) running.push({ ...s, server: await s.start() });
const results = running.map((s) => ({ name: s.name }));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const conns of [100, 1000]) {
  const runs = running.map(() => ({ rps: [], p99: [] }));
  for (let round = 0; round < rounds; round++) {
    for (const [i, s] of running.entries()) {
      const { rps, p99 } = await load(s.server.port, conns);
      runs[i].rps.push(rps);
      runs[i].p99.push(p99);
      console.error(`${s.name}: ${conns} connections, round ${round + 1}: ${Math.round(rps)} requests/s, p99 ${p99.toFixed(1)} ms`);
    }
  }
  for (const [i, r] of runs.entries()) {
    results[i][`rps${conns}`] = median(r.rps);
    results[i][`p99${conns}`] = median(r.p99);
  }
}
for (const [i, s] of running.entries()) {
  results[i].held = await hold(s.server.port, maxConns);
  console.error(`${s.name}: held ${results[i].held} connections open at once`);
  s.server.stop();
}

const [ours, py] = results;
const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : 'n/a');
const rows = [
  ['requests/s, 100 connections', fmt(ours.rps100), fmt(py.rps100), `${fmt(ours.rps100 / py.rps100, 2)}×`],
  ['p99 latency, 100 connections', `${fmt(ours.p99100, 1)} ms`, `${fmt(py.p99100, 1)} ms`, ''],
  ['requests/s, 1,000 connections', fmt(ours.rps1000), fmt(py.rps1000), `${fmt(ours.rps1000 / py.rps1000, 2)}×`],
  ['p99 latency, 1,000 connections', `${fmt(ours.p991000, 1)} ms`, `${fmt(py.p991000, 1)} ms`, ''],
  [`connections held open at once (tried ${fmt(maxConns)})`, fmt(ours.held), fmt(py.held), ''],
];
const widths = [0, 1, 2, 3].map((i) => Math.max(...[['', 'ours (Node)', 'Python', 'ours / Python'], ...rows].map((r) => r[i].length)));
const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('   ');
console.log(`\nsocketserver echo: medians of ${rounds} rounds of ${seconds} s per load, alternating; one load generator (this process) for both; ${process.platform}, ${(await import('node:os')).cpus().length} cores, load average ${(await import('node:os')).loadavg()[0].toFixed(1)}`);
console.log(line(['', 'ours (Node)', 'Python', 'ours / Python']));
for (const r of rows) console.log(line(r));
