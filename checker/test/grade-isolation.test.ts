// What a submission's processes can and cannot do, under each isolation the grader uses: no way
// out to another host and a read-only file system but their own folder (namespaces), nothing of the
// grader's environment, and nothing left running afterwards, detached or not (both).

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, probeIsolation, startIsolated, type Isolation } from '../src/grade/isolate.ts';
import { repoRoot } from '../src/lessons.ts';
import { buildDir } from '../src/harness/build.ts';

const temp = mkdtempSync(path.join(tmpdir(), 'netlings-isolation-test-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
const MARK = `netlings-isolation-orphan-${process.pid}`;
/** Files the probe writes in /dev/shm, SHM + the submission's mark: under namespaces it must stay in the namespace's own tmpfs. */
const SHM = `/dev/shm/netlings-isolation-probe-${process.pid}-`;
afterAll(() => {
  for (const n of ['mark-pg', 'mark-ns']) rmSync(SHM + n, { force: true });
});

// Reports what the process can reach, as one JSON line; leaves a detached process behind.
const probe = `
const net = require('node:net'); const fs = require('node:fs'); const { spawn } = require('node:child_process');
spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)', ${JSON.stringify(MARK)}], { detached: true, stdio: 'ignore' }).unref();
const out = { env: Object.keys(process.env).sort(), pid: process.pid };
try { fs.writeFileSync(${JSON.stringify(path.join(repoRoot, '.netlings-isolation-probe'))}, 'x'); out.repo = 'writable'; fs.rmSync(${JSON.stringify(path.join(repoRoot, '.netlings-isolation-probe'))}); } catch (e) { out.repo = e.code; }
try { fs.writeFileSync(process.env.TMPDIR + '/mine', 'x'); out.tmp = 'writable'; } catch (e) { out.tmp = e.code; }
try { fs.writeFileSync(${JSON.stringify(SHM)} + process.env.NETLINGS_SUBMISSION, 'x'); out.shm = 'writable'; } catch (e) { out.shm = e.code; }
// The mounts as they are seen: the last one listed at a path is on top of those before it.
const seen = new Map(fs.readFileSync('/proc/self/mounts', 'utf8').split('\\n').map((l) => l.split(' ')).filter((f) => f[1]).map((f) => [f[1], f[3]]));
out.writable = [...seen].filter(([p, o]) => !p.startsWith('/proc') && !o.split(',').includes('ro')).map(([p]) => p);
const srv = net.createServer((s) => s.end('hi')).listen(0, '127.0.0.1', () => {
  const c = net.connect(srv.address().port, '127.0.0.1');
  c.on('data', (d) => { out.loopback = d.toString();
    const o = net.connect({ host: '192.0.2.1', port: 80, timeout: 1500 });
    const done = (r) => { out.outside = r; console.log(JSON.stringify(out)); o.destroy(); };
    o.on('connect', () => done('connected')); o.on('error', (e) => done(e.code)); o.on('timeout', () => done('timeout'));
  });
});
`;

async function runProbe(iso: Isolation, name: string): Promise<Record<string, unknown>> {
  const stage = path.join(temp, name);
  const env = cleanEnv(stage, `mark-${name}`, undefined);
  const w = startIsolated(iso, stage, env, [process.execPath, '-e', probe]);
  let text = '';
  w.child.stdout?.on('data', (b: Buffer) => (text += b.toString()));
  w.child.stdin?.end();
  await new Promise<void>((resolve) => {
    const t = setInterval(() => {
      if (text.includes('\n')) {
        clearInterval(t);
        resolve();
      }
    }, 20);
    setTimeout(() => {
      clearInterval(t);
      resolve();
    }, 15_000);
  });
  await w.kill();
  return JSON.parse(text.trim() || '{}') as Record<string, unknown>;
}

/** The orphans still there once the kernel has had up to 3 s to finish killing a namespace's processes. */
async function survivors(): Promise<string[]> {
  const t0 = Date.now();
  let left = orphans();
  while (left.length && Date.now() - t0 < 3000) {
    await new Promise((r) => setTimeout(r, 50));
    left = orphans();
  }
  return left;
}

function orphans(): string[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .filter((n) => {
      try {
        return readFileSync(`/proc/${n}/cmdline`, 'utf8').includes(MARK);
      } catch {
        return false;
      }
    });
}

describe.runIf(process.platform === 'linux')('isolation', () => {
  it('in a process group: a clean environment, and no process left behind', async () => {
    const iso = await probeIsolation('process-group', 0);
    const r = await runProbe(iso, 'pg');
    expect(r['env']).toEqual(['HOME', 'LANG', 'NETLINGS_SUBMISSION', 'NO_COLOR', 'PATH', 'TMPDIR']);
    expect(r['loopback']).toBe('hi');
    expect(r['tmp']).toBe('writable');
    expect(await survivors()).toEqual([]);
  }, 30_000);

  it('in namespaces: loopback only, the file system read-only but its own folder, nothing left behind', async (ctx) => {
    const iso = await probeIsolation('auto', 0);
    if (iso.kind !== 'namespaces') ctx.skip(); // this machine has no unprivileged namespaces: the case above is what it gets
    const r = await runProbe(iso, 'ns');
    // (the namespace's set-up shell adds PWD, its own folder)
    expect((r['env'] as string[]).filter((k) => k !== 'PWD')).toEqual(['HOME', 'LANG', 'NETLINGS_SUBMISSION', 'NO_COLOR', 'PATH', 'TMPDIR']);
    expect(r['pid']).toBe(1); // PID 1 of its own PID namespace
    expect(r['loopback']).toBe('hi');
    expect(r['outside']).toBe('ENETUNREACH');
    expect(r['repo']).toBe('EROFS');
    expect(r['tmp']).toBe('writable');
    // Every mount read-only but its own folder, the build folder bound onto it, and its own /dev/shm.
    const stage = path.join(temp, 'ns');
    expect((r['writable'] as string[]).filter((m) => m !== '/dev/shm' && !m.startsWith(stage) && m !== buildDir)).toEqual([]);
    expect(r['shm']).toBe('writable');
    expect(existsSync(SHM + 'mark-ns'), 'a file written in /dev/shm by the submission is visible outside its namespace').toBe(false);
    expect(iso.files).not.toContain('could not be made read-only');
    expect(await survivors()).toEqual([]);
  }, 30_000);
});
