// `npm run bench -- chat [--clients N] [--senders N] [--seconds N]`: lesson 08's fan-out. N clients
// (default 1,000) listen while 10 of them send one message a second each for 10 s; every message
// goes to every client. It measures the delay from send to receipt over all receivers (p50, p99,
// max), messages lost, and the server's peak RSS, against lesson 08's reference server and, in the
// same run with the same load, against a Python port of the tutorial's threaded ChatServer
// (scripts/bench/chat_server.py, one thread per client, sendall under a lock), and prints the ratio.
//
// The load generator is two Node processes (this one, with the senders and half the receivers, and
// a child of it with the other half), so that reading 1,010 copies of each message is not all done
// on one core. Bounded loops: it stops by itself. Each process needs one file descriptor per
// connection it holds, plus a few; the limit is checked first, with how to raise it (`ulimit -n 4096`
// in the shell that runs it). The receipt delays are wall-clock times (performance.timeOrigin + now()).
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '1000' },
    senders: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '10' },
    // internal: this process is the second load generator, holding the receivers from..from+count
    receivers: { type: 'string' },
    port: { type: 'string' },
  },
});
const CLIENTS = Number(values.clients);
const SENDERS = Number(values.senders);
const SECONDS = Number(values.seconds);
const BATCH = 50; // connections opened at once: under Python's default listen() backlog of 128

function fdLimit() {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m?.[1] === 'unlimited' ? Infinity : Number(m?.[1]);
  } catch {
    return undefined;
  }
}
const limit = fdLimit();
if (limit !== undefined && limit < CLIENTS + SENDERS + 50 && values.receivers === undefined) {
  console.error(`chat bench: ${CLIENTS + SENDERS} connections (the server holds them all) need ${CLIENTS + SENDERS + 50} file descriptors, the limit is ${limit}. Run \`ulimit -n 4096\` in this shell first, or pass a smaller --clients.`);
  process.exit(2);
}

function peakRss(pid) {
  try {
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Starts a server (argv), waits for its ready line; resolves with its port, pid and a stop(). */
async function startServer(label, argv) {
  const child = spawn(argv[0], argv.slice(1), { cwd: repo, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
  };
  process.on('exit', stop);
  child.stderr.on('data', () => {}); // its error log (resets at the end) is not the benchmark's
  const port = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${label} did not start`)), 30_000);
    const onData = (b) => {
      out += b;
      const m = /listening on \S+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.stdout.resume(); // its log of joins and quits is drained, not kept
        resolve(Number(m[1]));
      }
    };
    child.stdout.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${label} exited (${code})`)));
  });
  return { port, pid: child.pid, stop };
}

/** One client of the load: counts the bench messages it receives and the delay of each. */
function connectClient(port, onText) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let rest = '';
    socket.setEncoding('utf8');
    socket.on('data', (text) => {
      rest += text;
      let nl;
      while ((nl = rest.indexOf('\n')) >= 0) {
        const line = rest.slice(0, nl);
        rest = rest.slice(nl + 1);
        if (line.startsWith('bench ') || line.startsWith('sync ')) onText(line);
      }
    });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

const pause = (ms) => new Promise((r) => setTimeout(r, ms));

function quantile(sorted, q) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable between the two load processes. */
const now = () => performance.timeOrigin + performance.now();

/**
 * Receivers of one load process: connects `count` clients in batches; every bench line's delay goes
 * to `delays`; `sync` lines are reported with the client's index.
 */
async function receivers(port, count, delays, onSync) {
  const sockets = [];
  for (let i = 0; i < count; i += BATCH) {
    const batch = [];
    for (let k = i; k < Math.min(count, i + BATCH); k++) {
      batch.push(
        connectClient(port, (line) => {
          if (line.startsWith('sync ')) return onSync(k, line);
          delays.push(now() - Number(line.slice(line.lastIndexOf(' ') + 1)));
        }),
      );
    }
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

// The second load process: receivers only, driven by the first over IPC; it ends when told.
if (values.receivers !== undefined) {
  const delays = [];
  const sockets = await receivers(Number(values.port), Number(values.receivers), delays, (k, line) => process.send?.({ sync: line, k }));
  process.send?.({ connected: sockets.length });
  process.on('message', (m) => {
    if (m === 'count') process.send?.({ count: delays.length });
    if (m === 'done') {
      for (const s of sockets) s.destroy();
      process.send?.({ delays }, () => process.exit(0));
    }
  });
  await new Promise(() => {});
}

async function run(label, argv) {
  const server = await startServer(label, argv);
  const total = CLIENTS + SENDERS;
  const mine = Math.ceil(total / 2);
  const delays = [];
  const syncSeen = new Set();
  let syncRound = 0;
  const onSync = (k, line) => line === `sync ${syncRound}` && syncSeen.add(k);
  // The second process: the other half of the receivers, on a core of its own when there is one.
  const helper = fork(fileURLToPath(import.meta.url), ['--receivers', String(total - mine), '--port', String(server.port)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let helperCount = 0;
  let helperDelays;
  const helperConnected = new Promise((resolve) =>
    helper.on('message', (m) => {
      if (m.connected !== undefined) resolve();
      if (m.sync !== undefined) onSync(mine + m.k, m.sync);
      if (m.count !== undefined) helperCount = m.count;
      if (m.delays !== undefined) helperDelays = m.delays;
    }),
  );
  const all = await receivers(server.port, mine, delays, onSync);
  await helperConnected;
  // Every client is in the room once a sync line reaches all of them (bounded retries).
  for (syncRound = 1; syncRound <= 10; syncRound++) {
    syncSeen.clear();
    all[0].write(`sync ${syncRound}\n`);
    const t0 = performance.now();
    while (syncSeen.size < total && performance.now() - t0 < 3000) await pause(20);
    if (syncSeen.size === total) break;
  }
  if (syncSeen.size < total) throw new Error(`${label}: only ${syncSeen.size} of ${total} clients joined`);
  const senders = all.slice(0, SENDERS);
  const expected = SENDERS * SECONDS * total;
  // Each sender talks once a second, the senders spread over the second.
  const t0 = performance.now();
  await Promise.all(
    senders.map(async (s, k) => {
      for (let n = 0; n < SECONDS; n++) {
        const at = t0 + n * 1000 + (k * 1000) / SENDERS;
        const wait = at - performance.now();
        if (wait > 0) await pause(wait);
        s.write(`bench ${k} ${n} ${now().toFixed(3)}\n`);
      }
    }),
  );
  const deadline = performance.now() + 10_000;
  while (delays.length + helperCount < expected && performance.now() < deadline) {
    helper.send('count');
    await pause(100);
  }
  const rss = peakRss(server.pid);
  helper.send('done');
  await new Promise((r) => helper.once('exit', r));
  delays.push(...(helperDelays ?? []));
  const received = delays.length;
  for (const s of all) s.destroy();
  server.stop();
  const sorted = delays.sort((a, b) => a - b);
  return { label, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted.at(-1) ?? NaN, received, expected, rss };
}

// The reference server is bundled first and run by plain node, as the checker runs programs: the
// figures are the server's, not those of a TypeScript loader living in it.
const { buildSync } = await import('esbuild');
const built = mkdtempSync(path.join(tmpdir(), 'netlings-chat-bench-'));
process.on('exit', () => rmSync(built, { recursive: true, force: true }));
const serverJs = path.join(built, 'server.mjs');
buildSync({ entryPoints: [path.join(repo, 'solutions', '08-chat', 'src', 'server.ts')], bundle: true, platform: 'node', format: 'esm', outfile: serverJs, logLevel: 'error' });
const node = await run('node (solutions/08-chat)', [process.execPath, serverJs, '--port', '0']);
const python = await run('python threads (chat_server.py)', ['python3', path.join('scripts', 'bench', 'chat_server.py'), '--port', '0']);

const ms = (x) => (Number.isFinite(x) ? `${x.toFixed(1)} ms` : '—');
const mib = (x) => (x === undefined ? '—' : `${(x / 1024 / 1024).toFixed(1)} MiB`);
console.log(`\nchat fan-out: ${CLIENTS} listening clients + ${SENDERS} senders, one message a second from each sender for ${SECONDS} s, every message to all ${CLIENTS + SENDERS} clients`);
console.log(`${'server'.padEnd(34)} ${'p50'.padStart(10)} ${'p99'.padStart(10)} ${'max'.padStart(10)} ${'received'.padStart(18)} ${'peak RSS'.padStart(10)}`);
for (const r of [node, python]) {
  console.log(`${r.label.padEnd(34)} ${ms(r.p50).padStart(10)} ${ms(r.p99).padStart(10)} ${ms(r.max).padStart(10)} ${`${r.received}/${r.expected}`.padStart(18)} ${mib(r.rss).padStart(10)}`);
}
const ratio = (a, b) => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : '—');
console.log(`${'python / node'.padEnd(34)} ${ratio(python.p50, node.p50).padStart(10)} ${ratio(python.p99, node.p99).padStart(10)} ${ratio(python.max, node.max).padStart(10)} ${''.padStart(18)} ${ratio(python.rss, node.rss).padStart(10)}`);
console.log(`goal: node p99 <= 100 ms: ${node.p99 <= 100 ? 'met' : 'NOT met'} (${ms(node.p99)})`);
process.exit(0);
