// Benchmarks lesson 06's handshake (never a test): connections authenticated per second against the
// solution server, one after another and 100 at once, side by side with the same round trip against
// lesson 02's solution server (no handshake) as the baseline, in the same run.
//   npm run bench -- auth                 # 1000 connections per figure
//   npm run bench -- auth --count 3000
// Each connection: connect, (06: read the 32-byte challenge, send its HMAC and) send "ping\n", wait
// for "PING\n", close.
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { count: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '100' }, rounds: { type: 'string', default: '3' } } });
const rounds = Number(values.rounds);
const count = Number(values.count);
const width = Number(values.concurrency);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SECRET = 'bench secret';

function startServer(lesson) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'solutions', lesson, 'src', 'server.ts'), '--port', '0'], {
    cwd: root,
    env: { ...process.env, NETLINGS_SECRET: SECRET },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on \S+:(\d+)/.exec(out);
      if (m) {
        child.stdout.resume(); // keep draining its log
        child.stdout.removeAllListeners('data');
        child.stdout.on('data', () => {});
        resolve({ child, port: Number(m[1]) });
      }
    });
    child.on('exit', (code) => reject(new Error(`${lesson} server exited with ${code}`)));
  });
}

/** One connection's round trip; resolves when PING came back. */
function once(port, auth) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.setNoDelay(true);
    let buf = Buffer.alloc(0);
    let answered = !auth;
    if (!auth) s.once('connect', () => s.write('ping\n'));
    s.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (!answered) {
        if (buf.length < 32) return;
        s.write(Buffer.concat([createHmac('sha256', SECRET).update(buf.subarray(0, 32)).digest(), Buffer.from('ping\n')]));
        buf = buf.subarray(32);
        answered = true;
      }
      if (buf.includes(0x0a)) {
        if (buf.toString() !== 'PING\n') reject(new Error(`unexpected reply ${JSON.stringify(buf.toString())}`));
        s.destroy();
        resolve();
      }
    });
    s.on('error', reject);
  });
}

async function sequential(port, auth) {
  const t0 = performance.now();
  for (let i = 0; i < count; i++) await once(port, auth);
  return count / ((performance.now() - t0) / 1000);
}

async function parallel(port, auth) {
  const t0 = performance.now();
  let started = 0;
  const lane = async () => {
    while (started < count) {
      started++;
      await once(port, auth);
    }
  };
  await Promise.all(Array.from({ length: width }, lane));
  return count / ((performance.now() - t0) / 1000);
}

// Both servers run at once and are measured in turn, round after round, so a change in the machine's
// load hits both; each figure is the median of the rounds.
const servers = [];
for (const [lesson, auth, name] of [['02-loop-server', false, '02-loop-server baseline (ping only)'], ['06-auth', true, '06-auth (challenge + HMAC + ping)']]) {
  const { child, port } = await startServer(lesson);
  await sequential(port, auth); // warm-up: both sides' JIT
  servers.push({ child, port, auth, name, seq: [], par: [] });
}
for (let r = 0; r < rounds; r++) {
  for (const s of servers) {
    s.seq.push(await sequential(s.port, s.auth));
    s.par.push(await parallel(s.port, s.auth));
  }
}
for (const s of servers) s.child.kill('SIGTERM');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = servers.map((s) => [s.name, median(s.seq), median(s.par)]);
console.log(`connections per second, ${count} per figure, median of ${rounds} rounds, solution servers on 127.0.0.1 (client and server share this machine)`);
console.log(`${'server'.padEnd(38)} ${'one after another'.padStart(18)} ${`${width} at once`.padStart(14)}`);
for (const [name, seq, par] of rows) console.log(`${name.padEnd(38)} ${seq.toFixed(0).padStart(18)} ${par.toFixed(0).padStart(14)}`);
const [base, auth] = rows;
console.log(`06 / 02: ${((auth[1] / base[1]) * 100).toFixed(0)}% one after another, ${((auth[2] / base[2]) * 100).toFixed(0)}% ${width} at once`);
