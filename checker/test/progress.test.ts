// The learner's progress: the state file, the content-hash cache, the lesson states and hints.
// Every test works in a temp folder of its own; the real .netlings/state.json is never touched.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../src/runner.ts';
import type { LessonChecks } from '../src/harness/check.ts';
import {
  currentLesson,
  emptyState,
  hashLesson,
  loadState,
  refresh,
  saveState,
  updateState,
  writeFileAtomic,
  type ProgressEnv,
  type State,
} from '../src/progress.ts';
import { takeHint } from '../src/cli/hint.ts';

const temp = mkdtempSync(path.join(tmpdir(), 'netlings-progress-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => {
  const dir = path.join(temp, `case${++n}`);
  mkdirSync(dir, { recursive: true });
  return dir;
};

const LESSONS = ['01-basic-socket', '02-loop-server'];

/** A repository with two lessons; a lesson passes when its server.ts says DONE. */
function repo(opts: { git?: boolean; hints?: string[] } = {}): { env: ProgressEnv; runs: string[]; root: string } {
  const root = fresh();
  for (const l of LESSONS) {
    const dir = path.join(root, 'lessons', l);
    mkdirSync(path.join(dir, 'src'), { recursive: true });
    writeFileSync(path.join(dir, 'src', 'server.ts'), `// ${l} starter\n`);
    writeFileSync(path.join(dir, 'lesson.json'), JSON.stringify({ title: `title of ${l}`, summary: '', hints: opts.hints ?? [], graded: [] }));
  }
  if (opts.git) {
    writeFileSync(path.join(root, '.gitignore'), 'node_modules/\n.netlings/\n');
    const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { stdio: 'ignore' });
    git('init', '-q');
    git('add', '-A');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'starters');
  }
  const runs: string[] = [];
  const env: ProgressEnv = {
    repoRoot: root,
    lessonsRoot: path.join(root, 'lessons'),
    solutionsRoot: path.join(root, 'solutions'),
    stateFile: path.join(root, '.netlings', 'state.json'),
    lessons: LESSONS.map((lesson): LessonChecks => ({ lesson, checks: [] })),
    checker: () => 'checks-v1',
    run: async (lesson, lessonsRoot) => {
      runs.push(lesson.lesson);
      const done = readFileSync(path.join(lessonsRoot, lesson.lesson, 'src', 'server.ts'), 'utf8').includes('DONE');
      return [fakeResult(lesson.lesson, 'a', 'pass'), fakeResult(lesson.lesson, 'b', done ? 'pass' : 'fail')];
    },
    note: () => {},
  };
  return { env, runs, root };
}

function fakeResult(lesson: string, id: string, status: 'pass' | 'fail'): CheckResult {
  return { lesson, id, title: `check ${id}`, target: 'server', status, durationMs: 1 };
}

const sampleState = (): State => ({
  version: 1,
  current: '02-loop-server',
  lessons: {
    '01-basic-socket': {
      hintsShown: 2,
      everDone: true,
      result: { hash: 'abc', checker: 'v1', status: 'pass', passed: 15, total: 15, at: '2025-01-01T00:00:00.000Z' },
    },
    '02-loop-server': {
      result: { hash: 'def', checker: 'v1', status: 'fail', passed: 3, total: 19, firstFailure: 'answers every line', at: '2025-01-01T00:00:00.000Z' },
    },
  },
});

describe('the state file', () => {
  it('loads back exactly what was saved', () => {
    const file = path.join(fresh(), '.netlings', 'state.json');
    saveState(file, sampleState());
    expect(loadState(file)).toEqual(sampleState());
  });

  it('is an empty state, silently, when there is no file yet', () => {
    const notes: string[] = [];
    expect(loadState(path.join(fresh(), 'none.json'), (l) => notes.push(l))).toEqual(emptyState());
    expect(notes).toEqual([]);
  });

  it.each([
    ['not JSON', '{"version": 1, "lessons": {'],
    ['an old format', JSON.stringify({ version: 0, done: ['01'] })],
    ['not an object', '[1, 2, 3]'],
    ['empty', ''],
  ])('is ignored with a one-line note, never a crash, when it is %s', (_what, content) => {
    const file = path.join(fresh(), 'state.json');
    writeFileSync(file, content);
    const notes: string[] = [];
    expect(loadState(file, (l) => notes.push(l))).toEqual(emptyState());
    expect(notes).toHaveLength(1);
    expect(notes[0]).not.toContain('\n');
    expect(notes[0]).toContain('ignoring');
  });

  it('keeps the well-formed parts of a record and drops the rest', () => {
    const file = path.join(fresh(), 'state.json');
    writeFileSync(file, JSON.stringify({ version: 1, lessons: { '01-basic-socket': { hintsShown: 'two', result: { hash: 1 } }, x: 5 } }));
    expect(loadState(file)).toEqual({ version: 1, lessons: { '01-basic-socket': {} } });
  });

  it('is written atomically: the old content stays whole until the rename', () => {
    const file = path.join(fresh(), 'state.json');
    writeFileAtomic(file, 'old content\n');
    let seenBeforeRename = '';
    writeFileAtomic(file, 'new content\n', (tmp) => {
      seenBeforeRename = readFileSync(file, 'utf8');
      expect(readFileSync(tmp, 'utf8')).toBe('new content\n');
    });
    expect(seenBeforeRename).toBe('old content\n');
    expect(readFileSync(file, 'utf8')).toBe('new content\n');
    expect(readdirSync(path.dirname(file))).toEqual(['state.json']);
  });

  it('keeps the old file and leaves no temp file behind when a write fails', () => {
    const file = path.join(fresh(), 'state.json');
    writeFileAtomic(file, 'old content\n');
    expect(() =>
      writeFileAtomic(file, 'new content\n', () => {
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(readFileSync(file, 'utf8')).toBe('old content\n');
    expect(readdirSync(path.dirname(file))).toEqual(['state.json']);
  });

  it('keeps what another command wrote between two updates', () => {
    const { env } = repo();
    updateState(env, (s) => (s.current = '02-loop-server'));
    updateState(env, (s) => (s.lessons['01-basic-socket'] = { hintsShown: 1 }));
    expect(loadState(env.stateFile)).toEqual({ version: 1, current: '02-loop-server', lessons: { '01-basic-socket': { hintsShown: 1 } } });
  });
});

describe('the content hash of a lesson', () => {
  const lesson = (): string => {
    const dir = fresh();
    mkdirSync(path.join(dir, 'src'));
    writeFileSync(path.join(dir, 'src', 'server.ts'), 'console.log("hi")\n');
    writeFileSync(path.join(dir, 'package.json'), '{}\n');
    return dir;
  };

  it('is the same while the content is the same (even rewritten)', () => {
    const dir = lesson();
    const before = hashLesson(dir);
    writeFileSync(path.join(dir, 'src', 'server.ts'), 'console.log("hi")\n');
    expect(hashLesson(dir)).toBe(before);
  });

  it('changes with one changed byte', () => {
    const dir = lesson();
    const before = hashLesson(dir);
    writeFileSync(path.join(dir, 'src', 'server.ts'), 'console.log("ho")\n');
    expect(hashLesson(dir)).not.toBe(before);
  });

  it('changes when a file is renamed or added', () => {
    const dir = lesson();
    const before = hashLesson(dir);
    writeFileSync(path.join(dir, 'src', 'extra.ts'), '');
    const added = hashLesson(dir);
    expect(added).not.toBe(before);
    rmSync(path.join(dir, 'src', 'extra.ts'));
    writeFileSync(path.join(dir, 'src', 'other.ts'), '');
    expect(hashLesson(dir)).not.toBe(added);
  });

  it('ignores node_modules, editor swap files and the watch probe', () => {
    const dir = lesson();
    const before = hashLesson(dir);
    mkdirSync(path.join(dir, 'node_modules', 'x'), { recursive: true });
    writeFileSync(path.join(dir, 'node_modules', 'x', 'index.js'), 'x');
    writeFileSync(path.join(dir, 'src', '.server.ts.swp'), 'x');
    writeFileSync(path.join(dir, 'src', 'server.ts~'), 'x');
    writeFileSync(path.join(dir, '.netlings-probe-123'), 'x');
    expect(hashLesson(dir)).toBe(before);
  });
});

describe('the cached results', () => {
  it('are used while nothing changed: the second refresh runs no checks', async () => {
    const { env, runs } = repo();
    await refresh(env);
    expect(runs).toEqual(LESSONS);
    const { views } = await refresh(env);
    expect(runs).toEqual(LESSONS);
    expect(views.map((v) => v.status)).toEqual(['failing', 'failing']);
  });

  it('miss after one changed byte: only that lesson is checked again', async () => {
    const { env, runs, root } = repo();
    await refresh(env);
    runs.length = 0;
    writeFileSync(path.join(root, 'lessons', '01-basic-socket', 'src', 'server.ts'), '// DONE\n');
    const { views } = await refresh(env);
    expect(runs).toEqual(['01-basic-socket']);
    expect(views.map((v) => v.status)).toEqual(['done', 'failing']);
    expect(loadState(env.stateFile).lessons['01-basic-socket']?.everDone).toBe(true);
  });

  it('are stale when the checks changed', async () => {
    const { env, runs } = repo();
    await refresh(env);
    runs.length = 0;
    await refresh({ ...env, checker: () => 'checks-v2' });
    expect(runs).toEqual(LESSONS);
  });

  it('survive a corrupt state file by checking again', async () => {
    const { env, runs } = repo();
    await refresh(env);
    writeFileSync(env.stateFile, 'garbage');
    runs.length = 0;
    const notes: string[] = [];
    const { views } = await refresh({ ...env, note: (l) => notes.push(l) });
    expect(notes).toHaveLength(1);
    expect(runs).toEqual(LESSONS);
    expect(views).toHaveLength(2);
    expect(loadState(env.stateFile).lessons['01-basic-socket']?.result).toBeDefined();
  });
});

describe('lesson states', () => {
  it('an untouched starter in a git checkout is "not started" and is not checked', async () => {
    const { env, runs, root } = repo({ git: true });
    const first = await refresh(env);
    expect(runs).toEqual([]);
    expect(first.views.map((v) => v.status)).toEqual(['not started', 'not started']);
    writeFileSync(path.join(root, 'lessons', '02-loop-server', 'src', 'server.ts'), '// half done\n');
    const second = await refresh(env);
    expect(runs).toEqual(['02-loop-server']);
    expect(second.views.map((v) => v.status)).toEqual(['not started', 'failing']);
  });

  it('the current lesson is the first one not done, unless the learner moved', async () => {
    const { env, root } = repo();
    writeFileSync(path.join(root, 'lessons', '01-basic-socket', 'src', 'server.ts'), '// DONE\n');
    const { views, state } = await refresh(env);
    expect(currentLesson(views, state)).toBe(1);
    expect(currentLesson(views, { ...state, current: '01-basic-socket' })).toBe(0);
    expect(currentLesson(views, { ...state, current: 'no-such-lesson' })).toBe(1);
  });
});

describe('hints', () => {
  it('come one at a time, remembered in the state file, and --all shows them all', () => {
    const { env } = repo({ hints: ['first', 'second'] });
    expect(takeHint(env, '01-basic-socket')).toContain('hint 1 of 2: first');
    expect(loadState(env.stateFile).lessons['01-basic-socket']?.hintsShown).toBe(1);
    const second = takeHint(env, '01-basic-socket');
    expect(second).toContain('hint 2 of 2: second');
    expect(second).not.toContain('first');
    const again = takeHint(env, '01-basic-socket');
    expect(again).toContain('first');
    expect(again).toContain('second');
    const all = takeHint(env, '02-loop-server', true);
    expect(all).toContain('hint 1 of 2: first');
    expect(all).toContain('hint 2 of 2: second');
    expect(loadState(env.stateFile).lessons['02-loop-server']?.hintsShown).toBe(2);
  });

  it('a lesson without hints says so in one line and points to the checks’ own hints', () => {
    const { env } = repo();
    const text = takeHint(env, '01-basic-socket');
    expect(text).toContain('no hints');
    expect(existsSync(env.stateFile)).toBe(false);
  });
});
