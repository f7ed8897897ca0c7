// Programs a class hands in that try the checker rather than the lesson: they leave processes behind
// (detached, in another session, re-running themselves), flood their output, bind every interface,
// spin. Each must get a true verdict within the lesson's budget, leave nothing running, and keep the
// checker's memory bounded. Run through the real command, in a process of its own, as a user runs it.

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../src/lessons.ts';
import { solutionWith } from '../src/mutation.ts';
import { hasProc } from '../src/harness/proc.ts';
import { committedStarter } from './proof.ts';

const temp = mkdtempSync(path.join(tmpdir(), 'netlings-hostile-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const SERVER = path.join(repoRoot, 'solutions', '02-loop-server', 'src', 'server.ts');
let n = 0;

/** A root with lesson 02's solution whose server gets `prelude` at the top and `edit` applied. */
function hostile(prelude: string, edit?: [string, string]): string {
  const root = solutionWith('02-loop-server', path.join(temp, `case${++n}`));
  let src = readFileSync(SERVER, 'utf8');
  if (edit) {
    expect(src.includes(edit[0]), `the edit's anchor is in the solution: ${edit[0]}`).toBe(true);
    src = src.replace(edit[0], edit[1]);
  }
  const lastImport = src.lastIndexOf('\nimport ');
  const cut = src.indexOf('\n', lastImport + 1) + 1;
  writeFileSync(path.join(root, '02-loop-server', 'src', 'server.ts'), src.slice(0, cut) + prelude + '\n' + src.slice(cut));
  return root;
}

interface Run {
  code: number | null;
  results: { id: string; status: string; code?: string; message?: string }[];
  peakRssMb: number;
  wallMs: number;
}

/** `npm run check -- 02 --root ROOT --json`, as a process of its own; its peak memory from getrusage. */
function check(root: string, only: string[] = [], bound = 90_000): Promise<Run> {
  const wrapper = [
    "import { writeSync } from 'node:fs';",
    "process.on('exit', () => writeSync(3, String(process.resourceUsage().maxRSS)));",
    `process.argv = [process.argv[0], 'netlings', ...${JSON.stringify(['check', '02', '--root', root, '--json', ...only.flatMap((o) => ['--only', o])])}];`,
    `await import(${JSON.stringify(path.join(repoRoot, 'checker', 'bin', 'netlings.mjs'))});`,
  ].join('\n');
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--input-type=module', '-e', wrapper], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  let rss = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', () => {});
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (b: Buffer) => (rss += b.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the checker did not finish within ${bound} ms`));
    }, bound);
    child.on('close', (code) => {
      clearTimeout(timer);
      const results = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Run['results'][number]);
      resolve({ code, results, peakRssMb: Number(rss) / 1024, wallMs: performance.now() - t0 });
    });
  });
}

/** Every live process that carries a marker of a program this test's checkers started. */
function leftovers(): number[] {
  if (!hasProc) return [];
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const env = readFileSync(`/proc/${name}/environ`, 'latin1');
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state !== 'Z' && env.includes(`HOSTILE_CASE=${temp}`)) found.push(Number(name));
    } catch {
      // gone, or not ours
    }
  }
  return found;
}
// Every program of these cases carries HOSTILE_CASE (from our environment) down to its grandchildren.
process.env['HOSTILE_CASE'] = temp;

const statusOf = (r: Run, id: string) => r.results.find((x) => x.id === id);

describe.skipIf(!hasProc)('programs that try the checker', () => {
  it('a detached grandchild holding the output pipes is killed, and the checker exits with the verdict', async () => {
    const root = hostile("import { spawn as spawnSleep } from 'node:child_process';\nspawnSleep('sleep', ['300'], { detached: true, stdio: 'inherit' }).unref();");
    const r = await check(root, ['ready', 'reply-upper-case']);
    expect(r.results.map((x) => x.status)).toEqual(['pass', 'pass']);
    expect(r.code).toBe(0);
    expect(leftovers()).toEqual([]);
  });

  it('detached grandchildren that hold no pipe are killed too', async () => {
    const root = hostile("import { spawn as spawnSleep } from 'node:child_process';\nfor (let i = 0; i < 2; i++) spawnSleep('sleep', ['300'], { detached: true, stdio: 'ignore' }).unref();");
    const r = await check(root, ['ready', 'reply-upper-case']);
    expect(r.code).toBe(0);
    expect(leftovers()).toEqual([]);
  });

  it('a server that re-runs itself in a detached child and exits is graded as the child, and nothing is left', async () => {
    const root = hostile(
      [
        "import { spawn as spawnSelf } from 'node:child_process';",
        "if (!process.env['DAEMONIZED']) {",
        "  spawnSelf(process.execPath, process.argv.slice(1), { detached: true, stdio: 'inherit', env: { ...process.env, DAEMONIZED: '1' } }).unref();",
        '  process.exit(0);',
        '}',
      ].join('\n'),
    );
    const r = await check(root);
    for (const id of ['ready', 'reply-upper-case', 'concurrent-clients', 'half-close-gets-replies']) expect(statusOf(r, id)?.status, id).toBe('pass');
    expect(leftovers()).toEqual([]);
  });

  it('a server that prints 30 MB of lines after its ready line passes, with the checker under 150 MB', async () => {
    const root = hostile('', [
      '  console.log(`listening on ${address}:${actual}`);',
      "  console.log(`listening on ${address}:${actual}`);\n  const line = 'x'.repeat(99) + '\\n';\n  for (let i = 0; i < 300_000; i++) process.stdout.write(line);",
    ]);
    const r = await check(root, ['ready', 'reply-upper-case', 'lines-in-one-write']);
    expect(r.results.map((x) => `${x.id} ${x.status}`)).toEqual(['ready pass', 'reply-upper-case pass', 'lines-in-one-write pass']);
    expect(r.peakRssMb).toBeLessThan(150);
    expect(leftovers()).toEqual([]);
  });

  it('a server whose output never stops passes, with the checker under 150 MB', async () => {
    const root = hostile('', [
      '  console.log(`listening on ${address}:${actual}`);',
      "  console.log(`listening on ${address}:${actual}`);\n  const block = ('y'.repeat(79) + '\\n').repeat(800);\n  const flood = (): void => void process.stdout.write(block, flood);\n  flood();",
    ]);
    const r = await check(root, ['ready', 'reply-upper-case', 'lines-in-one-write']);
    expect(r.results.map((x) => `${x.id} ${x.status}`)).toEqual(['ready pass', 'reply-upper-case pass', 'lines-in-one-write pass']);
    expect(r.peakRssMb).toBeLessThan(150);
    expect(leftovers()).toEqual([]);
  });

  it('30 MB of output without a newline costs linear time and bounded memory, and shows a bounded line', async () => {
    const root = hostile('', [
      '  console.log(`listening on ${address}:${actual}`);',
      "  console.log(`listening on ${address}:${actual}`);\n  const chunk = 'z'.repeat(64 * 1024);\n  for (let i = 0; i < 480; i++) process.stdout.write(chunk);",
    ]);
    const r = await check(root, ['ready', 'reply-upper-case', 'logs-connections', 'serves-client-after-client']);
    expect(r.peakRssMb).toBeLessThan(150);
    // Only its first log line is glued to the end of the endless one; every later one is a line of its own.
    expect(r.results.map((x) => `${x.id} ${x.status}`)).toEqual(['ready pass', 'reply-upper-case pass', 'serves-client-after-client pass', 'logs-connections pass']);
    expect(r.wallMs).toBeLessThan(30_000); // joining the unfinished line again for every chunk took minutes
    expect(leftovers()).toEqual([]);
  });

  it('a server stuck in a busy loop after its ready line is reported as busy, not as slow', async () => {
    const root = hostile('', ["    if (done) return;\n    buffered += text;", '    if (done) return;\n    for (;;) {} // wait for the rest of the line\n    buffered += text;']);
    const r = await check(root, ['ready', 'reply-upper-case']);
    const reply = statusOf(r, 'reply-upper-case');
    expect(reply?.code).toBe('BUSY');
    expect(reply?.message).toMatch(/stuck in a busy loop/);
    expect(leftovers()).toEqual([]);
  });
});

describe('the command as a pipe sees it', () => {
  it('keeps its exit code when the reader of its output goes away (| head -1)', async () => {
    const starter = committedStarter('01-basic-socket', temp);
    const child = spawn(process.execPath, [path.join(repoRoot, 'checker', 'bin', 'netlings.mjs'), 'check', '01', '--root', starter, '--json'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const code = await new Promise<number | null>((resolve) => {
      child.stdout?.once('data', () => child.stdout?.destroy()); // head -1: read one chunk, then close
      child.on('close', (c) => resolve(c));
    });
    expect(code).toBe(1); // the untouched starter fails
  });
});
