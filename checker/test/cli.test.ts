// The commands' arguments: a mistake is a usage error (exit 2) in one line of the course's words
// with the command's usage, every option is in its --help, and --root finds the lesson folders.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.ts';
import { checkSpec } from '../src/cli/check.ts';
import { diffSpec } from '../src/cli/diff.ts';
import { flakeSpec } from '../src/cli/flake.ts';
import { hintSpec } from '../src/cli/hint.ts';
import { listSpec } from '../src/cli/list.ts';
import { resetSpec } from '../src/cli/reset.ts';
import { startSpec } from '../src/cli/start.ts';
import { answerText, YesNoReader, type Answer } from '../src/cli/prompt.ts';
import type { CommandSpec } from '../src/cli/args.ts';
import { findRoot, lessonsDir, solutionsDir } from '../src/lessons.ts';

const temp = mkdtempSync(path.join(tmpdir(), 'netlings-cli-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** Runs the netlings command with argv; its exit code and what it printed on stderr. */
async function run(...argv: string[]): Promise<{ code: number; err: string; out: string }> {
  const err = vi.spyOn(console, 'error').mockImplementation(() => {});
  const out = vi.spyOn(console, 'log').mockImplementation(() => {});
  const code = await main(argv);
  const text = (m: typeof err) => m.mock.calls.map((c) => String(c[0])).join('\n');
  return { code, err: text(err), out: text(out) };
}

describe('usage errors', () => {
  it('an unknown check id is exit 2 and lists the lesson’s ids, and nothing runs', async () => {
    const r = await run('check', '01', '--only', 'nope');
    expect(r.code).toBe(2);
    expect(r.err).toContain('no check "nope" in 01-basic-socket');
    expect(r.err).toMatch(/the ids are 01-basic-socket: ready, greeting, /);
    expect(r.out).toBe('');
  });

  it('an unknown option is one line in the course’s words and the command’s usage, not Node’s parser text', async () => {
    const r = await run('check', '--bogus');
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe('netlings check: npm run check has no option --bogus');
    expect(r.err).toContain('usage: npm run check -- [LESSON...]');
    expect(r.err).not.toMatch(/positional|place it at the end/);
  });

  it.each([
    [['check', '--root'], '--root needs a value after it'],
    [['check', '--json=yes'], '--json takes no value'],
    [['list', '--all'], 'npm run list has no option --all'],
    [['diff', '01', '--forse'], 'npm run diff has no option --forse'],
  ])('%j says what is wrong in one line', async (argv, line) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toContain(line);
  });

  it('a lesson given to npm run list says what to type instead', async () => {
    const r = await run('list', '02');
    expect(r.code).toBe(2);
    expect(r.err).toContain('npm start -- 02');
    expect(r.err).toContain('npm run check -- 02');
    expect(r.err).not.toContain('positional');
  });

  it('a lesson not written yet says so and names the lessons there are', async () => {
    // All nine lessons exist now: the rule is shown on a course of two.
    const { findLesson } = await import('../src/lessons.ts');
    const { lesson01 } = await import('../src/checks/01-basic-socket.ts');
    const { lesson02 } = await import('../src/checks/02-loop-server.ts');
    expect(() => findLesson('07', [lesson01, lesson02])).toThrow('lesson 07 is not written yet; the lessons so far are: 01-basic-socket, 02-loop-server');
    expect((await run('start', '10')).code).toBe(2);
  });
});

describe('--help', () => {
  const specs: CommandSpec[] = [checkSpec, startSpec, listSpec, hintSpec, resetSpec, diffSpec, flakeSpec];
  it.each(specs.map((s) => [s.command, s]))('%s lists every option it takes', (_name, spec) => {
    for (const [name, opt] of Object.entries(spec.options)) {
      expect(spec.help, `--${name}`).toContain(`--${name}`);
      if (opt.short) expect(spec.help, `-${opt.short}`).toContain(`-${opt.short}, --${name}`);
    }
  });

  it('check --help names --only, and how an unknown id is answered', () => {
    expect(checkSpec.help).toMatch(/--only ID .*\n.*usage error/);
  });
});

describe('--root', () => {
  const dir = (name: string, lessons: string[] = []): string => {
    const d = path.join(temp, name);
    mkdirSync(d, { recursive: true });
    for (const l of lessons) mkdirSync(path.join(d, l, 'src'), { recursive: true });
    return d;
  };

  it('takes a folder of lesson folders as it is', () => {
    expect(findRoot(dir('student', ['01-basic-socket'])).root).toBe(path.join(temp, 'student'));
    expect(findRoot('solutions').root).toBe(solutionsDir);
    expect(findRoot(undefined).root).toBe(lessonsDir);
  });

  it('at a whole clone of the repository, uses its lessons/ and says so', () => {
    const clone = dir('clone');
    dir('clone/lessons', ['01-basic-socket', '02-loop-server']);
    dir('clone/solutions', ['01-basic-socket']);
    const r = findRoot(clone);
    expect(r.root).toBe(path.join(clone, 'lessons'));
    expect(r.note).toMatch(/copy of the whole repository: checking its lessons\//);
  });

  it('at an empty folder, says in one line that it holds no lesson folders (exit 2)', async () => {
    const empty = dir('empty');
    expect(() => findRoot(empty)).toThrow(/holds no lesson folders \(it is empty\)/);
    const r = await run('check', '--root', empty);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')).toHaveLength(1);
    expect(r.err).not.toContain('npm run reset');
  });

  it('at one lesson’s own folder, says so and names the folder to give instead', () => {
    const one = dir('sub/01-basic-socket');
    writeFileSync(path.join(one, 'lesson.json'), '{}');
    expect(() => findRoot(one)).toThrow(/is one lesson's own folder \(01-basic-socket\); --root takes the folder that holds it: --root .*sub 01/);
  });

  it('at a folder without the lesson asked for, names what it does hold', async () => {
    const only2 = dir('only2', ['02-loop-server']);
    const r = await run('check', '01', '--root', only2);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/has no folder 01-basic-socket \(it holds 02-loop-server\)/);
  });

  it('at a folder that is not there, or a file, says which', () => {
    expect(() => findRoot(path.join(temp, 'nope'))).toThrow(/no such folder/);
    writeFileSync(path.join(temp, 'file.txt'), '');
    expect(() => findRoot(path.join(temp, 'file.txt'))).toThrow(/is a file/);
  });
});

describe('the yes/no prompt', () => {
  const answer = async (chunks: string[], loneMs = 30): Promise<Answer> =>
    new Promise((resolve) => {
      const reader = new YesNoReader(resolve, loneMs);
      for (const c of chunks) reader.feed(c);
    });

  it.each([
    [['y\r'], true, 'y and Enter in one chunk (a paste, tmux)'],
    [['yes\r'], true, '"yes" and Enter at once'],
    [['y', 'e', 's', '\r'], true, '"yes" typed, then Enter'],
    [['Y'], true, 'a lone Y'],
    [['y'], true, 'a lone y'],
    [['yes'], true, '"yes" without Enter'],
    [['\r'], false, 'Enter alone'],
    [['n'], false, 'n'],
    [['no\r'], false, 'no'],
    [['yo\r'], false, 'something else'],
    [['\x03'], false, 'Ctrl-C'],
  ])('%j is %s (%s)', async (chunks, yes) => {
    expect((await answer(chunks)).yes).toBe(yes);
  });

  it('says what it read', async () => {
    expect(answerText(await answer(['y\r']))).toBe('yes (read "y⏎")');
    expect(answerText(await answer(['\r']))).toMatch(/^no \(read Enter; only y or yes/);
    expect(answerText(await answer(['\x03']))).toMatch(/^no \(read "\^C"/);
  });
});
