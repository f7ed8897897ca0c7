// Benchmarks the instructor's grader as an instructor runs it, never as a test:
//   npm run bench -- grade                 # 10, 20 and 30 submissions × every lesson, --jobs 2
//   npm run bench -- grade --sizes 30      # one size
//   npm run bench -- grade --jobs 4 --timeout 15
// The class: reference solutions, untouched starters and one submission whose programs all hang
// (blocked at start-up, using no CPU), in the proportions 2:1 (the hanging one in every class).
// Printed beside the issue's goal: 30 submissions × every lesson, --jobs 2, on 2 cores ≤ 3 min;
// and a hanging submission costs at most its --timeout. Peak memory is the grader's whole process
// tree (the grader, its workers and every program they start), sampled from /proc every 200 ms.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({ options: { sizes: { type: 'string', default: '10,20,30' }, jobs: { type: 'string', default: '2' }, timeout: { type: 'string', default: '15' } } });
const sizes = values.sizes.split(',').map(Number);
const lessons = readdirSync(path.join(repo, 'solutions'), { withFileTypes: true }).filter((e) => e.isDirectory() && /^\d\d-/.test(e.name)).map((e) => e.name).sort();
const temp = mkdtempSync(path.join(os.tmpdir(), 'netlings-bench-grade-'));
const noModules = (src) => !src.split(path.sep).includes('node_modules');
const HANG = 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);\n';

function makeClass(dir, n) {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) {
    const name = i === 0 ? 's00-hangs' : `s${String(i).padStart(2, '0')}-${i % 3 === 2 ? 'starter' : 'solution'}`;
    const root = path.join(dir, name);
    for (const l of lessons) {
      cpSync(path.join(repo, i % 3 === 2 ? 'lessons' : 'solutions', l), path.join(root, l), { recursive: true, filter: noModules });
      if (i === 0) for (const f of readdirSync(path.join(root, l, 'src'))) if (f.endsWith('.ts')) writeFileSync(path.join(root, l, 'src', f), HANG);
    }
  }
}

function treeRss(rootPid) {
  let total = 0;
  const kids = new Map();
  for (const p of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(f[1]);
      const rss = Number(f[21]) * 4096;
      if (!kids.has(ppid)) kids.set(ppid, []);
      kids.get(ppid).push({ pid: Number(p), rss });
    } catch {
      // gone
    }
  }
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop();
    for (const k of kids.get(pid) ?? []) {
      total += k.rss;
      stack.push(k.pid);
    }
  }
  return total;
}

async function gradeOnce(n) {
  const dir = path.join(temp, `class-${n}`);
  const out = path.join(temp, `out-${n}`);
  makeClass(dir, n);
  const t0 = performance.now();
  const child = spawn(process.execPath, [path.join(repo, 'checker', 'bin', 'netlings.mjs'), 'grade', dir, '--out', out, '--jobs', values.jobs, '--timeout', values.timeout, '--force', '-q'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NO_COLOR: '1' } });
  let peak = 0;
  const sampler = process.platform === 'linux' ? setInterval(() => (peak = Math.max(peak, treeRss(child.pid))), 200) : undefined;
  const code = await new Promise((r) => child.on('close', r));
  clearInterval(sampler);
  const wall = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`grade exited ${code}`);
  const hang = JSON.parse(readFileSync(path.join(out, 's00-hangs', 'netlings.json'), 'utf8'));
  const times = readdirSync(out, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => JSON.parse(readFileSync(path.join(out, e.name, 'netlings.json'), 'utf8')));
  return { n, wall, peak, hang, statuses: times.map((t) => t.status) };
}

console.log(`grading ${sizes.join(', ')} submissions × ${lessons.length} lessons (${lessons.join(', ')}), --jobs ${values.jobs}, --timeout ${values.timeout} s, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`);
const rows = [];
for (const n of sizes) {
  const r = await gradeOnce(n);
  rows.push(r);
  const counts = r.statuses.reduce((m, s) => ((m[s] = (m[s] ?? 0) + 1), m), {});
  console.log(
    `${String(n).padStart(3)} submissions  wall ${r.wall.toFixed(1).padStart(6)} s  (${(r.wall / n).toFixed(2)} s each)  peak memory ${(r.peak / 2 ** 20).toFixed(0)} MiB  ` +
      `hanging one: ${r.hang.status} after ${r.hang.seconds} s (timeout ${values.timeout} s)  statuses ${JSON.stringify(counts)}`,
  );
}
const last = rows.find((r) => r.n === 30);
if (last) console.log(`goal: 30 submissions × every lesson, --jobs 2, ≤ 180 s wall  →  measured ${last.wall.toFixed(1)} s: ${last.wall <= 180 ? 'met' : 'NOT met'}`);
if (rows.length > 1) {
  const a = rows[0];
  const b = rows.at(-1);
  console.log(`growth: ${a.n} → ${b.n} submissions, wall ×${(b.wall / a.wall).toFixed(2)} (linear would be ×${(b.n / a.n).toFixed(2)})`);
}
console.log(`a hanging submission costs at most its --timeout: ${rows.every((r) => r.hang.seconds <= Number(values.timeout) + 2) ? 'yes' : 'NO'} (${rows.map((r) => `${r.hang.seconds} s`).join(', ')})`);
rmSync(temp, { recursive: true, force: true });
