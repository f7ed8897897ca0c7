// diff: the learner's files against the solution, without the noise (package name, trailing whitespace).

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { CheckResult } from '../src/runner.ts';
import { loadState, type ProgressEnv } from '../src/progress.ts';
import { diffCommand, diffLines, lessonDiff, unifiedDiff } from '../src/cli/diff.ts';

const temp = mkdtempSync(path.join(tmpdir(), 'netlings-diff-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());
let n = 0;

const LESSON = '01-basic-socket';
const pkg = (name: string) => `{\n  "name": "${name}",\n  "private": true,\n  "type": "module"\n}\n`;

function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** A lesson and its solution; `passes` says whether the fake checks pass. */
function repo(mine: Record<string, string>, solution: Record<string, string>, passes = false): { env: ProgressEnv; runs: number[] } {
  const root = path.join(temp, `repo${++n}`);
  for (const [rel, text] of Object.entries(mine)) write(path.join(root, 'lessons', LESSON, rel), text);
  for (const [rel, text] of Object.entries(solution)) write(path.join(root, 'solutions', LESSON, rel), text);
  const runs: number[] = [];
  const result = (status: 'pass' | 'fail'): CheckResult => ({ lesson: LESSON, id: 'x', title: 'x', target: 'server', status, durationMs: 1 });
  const env: ProgressEnv = {
    repoRoot: root,
    lessonsRoot: path.join(root, 'lessons'),
    solutionsRoot: path.join(root, 'solutions'),
    stateFile: path.join(root, '.netlings', 'state.json'),
    lessons: [{ lesson: LESSON, checks: [] }],
    checker: () => 'v1',
    run: async () => {
      runs.push(1);
      return [result(passes ? 'pass' : 'fail')];
    },
    note: () => {},
  };
  return { env, runs };
}

/** Applies a unified diff's hunks to a, as patch would. */
function applyDiff(a: string[], diff: string): string[] {
  const out: string[] = [];
  let pos = 0;
  const lines = diff.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^@@ -(\d+),(\d+) \+(\d+),(\d+) @@$/.exec(lines[i] ?? '');
    if (!m) continue;
    const aStart = Number(m[2]) === 0 ? Number(m[1]) : Number(m[1]) - 1;
    while (pos < aStart) out.push(a[pos++] as string);
    for (i++; i < lines.length && !(lines[i] ?? '').startsWith('@@'); i++) {
      const l = lines[i] ?? '';
      if (l.startsWith('+')) out.push(l.slice(1));
      else if (l.startsWith('-')) pos++;
      else if (l.startsWith(' ')) {
        out.push(l.slice(1));
        pos++;
      }
    }
    i--;
  }
  while (pos < a.length) out.push(a[pos++] as string);
  return out;
}

describe('the diff with the solution', () => {
  it('ignores the package.json "name" field', () => {
    const { env } = repo(
      { 'package.json': pkg('@netlings/lesson-01-basic-socket'), 'src/server.ts': 'same\n' },
      { 'package.json': pkg('@netlings/solution-01-basic-socket'), 'src/server.ts': 'same\n' },
    );
    expect(lessonDiff(env, LESSON)).toBe('');
  });

  it('ignores trailing whitespace and CRLF line ends', () => {
    const { env } = repo({ 'src/server.ts': 'a  \r\nb\t\r\n' }, { 'src/server.ts': 'a\nb\n' });
    expect(lessonDiff(env, LESSON)).toBe('');
  });

  it('shows a changed line as - yours + the solution, under both file names', () => {
    const { env } = repo(
      { 'package.json': pkg('@netlings/lesson-01'), 'src/server.ts': 'one\ntwo\n// TODO: reply\nfour\n' },
      { 'package.json': pkg('@netlings/solution-01'), 'src/server.ts': 'one\ntwo\nsocket.end(reply);\nfour\n' },
    );
    const text = lessonDiff(env, LESSON);
    expect(text).toBe(
      [
        `--- lessons/${LESSON}/src/server.ts`,
        `+++ solutions/${LESSON}/src/server.ts`,
        '@@ -1,4 +1,4 @@',
        ' one',
        ' two',
        '-// TODO: reply',
        '+socket.end(reply);',
        ' four',
      ].join('\n'),
    );
    expect(text).not.toContain('\x1b['); // not a terminal: no colour
  });

  it('shows a file only one side has against /dev/null, and compares only src/ and package.json', () => {
    const { env } = repo(
      { 'src/server.ts': 'x\n', 'src/extra.ts': 'mine\n', 'README.md': 'notes\n' },
      { 'src/server.ts': 'x\n', 'src/lib/frame.ts': 'theirs\n', 'README.md': 'other notes\n' },
    );
    const text = lessonDiff(env, LESSON);
    expect(text).toContain(`--- lessons/${LESSON}/src/extra.ts\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-mine`);
    expect(text).toContain(`--- /dev/null\n+++ solutions/${LESSON}/src/lib/frame.ts\n@@ -0,0 +1,1 @@\n+theirs`);
    expect(text).not.toContain('README');
  });

  it('hunks that rebuild the solution from the learner’s file', () => {
    let seed = 7;
    const rand = (k: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % k);
    for (let round = 0; round < 200; round++) {
      const a = Array.from({ length: rand(30) }, () => `line ${rand(6)}`);
      const b = a.filter(() => rand(4) > 0).flatMap((l) => (rand(5) === 0 ? [l, `new ${rand(6)}`] : [l]));
      if (rand(3) === 0) b.unshift('first');
      const d = unifiedDiff(a, b, 'a', 'b', rand(4));
      expect(applyDiff(a, d)).toEqual(b);
      if (d === '') expect(a).toEqual(b);
    }
  });

  it('keeps the common lines: a minimal edit script', () => {
    const ops = diffLines(['a', 'b', 'c', 'd'], ['a', 'x', 'c', 'd', 'e']);
    expect(ops.map((o) => `${o.kind}${o.line}`)).toEqual([' a', '-b', '+x', ' c', ' d', '+e']);
  });
});

describe('npm run diff', () => {
  it('waits until the lesson is done, unless --force', async () => {
    const { env, runs } = repo({ 'src/server.ts': 'mine\n' }, { 'src/server.ts': 'theirs\n' });
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    const out = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await diffCommand(['01'], env)).toBe(1);
    expect(runs).toHaveLength(1); // it checked first: maybe the learner is done and never ran npm start
    expect(err.mock.calls.at(-1)?.[0]).toMatch(/not passed every check yet.*--force/);
    expect(out).not.toHaveBeenCalled();
    expect(await diffCommand(['01', '--force'], env)).toBe(0);
    expect(String(out.mock.calls[0]?.[0])).toContain('+theirs');
  });

  it('opens once the checks pass, and tells a match apart from a diff', async () => {
    const { env } = repo({ 'src/server.ts': 'same\n' }, { 'src/server.ts': 'same\n' }, true);
    const out = vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await diffCommand(['01'], env)).toBe(0);
    expect(loadState(env.stateFile).lessons[LESSON]?.everDone).toBe(true);
    expect(String(out.mock.calls[0]?.[0])).toMatch(/matches the solution/);
  });
});
