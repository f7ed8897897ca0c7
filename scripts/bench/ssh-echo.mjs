// `npm run bench -- ssh-echo [--runs N]`: N sequential `echo hi` commands (default 1000) against the
// reference server of lesson 03, on one connection: mean and p99 per command, and how much of it is
// the round trip that the `ready` acknowledgement adds, beside lesson 05's frame protocol (no
// acknowledgement) in the same run.
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '1000' } } });
const runs = Number(values.runs);

/** Starts a lesson's solution server on a free port; resolves with its port and a stop(). */
async function startServer(lesson, extra = []) {
  const file = path.join(repo, 'solutions', lesson, 'src', 'server.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', file, '--port', '0', ...extra], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
  };
  process.on('exit', stop);
  const port = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${lesson} server did not start`)), 20_000);
    child.stdout.on('data', (b) => {
      out += b;
      const m = /listening on \S+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on('exit', () => reject(new Error(`${lesson} server exited`)));
  });
  return { port, stop };
}

/** A reader of one connection: line() and exactly(n) resolve as bytes arrive. */
function reader(socket) {
  let buf = Buffer.alloc(0);
  let wake = null;
  socket.on('data', (c) => {
    buf = Buffer.concat([buf, c]);
    wake?.();
  });
  const more = () => new Promise((r) => (wake = r));
  return {
    async line() {
      for (;;) {
        const nl = buf.indexOf(10);
        if (nl >= 0) {
          const l = buf.subarray(0, nl).toString();
          buf = buf.subarray(nl + 1);
          return l;
        }
        await more();
      }
    },
    async exactly(n) {
      while (buf.length < n) await more();
      const b = buf.subarray(0, n);
      buf = buf.subarray(n);
      return b;
    },
  };
}

/** Lesson 03: command, length line, `ready`, output. Returns [total ms, ready round trip ms] per command. */
async function protocol03(runs) {
  const { port, stop } = await startServer('03-ssh-lite');
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  await new Promise((r) => socket.once('connect', r));
  const r = reader(socket);
  const total = [];
  const ack = [];
  for (let i = 0; i < runs + 20; i++) {
    const t0 = performance.now();
    socket.write('echo hi\n');
    const n = Number(await r.line());
    const t1 = performance.now();
    socket.write('ready\n');
    const out = await r.exactly(n);
    const t2 = performance.now();
    if (out.toString() !== 'hi\n') throw new Error(`unexpected output ${JSON.stringify(out.toString())}`);
    if (i >= 20) {
      // the first 20 warm up the server's JIT and are not counted
      total.push(t2 - t0);
      ack.push(t2 - t1);
    }
  }
  socket.destroy();
  stop();
  return { total, ack };
}

/** A lesson-05 frame: a 4-byte big-endian header length, the JSON header, the body. */
function frame(header, body = Buffer.alloc(0)) {
  const h = Buffer.from(JSON.stringify({ ...header, ...(body.length ? { data_size: body.length } : {}) }));
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(h.length);
  return Buffer.concat([prefix, h, body]);
}

/** Lesson 05: one exec frame, one result frame with the output as its body; no acknowledgement. */
async function protocol05(runs) {
  const { port, stop } = await startServer('05-struct-headers', ['--dir', path.join(repo, 'node_modules', '.cache', 'netlings', 'bench-uploads')]);
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  await new Promise((r) => socket.once('connect', r));
  const r = reader(socket);
  const total = [];
  const request = frame({ type: 'exec', cmd: 'echo hi' });
  for (let i = 0; i < runs + 20; i++) {
    const t0 = performance.now();
    socket.write(request);
    const len = (await r.exactly(4)).readUInt32BE(0);
    const header = JSON.parse((await r.exactly(len)).toString());
    const out = await r.exactly(header.data_size ?? 0);
    const t1 = performance.now();
    if (header.type !== 'result' || out.toString() !== 'hi\n') throw new Error(`unexpected reply ${JSON.stringify(header)} ${JSON.stringify(out.toString())}`);
    if (i >= 20) total.push(t1 - t0);
  }
  socket.destroy();
  stop();
  return { total };
}

const PROTOCOLS = { '03 length + ready': protocol03, '05 frame (no ack)': protocol05 };

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const p99 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))];
const ms = (x) => `${x.toFixed(3)} ms`;

console.log(`${runs} sequential \`echo hi\` commands on one connection, 127.0.0.1`);
console.log(`${'protocol'.padEnd(22)} ${'mean'.padStart(10)} ${'p99'.padStart(10)}   ready round trip (mean, p99)`);
for (const [name, run] of Object.entries(PROTOCOLS)) {
  const { total, ack } = await run(runs);
  const rt = ack ? `${ms(mean(ack))}, ${ms(p99(ack))} (${((mean(ack) / mean(total)) * 100).toFixed(1)}% of the mean)` : 'none';
  console.log(`${name.padEnd(22)} ${ms(mean(total)).padStart(10)} ${ms(p99(total)).padStart(10)}   ${rt}`);
}
process.exit(0);
