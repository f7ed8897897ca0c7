// npm start and npm run list without a terminal (CI, a pipe): the progress, plainly, then exit 0.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, type watch } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CheckResult } from '../src/runner.ts';
import type { ProgressEnv } from '../src/progress.ts';
import { startCommand } from '../src/cli/start.ts';
import { listCommand } from '../src/cli/list.ts';
import { probeWatching } from '../src/cli/watch.ts';
import { lessonPort, programArgs } from '../src/cli/run.ts';

const temp = mkdtempSync(path.join(tmpdir(), 'netlings-start-'));
const LESSONS = ['01-basic-socket', '02-loop-server', '03-ssh-lite'];
let n = 0;

// These tests are about the output without a terminal, whatever runs them.
const saved = { out: process.stdout.isTTY, in: process.stdin.isTTY };
beforeAll(() => {
  process.stdout.isTTY = false;
  process.stdin.isTTY = false;
});
afterAll(() => {
  process.stdout.isTTY = saved.out;
  process.stdin.isTTY = saved.in;
  rmSync(temp, { recursive: true, force: true });
});
afterEach(() => vi.restoreAllMocks());

/** Three committed starters; lesson 01 is then solved and 02 half done. A lesson passes when its server.ts says DONE. */
function repo(): { env: ProgressEnv; runs: string[] } {
  const root = path.join(temp, `repo${++n}`);
  for (const l of LESSONS) {
    const dir = path.join(root, 'lessons', l);
    mkdirSync(path.join(dir, 'src'), { recursive: true });
    writeFileSync(path.join(dir, 'src', 'server.ts'), '// TODO\n');
    writeFileSync(path.join(dir, 'lesson.json'), JSON.stringify({ title: `Title ${l.slice(0, 2)}`, summary: '', hints: [], graded: [] }));
  }
  const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { stdio: 'ignore' });
  writeFileSync(path.join(root, '.gitignore'), '.netlings/\n');
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'starters');
  writeFileSync(path.join(root, 'lessons', LESSONS[0] as string, 'src', 'server.ts'), '// DONE\n');
  writeFileSync(path.join(root, 'lessons', LESSONS[1] as string, 'src', 'server.ts'), '// half\n');
  const runs: string[] = [];
  const result = (lesson: string, id: string, status: CheckResult['status']): CheckResult => ({ lesson, id, title: id, target: 'server', status, durationMs: 1 });
  const env: ProgressEnv = {
    repoRoot: root,
    lessonsRoot: path.join(root, 'lessons'),
    solutionsRoot: path.join(root, 'solutions'),
    stateFile: path.join(root, '.netlings', 'state.json'),
    lessons: LESSONS.map((lesson) => ({ lesson, checks: [] })),
    checker: () => 'v1',
    run: async (lesson) => {
      runs.push(lesson.lesson);
      const done = lesson.lesson === LESSONS[0];
      return [result(lesson.lesson, 'a', 'pass'), result(lesson.lesson, 'b', done ? 'pass' : 'fail'), result(lesson.lesson, 'c', done ? 'pass' : 'skip')];
    },
    note: () => {},
  };
  return { env, runs };
}

function capture(): { text: () => string } {
  const out = vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  return { text: () => out.mock.calls.map((c) => String(c[0])).join('\n') };
}

const expected = [
  'netlings  ███████░░░░░░░░░░░░░ 1/3 lessons done',
  '',
  '  ✓ done         01-basic-socket  Title 01',
  '▸ ✗ failing      02-loop-server   Title 02  1/3 checks pass',
  '  · not started  03-ssh-lite      Title 03',
  '',
  'Current lesson: 02-loop-server — read lessons/02-loop-server/README.md, then edit its src/',
].join('\n');

describe('npm start without a terminal', () => {
  it('prints every lesson with its state, the progress and the current lesson, plainly, and exits 0', async () => {
    const { env, runs } = repo();
    const out = capture();
    expect(await startCommand([], env)).toBe(0);
    expect(out.text()).toBe(expected);
    expect(out.text()).not.toContain('\x1b[');
    expect(runs).toEqual(['01-basic-socket', '02-loop-server']); // the untouched starter is not checked
  });

  it('checks nothing the second time when nothing changed', async () => {
    const { env, runs } = repo();
    capture();
    await startCommand([], env);
    runs.length = 0;
    vi.restoreAllMocks();
    const out = capture();
    expect(await startCommand([], env)).toBe(0);
    expect(runs).toEqual([]);
    expect(out.text()).toBe(expected);
  });

  it('shows the lesson the learner moved to as the current one', async () => {
    const { env } = repo();
    mkdirSync(path.dirname(env.stateFile), { recursive: true });
    writeFileSync(env.stateFile, JSON.stringify({ version: 1, current: '03-ssh-lite', lessons: {} }));
    const out = capture();
    await startCommand([], env);
    expect(out.text()).toContain('▸ · not started  03-ssh-lite');
    expect(out.text()).toContain('Current lesson: 03-ssh-lite');
  });
});

describe('npm start with a lesson', () => {
  it('starts at that lesson, and it stays the current one', async () => {
    const { env } = repo();
    const out = capture();
    expect(await startCommand(['03'], env)).toBe(0);
    expect(out.text()).toContain('▸ · not started  03-ssh-lite');
    vi.restoreAllMocks();
    const again = capture();
    await startCommand([], env);
    expect(again.text()).toContain('Current lesson: 03-ssh-lite');
  });
});

describe('npm run list', () => {
  it('prints the same list as npm start and exits 0', async () => {
    const { env } = repo();
    const out = capture();
    expect(await listCommand([], env)).toBe(0);
    expect(out.text()).toBe(expected);
  });
});

describe('watch mode’s probe of file watching', () => {
  it('sees the event of its own probe file on a local disk, and removes the file', async () => {
    const dir = mkdtempSync(path.join(temp, 'probe-'));
    expect(await probeWatching(dir, 3000)).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reports a silent file system (no event in time) so start falls back to manual mode, and removes the file', async () => {
    const dir = mkdtempSync(path.join(temp, 'probe-'));
    let closed = false;
    // A watcher that never reports anything, as on a network or WSL file system.
    const silent = (() => ({ close: () => (closed = true), on() {} })) as unknown as typeof watch;
    expect(await probeWatching(dir, 200, silent)).toBe(false);
    expect(closed).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('npm run run', () => {
  it('starts the program on the lesson’s own port: 9000 + its number', () => {
    expect(lessonPort('01-basic-socket')).toBe(9001);
    expect(lessonPort('09-udp')).toBe(9009);
    expect(programArgs('02-loop-server', ['hello'])).toEqual(['--port', '9002', 'hello']);
  });

  it('lets a --port of the learner’s win', () => {
    expect(programArgs('02-loop-server', ['--port', '0'])).toEqual(['--port', '0']);
    expect(programArgs('02-loop-server', ['--host', '127.0.0.1', '--port=7000'])).toEqual(['--host', '127.0.0.1', '--port=7000']);
  });
});
