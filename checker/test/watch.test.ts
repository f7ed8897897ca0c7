// npm start's watch mode, driven through a fake terminal: a save stops the checks in progress and
// starts again at once, editors' scratch files never count, and a long failure folds to fit.

import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isSourceFile, scratchTool, type ProgressEnv } from '../src/progress.ts';
import { foldResult, formatResult, plain, rowsOf } from '../src/report.ts';
import { RunCancelled, type CheckResult } from '../src/runner.ts';
import { WatchSession, type Terminal } from '../src/cli/watch.ts';
import { LessonWatcher } from '../src/cli/watcher.ts';
import { opener } from '../src/cli/page.ts';

const temp = mkdtempSync(path.join(tmpdir(), 'netlings-watch-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
let n = 0;
const LESSON = '01-basic-socket';

/** Waits (bounded) until pred holds, looking every 10 ms. */
async function until(pred: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

class FakeTerminal implements Terminal {
  frames: string[] = [];
  stdin = Object.assign(new EventEmitter(), { isTTY: true, setRawMode: () => {}, resume: () => {}, pause: () => {} });
  stdout = Object.assign(new EventEmitter(), {
    columns: 110,
    rows: 40,
    write: (s: string) => {
      this.frames.push(s);
      return true;
    },
  });
  /** The last screen drawn, without colours, as its lines. */
  get screen(): string {
    const last = this.frames.at(-1) ?? '';
    return plain(last.slice(last.lastIndexOf('\x1b[3J') + 4));
  }
  press(keys: string): void {
    this.stdin.emit('data', Buffer.from(keys));
  }
}

interface Call {
  signal: AbortSignal | undefined;
  resolve: (r: CheckResult[]) => void;
}

function lessonDir(): { env: ProgressEnv; dir: string; calls: Call[] } {
  const root = path.join(temp, `repo${++n}`);
  const dir = path.join(root, 'lessons', LESSON);
  mkdirSync(path.join(dir, 'src'), { recursive: true });
  writeFileSync(path.join(dir, 'src', 'server.ts'), '// starter\n');
  writeFileSync(path.join(dir, 'lesson.json'), JSON.stringify({ title: 'Basic socket', summary: '', hints: [] }));
  const calls: Call[] = [];
  const env: ProgressEnv = {
    repoRoot: root,
    lessonsRoot: path.join(root, 'lessons'),
    solutionsRoot: path.join(root, 'solutions'),
    stateFile: path.join(root, '.netlings', 'state.json'),
    lessons: [{ lesson: LESSON, checks: [] }],
    checker: () => 'v1',
    // A run that lasts until the test ends it, or until its signal stops it (as runLesson does).
    run: (_lesson, _root, _onResult, signal) =>
      new Promise((resolve, reject) => {
        calls.push({ signal, resolve });
        signal?.addEventListener('abort', () => reject(new RunCancelled()), { once: true });
      }),
    note: () => {},
  };
  return { env, dir, calls };
}

const result = (id: string, status: CheckResult['status'], extra: Partial<CheckResult> = {}): CheckResult => ({
  lesson: LESSON,
  id,
  title: `check ${id}`,
  target: 'server',
  status,
  durationMs: 5,
  ...extra,
});

async function session(): Promise<{ term: FakeTerminal; env: ProgressEnv; dir: string; calls: Call[]; done: Promise<number> }> {
  const { env, dir, calls } = lessonDir();
  const term = new FakeTerminal();
  const s = new WatchSession(env, [{ lesson: LESSON, title: 'Basic socket', dir, status: 'failing', hash: '' }], 0, { manual: false, terminal: term });
  const done = s.start();
  await until(() => calls.length === 1, 'the first run');
  return { term, env, dir, calls, done };
}

describe('watch mode: a save while checks run', () => {
  it('stops the running checks through their signal and starts again at once, not after the run', async () => {
    const { term, dir, calls, done } = await session();
    writeFileSync(path.join(dir, 'src', 'server.ts'), '// the fix\n');
    await until(() => calls.length === 2, 'the second run');
    expect(calls[0]?.signal?.aborted).toBe(true);
    expect(calls[1]?.signal?.aborted).toBe(false);
    expect(term.screen).toContain('⟳ checking 01-basic-socket (src/server.ts saved; the last run was stopped)');
    expect(term.frames.join('')).not.toContain('checking again after this run');
    calls[1]?.resolve([result('a', 'pass'), result('b', 'fail', { message: 'it broke' })]);
    await until(() => term.screen.includes('✗ 01-basic-socket: 1 of 2 checks pass'), 'the verdict');
    term.press('\x03');
    expect(await done).toBe(0);
  });

  it('counts only source files: editor swap, backup and temp files neither trigger a run nor show by name', async () => {
    const { term, dir, calls, done } = await session();
    calls[0]?.resolve([result('a', 'fail', { message: 'not yet' })]);
    await until(() => term.screen.includes('0 of 1 checks pass'), 'the first verdict');
    for (const scratch of ['sedOUWdQ4', '.server.ts.swp', '4913', 'server.ts~', '#server.ts#', 'server.ts___jb_tmp___', '.goutputstream-ABC123', 'server.ts.tmp.1234']) {
      writeFileSync(path.join(dir, 'src', scratch), 'x');
    }
    writeFileSync(path.join(dir, 'src', 'server.ts'), '// saved for real\n');
    await until(() => calls.length === 2, 'the run of the real save');
    const shown = term.frames.map(plain).join('');
    expect(shown).toContain('src/server.ts saved');
    expect(shown).not.toMatch(/sedOUWdQ4|\.swp|4913|jb_tmp|goutputstream|\.tmp\.1234/);
    term.press('\x03');
    await done;
  });
});

describe('watch mode: v', () => {
  it('writes the page of the current results, prints its path and hands it to the opener without waiting', async () => {
    const { env, dir, calls } = lessonDir();
    const term = new FakeTerminal();
    const opened: string[] = [];
    const s = new WatchSession(env, [{ lesson: LESSON, title: 'Basic socket', dir, status: 'failing', hash: '' }], 0, {
      manual: false,
      terminal: term,
      openPage: (file) => (opened.push(file), false),
    });
    const done = s.start();
    await until(() => calls.length === 1, 'the first run');
    calls[0]?.resolve([result('a', 'pass'), result('b', 'fail', { message: 'it broke <here>' })]);
    await until(() => term.screen.includes('1 of 2 checks pass'), 'the verdict');
    expect(term.screen).toMatch(/v page/);
    term.press('v');
    const file = path.join(env.repoRoot, '.netlings', 'pages', `${LESSON}.html`);
    expect(opened).toEqual([file]);
    expect(term.screen.replace(/\n/g, '')).toContain(file);
    expect(term.screen).toContain('(open it in a browser)');
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('it broke &lt;here&gt;');
    expect(html.indexOf('check b')).toBeLessThan(html.indexOf('check a')); // the failure first
    term.press('\x03');
    await done;
  });

  it('opens with xdg-open only where a graphical session is, open on macOS', () => {
    expect(opener({}, 'linux')).toBeUndefined();
    expect(opener({ DISPLAY: ':0' }, 'linux')).toBe('xdg-open');
    expect(opener({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toBe('xdg-open');
    expect(opener({}, 'darwin')).toBe('open');
  });
});

describe('the lesson watcher', () => {
  it('reports saves of sources and skips the scratch files of vim, emacs, JetBrains, sed -i, nano, kate, gedit and atomic writers', async () => {
    const dir = path.join(temp, `w${++n}`);
    mkdirSync(path.join(dir, 'src'), { recursive: true });
    const saves: string[] = [];
    const w = new LessonWatcher(dir, (rel) => saves.push(rel));
    w.start();
    try {
      const scratch = ['sedOUWdQ4', '.server.ts.swp', '.server.ts.swx', '4913', 'server.ts~', '.#server.ts', '#server.ts#', 'server.ts___jb_tmp___', 'server.ts___jb_old___', 'server.ts.save', '.server.ts.kate-swp', '.goutputstream-XYZ123', 'server.ts.tmp', 'server.ts.1a2b3c4d', 'server.ts.crswap', 'notes.txt'];
      for (const f of scratch) writeFileSync(path.join(dir, 'src', f), 'x');
      writeFileSync(path.join(dir, 'README.md'), 'not a source\n');
      writeFileSync(path.join(dir, 'src', 'server.ts'), 'real\n');
      await until(() => saves.includes('src/server.ts'), 'the save of src/server.ts');
      expect(new Set(saves)).toEqual(new Set(['src/server.ts']));
    } finally {
      w.close();
    }
  });

  it('sees a new folder under src/ and the sources saved in it', async () => {
    const dir = path.join(temp, `w${++n}`);
    mkdirSync(path.join(dir, 'src'), { recursive: true });
    const saves: string[] = [];
    const w = new LessonWatcher(dir, (rel) => saves.push(rel));
    w.start();
    try {
      mkdirSync(path.join(dir, 'src', 'lib'));
      await until(() => saves.includes('src/lib/'), 'the new folder');
      writeFileSync(path.join(dir, 'src', 'lib', 'lines.ts'), 'export {};\n');
      await until(() => saves.includes('src/lib/lines.ts'), 'the file in the new folder');
    } finally {
      w.close();
    }
  });

  it('names the tool behind each scratch file, and takes the lesson’s sources as sources', () => {
    expect(scratchTool('sedOUWdQ4')).toMatch(/sed -i/);
    expect(scratchTool('.server.ts.swp')).toMatch(/vim/);
    expect(scratchTool('server.ts___jb_tmp___')).toMatch(/JetBrains/);
    expect(scratchTool('server.ts')).toBeUndefined();
    expect(scratchTool('sedentary.ts')).toBeUndefined();
    for (const f of ['src/server.ts', 'src/lib/lines.ts', 'src/data.json', 'package.json', 'tsconfig.json', 'src/client.mjs']) expect(isSourceFile(f), f).toBe(true);
    for (const f of ['README.md', 'lesson.json', 'src/.#server.ts', 'src/sedOUWdQ4', 'node_modules/x/index.js', 'src/server.ts.swp', 'uploads/a.ts', '.netlings-probe-1']) expect(isSourceFile(f), f).toBe(false);
  });
});

describe('a long failure on a 110×40 terminal', () => {
  const stack = ['Error: read ECONNRESET', ...Array.from({ length: 30 }, (_, i) => `    at frame${i} (node:internal/streams/x:${i}:1)`)];
  const long = result('survives-reset', 'fail', {
    message: 'c2: the connection ended before the reply arrived',
    expected: '"STILL THERE?\\n"',
    actual: 'nothing then a socket error (ECONNRESET)',
    transcript: [...Array.from({ length: 12 }, (_, i) => `  ${i}ms [tester c1] → "line ${i}\\n"`), ...stack.map((l) => `  20ms [server stderr] ${l}`), '  30ms [tester c2] socket error ECONNRESET'].join('\n'),
    hint: 'Give every socket an error listener. '.repeat(8).trim(),
  });

  it('folds to the rows given: message and hint whole, the stack’s first frame, the transcript’s last lines, and how to see all of it', () => {
    const full = formatResult(long, { width: 110 });
    expect(rowsOf(full, 110)).toBeGreaterThan(30);
    const { lines, folded } = foldResult(long, { columns: 110, rows: 25, more: 'press f for the whole failure, or npm run check -- 01' });
    expect(folded).toBe(true);
    expect(rowsOf(lines, 110)).toBeLessThanOrEqual(25);
    const text = plain(lines.join('\n'));
    expect(text).toContain('the connection ended before the reply arrived');
    expect(text).toContain('at frame0');
    expect(text).not.toContain('at frame29');
    expect(text).toContain('socket error ECONNRESET');
    expect(text).toMatch(/… \d+ more stack frames/);
    expect(text).toContain('npm run check -- 01');
    expect(text.replace(/\n\s*/g, ' ').match(/Give every socket/g)).toHaveLength(8);
  });

  it('wraps a long hint at word boundaries to the width', () => {
    const lines = plain(formatResult(long, { width: 60 })).split('\n');
    const hint = lines.slice(lines.findIndex((l) => l.includes('hint:')));
    expect(hint.length).toBeGreaterThan(3);
    for (const l of hint) {
      expect(l.length).toBeLessThanOrEqual(60);
      expect(l).toMatch(/(listener\.|error|every|socket|Give|an)$/);
    }
  });

  it('keeps the verdict header and the key bar on screen', async () => {
    const { term, calls, done } = await session();
    calls[0]?.resolve([result('a', 'pass'), long, result('c', 'skip', { message: 'skipped' })]);
    await until(() => term.screen.includes('checks pass'), 'the verdict');
    const screen = term.screen.replace(/\n$/, '');
    expect(rowsOf(screen, 110)).toBeLessThanOrEqual(39);
    expect(screen).toContain('✗ 01-basic-socket: 1 of 3 checks pass');
    expect(screen).toContain('press f for the whole failure, or run npm run check -- 01');
    expect(screen.split('\n').at(-1)).toMatch(/n next .* q quit/);
    term.press('f');
    expect(term.screen).toContain('at frame29');
    term.press('\x03');
    await done;
  });
});
