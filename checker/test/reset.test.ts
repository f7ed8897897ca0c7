// reset: a lesson's folder back to its last committed version, in a temp git repository, and nothing else touched.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { ProgressEnv } from '../src/progress.ts';
import { resetCommand, resetHelp, resetLesson } from '../src/cli/reset.ts';

const temp = mkdtempSync(path.join(tmpdir(), 'netlings-reset-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());
let n = 0;

const LESSON = '01-basic-socket';
const OTHER = '02-loop-server';

function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** A repository with two committed lessons (their starters). */
function repo(opts: { git?: boolean } = { git: true }): { root: string; env: ProgressEnv; lessonFile: (lesson: string, rel: string) => string } {
  const root = path.join(temp, `repo${++n}`);
  const lessonFile = (lesson: string, rel: string) => path.join(root, 'lessons', lesson, rel);
  for (const l of [LESSON, OTHER]) {
    write(lessonFile(l, 'src/server.ts'), `// ${l} starter\n`);
    write(lessonFile(l, 'package.json'), '{}\n');
  }
  write(path.join(root, 'README.md'), 'top\n');
  write(path.join(root, '.gitignore'), 'node_modules/\n.netlings/\n');
  if (opts.git !== false) {
    const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { stdio: 'ignore' });
    git('init', '-q');
    git('add', '-A');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'starters');
  }
  const env: ProgressEnv = {
    repoRoot: root,
    lessonsRoot: path.join(root, 'lessons'),
    solutionsRoot: path.join(root, 'solutions'),
    stateFile: path.join(root, '.netlings', 'state.json'),
    lessons: [LESSON, OTHER].map((lesson) => ({ lesson, checks: [] })),
    checker: () => 'v1',
    run: async () => [],
    note: () => {},
  };
  return { root, env, lessonFile };
}

describe('reset', () => {
  it('restores the lesson to its last committed version and removes files added to it', () => {
    const { env, lessonFile } = repo();
    write(lessonFile(LESSON, 'src/server.ts'), '// my work\n');
    write(lessonFile(LESSON, 'src/helper.ts'), '// my helper\n');
    write(lessonFile(LESSON, 'notes/todo.md'), 'a new folder\n');
    rmSync(lessonFile(LESSON, 'package.json'));
    const outcome = resetLesson(env, LESSON);
    expect(outcome).toEqual({ ok: true, message: `lessons/${LESSON} is back to its starter (the last committed version).` });
    expect(readFileSync(lessonFile(LESSON, 'src/server.ts'), 'utf8')).toBe(`// ${LESSON} starter\n`);
    expect(readFileSync(lessonFile(LESSON, 'package.json'), 'utf8')).toBe('{}\n');
    expect(existsSync(lessonFile(LESSON, 'src/helper.ts'))).toBe(false);
    expect(existsSync(lessonFile(LESSON, 'notes'))).toBe(false);
  });

  it('touches nothing outside the lesson folder, nor its ignored node_modules', () => {
    const { root, env, lessonFile } = repo();
    write(lessonFile(OTHER, 'src/server.ts'), '// work on the other lesson\n');
    write(lessonFile(OTHER, 'src/new.ts'), '// new in the other lesson\n');
    write(path.join(root, 'scratch.txt'), 'untracked at the top\n');
    write(path.join(root, 'README.md'), 'changed at the top\n');
    write(lessonFile(LESSON, 'node_modules/pkg/index.js'), 'installed\n');
    write(path.join(root, '.netlings', 'state.json'), '{}');
    expect(resetLesson(env, LESSON).ok).toBe(true);
    expect(readFileSync(lessonFile(OTHER, 'src/server.ts'), 'utf8')).toBe('// work on the other lesson\n');
    expect(existsSync(lessonFile(OTHER, 'src/new.ts'))).toBe(true);
    expect(readFileSync(path.join(root, 'scratch.txt'), 'utf8')).toBe('untracked at the top\n');
    expect(readFileSync(path.join(root, 'README.md'), 'utf8')).toBe('changed at the top\n');
    expect(existsSync(lessonFile(LESSON, 'node_modules/pkg/index.js'))).toBe(true);
    expect(existsSync(path.join(root, '.netlings', 'state.json'))).toBe(true);
  });

  it('outside a git checkout says so in one line and changes nothing', () => {
    const { env, lessonFile } = repo({ git: false });
    write(lessonFile(LESSON, 'src/server.ts'), '// my work\n');
    const outcome = resetLesson(env, LESSON);
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(/not a git checkout/);
    expect(outcome.message).not.toContain('\n');
    expect(readFileSync(lessonFile(LESSON, 'src/server.ts'), 'utf8')).toBe('// my work\n');
  });

  it('refuses a lesson that is not in the last commit', () => {
    const { env, lessonFile } = repo();
    const lesson = '03-new';
    write(lessonFile(lesson, 'src/server.ts'), '// not committed\n');
    const outcome = resetLesson(env, lesson);
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(/not in the last commit/);
    expect(existsSync(lessonFile(lesson, 'src/server.ts'))).toBe(true);
  });
});

describe('npm run reset', () => {
  it('without a terminal and without --yes refuses with a clear line and exit 1', async () => {
    const { env, lessonFile } = repo();
    write(lessonFile(LESSON, 'src/server.ts'), '// my work\n');
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await resetCommand(['01'], env)).toBe(1);
    expect(err).toHaveBeenCalledTimes(1);
    expect(String(err.mock.calls[0]?.[0])).toMatch(/--yes/);
    expect(readFileSync(lessonFile(LESSON, 'src/server.ts'), 'utf8')).toBe('// my work\n');
  });

  it('with --yes resets without asking', async () => {
    const { env, lessonFile } = repo();
    write(lessonFile(LESSON, 'src/server.ts'), '// my work\n');
    const out = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await resetCommand(['01', '--yes'], env)).toBe(0);
    expect(String(out.mock.calls[0]?.[0])).toContain('back to its starter');
    expect(readFileSync(lessonFile(LESSON, 'src/server.ts'), 'utf8')).toBe(`// ${LESSON} starter\n`);
  });

  it('outside a git checkout exits 1 with one line', async () => {
    const { env } = repo({ git: false });
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await resetCommand(['01', '--yes'], env)).toBe(1);
    expect(err).toHaveBeenCalledTimes(1);
    expect(String(err.mock.calls[0]?.[0])).toMatch(/^netlings reset: cannot reset: .* not a git checkout/);
  });

  it('says in --help that it restores the last committed version', async () => {
    expect(resetHelp).toMatch(/last committed version/);
    const out = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await resetCommand(['--help'])).toBe(0);
    expect(String(out.mock.calls[0]?.[0])).toBe(resetHelp);
  });
});
