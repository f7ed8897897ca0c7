// npm start's watch mode: re-checks the current lesson on every save and answers one-key commands.
// One screen at a time, redrawn whole; keys wait while checks run (Ctrl-C always quits).

import { watch as fsWatch, readdirSync, rmSync, statSync, writeFileSync, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { LessonChecks } from '../harness/check.ts';
import { formatResult } from '../report.ts';
import type { CheckResult } from '../runner.ts';
import {
  formatList,
  hashLesson,
  ignoredName,
  lessonNumber,
  lessonView,
  loadState,
  pristineLessons,
  progressBar,
  PROBE_PREFIX,
  recordResults,
  updateState,
  type LessonView,
  type ProgressEnv,
} from '../progress.ts';
import { lessonDiff } from './diff.ts';
import { takeHint } from './hint.ts';
import { resetLesson } from './reset.ts';
import { style } from './style.ts';

const CLEAR = '\x1b[H\x1b[2J\x1b[3J';
/** Editors write a file several times per save: wait this long after the last event. */
const DEBOUNCE_MS = 150;
/** How long the start-up probe waits for the event of a file it wrote itself. */
const PROBE_MS = Number(process.env['NETLINGS_WATCH_PROBE_MS'] ?? '1500');

export interface WatchOptions {
  /** Manual mode from the start (NETLINGS_WATCH=manual, --manual). */
  manual: boolean;
  /** Results of checks that ran just before (npm start checks changed lessons before the list). */
  ran?: Map<string, CheckResult[]>;
}

type Screen = 'lesson' | 'list' | 'confirm-reset';

/**
 * Writes a probe file into dir and waits (bounded) for its event. Network and WSL file systems are
 * known to deliver none; then watching would be silent forever, so the caller switches to manual mode.
 */
export function probeWatching(dir: string, ms = PROBE_MS, watchDir: typeof fsWatch = fsWatch): Promise<boolean> {
  return new Promise((resolve) => {
    const name = `${PROBE_PREFIX}-${process.pid}`;
    const file = path.join(dir, name);
    let watcher: FSWatcher | undefined;
    let done = false;
    const finish = (ok: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      watcher?.close();
      rmSync(file, { force: true });
      process.off('exit', removeProbe);
      resolve(ok);
    };
    const removeProbe = (): void => rmSync(file, { force: true });
    const timer = setTimeout(() => finish(false), ms);
    try {
      watcher = watchDir(dir, (_event, f) => {
        if (!f || f.toString() === name) finish(true);
      });
      watcher.on('error', () => finish(false));
      process.on('exit', removeProbe);
      writeFileSync(file, 'netlings checks that file watching works here; this file is removed at once\n');
    } catch {
      finish(false);
    }
  });
}

export class WatchSession {
  private views: LessonView[];
  private idx: number;
  private manual: boolean;
  private manualNote = '';
  private screen: Screen = 'lesson';
  /** The list of every lesson on top (start-up) instead of one progress line. */
  private home = true;
  private busy = false;
  private scheduled: NodeJS.Timeout | undefined;
  private pendingRun = false;
  private chainedRuns = 0;
  private checking: { trigger: string; lines: string[]; t0: number } | undefined;
  private results: CheckResult[] | undefined;
  private resultsOf = '';
  private lastRun = '';
  private notes: string[] = [];
  private watchers: FSWatcher[] = [];
  private ignoreEventsUntil = 0;
  private digits = '';
  private digitTimer: NodeJS.Timeout | undefined;
  private finished!: (code: number) => void;
  private closed = false;

  constructor(
    private readonly env: ProgressEnv,
    views: LessonView[],
    current: number,
    private readonly opts: WatchOptions,
  ) {
    this.views = views;
    this.idx = current;
    this.manual = opts.manual;
  }

  private get view(): LessonView {
    return this.views[this.idx] as LessonView;
  }

  private get checks(): LessonChecks {
    return this.env.lessons[this.idx] as LessonChecks;
  }

  async start(): Promise<number> {
    const done = new Promise<number>((resolve) => (this.finished = resolve));
    const stdin = process.stdin;
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', this.onKey);
    process.on('exit', this.restoreTerminal);
    process.stdout.on('resize', this.render);
    // An error in an event handler is a netlings bug: one line and a sane terminal, never a stack trace.
    process.on('uncaughtException', (e) => {
      this.restoreTerminal();
      process.stdout.write('\n');
      console.error(`netlings start: the checker itself failed: ${e instanceof Error ? e.message : String(e)} (a netlings bug; NETLINGS_DEBUG=1 shows the stack)`);
      if (process.env['NETLINGS_DEBUG']) console.error(e);
      process.exit(70);
    });
    if (this.manual) this.manualNote = 'Manual mode (NETLINGS_WATCH=manual): save your files, then press r to check.';
    else if (!(await probeWatching(this.view.dir))) {
      this.manual = true;
      this.manualNote =
        'File watching does not work in this folder (network and WSL file systems are often silent), so this is manual mode: save your files, then press r to check.';
    }
    this.watchCurrent();
    this.openLesson('');
    return done;
  }

  // ------------------------------------------------------------------ watching

  private watchCurrent(): void {
    for (const w of this.watchers) w.close();
    this.watchers = [];
    if (this.manual) return;
    const dirs: string[] = [];
    const walk = (dir: string): void => {
      dirs.push(dir);
      try {
        for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory() && !ignoredName(e.name)) walk(path.join(dir, e.name));
      } catch {
        // gone
      }
    };
    walk(this.view.dir);
    for (const dir of dirs) {
      try {
        const w = fsWatch(dir, (event, name) => this.onFileEvent(dir, event, name?.toString()));
        w.on('error', () => w.close());
        this.watchers.push(w);
      } catch {
        // a folder that vanished: its parent's watcher sees it come back
      }
    }
  }

  /** A folder created (or re-created: the old watcher died with the old folder) needs a watcher of its own. */
  private isFolder(p: string): boolean {
    try {
      return statSync(p).isDirectory();
    } catch {
      return false;
    }
  }

  private onFileEvent(dir: string, event: string, name: string | undefined): void {
    if (name && ignoredName(path.basename(name))) return;
    if (Date.now() < this.ignoreEventsUntil) return;
    if (event === 'rename' && name && this.isFolder(path.join(dir, name))) this.watchCurrent();
    const rel = name ? path.relative(this.view.dir, path.join(dir, name)).split(path.sep).join('/') : 'a file';
    this.home = false;
    if (this.busy) {
      // Not a reason to forget chainedRuns: a check that writes into the folder must not loop.
      this.pendingRun = true;
      this.checking?.lines.push(style.dim(`  (${rel} changed: checking again after this run)`));
      this.render();
      return;
    }
    this.chainedRuns = 0;
    // Say at once that a check is coming; run it once the editor is done writing.
    if (!this.scheduled) this.beginChecking(`${rel} saved`);
    clearTimeout(this.scheduled);
    this.scheduled = setTimeout(() => {
      this.scheduled = undefined;
      void this.runChecks(`${rel} saved`);
    }, DEBOUNCE_MS);
  }

  // ------------------------------------------------------------------ checks

  private beginChecking(trigger: string): void {
    this.screen = 'lesson';
    this.checking = { trigger, lines: [], t0: performance.now() };
    this.render();
  }

  private async runChecks(trigger: string): Promise<void> {
    if (this.busy) {
      this.pendingRun = true;
      return;
    }
    this.busy = true;
    this.notes = [];
    if (!this.checking) this.beginChecking(trigger);
    const lesson = this.view.lesson;
    const hash = hashLesson(path.join(this.env.lessonsRoot, lesson));
    let results: CheckResult[];
    try {
      results = await this.env.run(this.checks, this.env.lessonsRoot, (r) => {
        this.checking?.lines.push(formatResult(r, { details: false }).split('\n')[0] ?? '');
        this.render();
      });
    } catch (e) {
      results = [];
      this.notes.push(style.red(`The checker itself failed (${e instanceof Error ? e.message : String(e)}); this is a netlings bug. Press r to try again.`));
    }
    const secs = ((performance.now() - (this.checking?.t0 ?? performance.now())) / 1000).toFixed(1);
    this.checking = undefined;
    if (results.length) recordResults(this.env, lesson, hash, results);
    this.results = results;
    this.resultsOf = lesson;
    this.lastRun = `checked at ${new Date().toTimeString().slice(0, 8)} in ${secs} s`;
    this.reloadView();
    this.busy = false;
    const changedMeanwhile = hashLesson(path.join(this.env.lessonsRoot, lesson)) !== hash;
    if (this.pendingRun && changedMeanwhile && this.chainedRuns < 1) {
      // Saved again while the checks ran. (At most one run in a row this way, so a program that
      // writes into its own folder while being checked cannot start an endless loop.)
      this.chainedRuns++;
      this.pendingRun = false;
      void this.runChecks('saved again during the last check');
      return;
    }
    this.pendingRun = false;
    this.render();
  }

  private reloadView(): void {
    const state = loadState(this.env.stateFile);
    this.views[this.idx] = lessonView(this.env, this.view.lesson, state, pristineLessons(this.env));
  }

  /** Shows the current lesson: its cached pass at once, else a fresh run for the details. */
  private openLesson(trigger: string): void {
    this.screen = 'lesson';
    this.reloadView();
    if (this.view.status === 'done' && this.view.result) {
      this.results = undefined;
      this.resultsOf = this.view.lesson;
      this.render();
      return;
    }
    const justRan = this.opts.ran?.get(this.view.lesson);
    this.opts.ran?.clear(); // only good right at start-up
    if (justRan && this.view.result) {
      this.results = justRan;
      this.resultsOf = this.view.lesson;
      this.lastRun = `checked at ${new Date().toTimeString().slice(0, 8)}`;
      this.render();
      return;
    }
    this.results = undefined;
    void this.runChecks(trigger);
  }

  private moveTo(i: number): void {
    if (i < 0 || i >= this.views.length) return;
    this.idx = i;
    this.notes = [];
    this.lastRun = '';
    this.home = false;
    updateState(this.env, (s) => {
      s.current = this.view.lesson;
    });
    this.watchCurrent();
    this.openLesson(`moved to ${this.view.lesson}`);
  }

  // ------------------------------------------------------------------ keys

  private onKey = (data: Buffer): void => {
    const key = data.toString('utf8');
    if (key === '\x03') return this.quit(); // Ctrl-C, even while checks run
    if (this.busy || this.scheduled) return; // keys wait for the checks
    if (this.screen === 'confirm-reset') return this.onConfirmKey(key);
    if (this.screen === 'list') return this.onListKey(key);
    switch (key.toLowerCase()) {
      case 'q':
        return this.quit();
      case 'n':
        if (this.idx + 1 >= this.views.length) {
          this.notes = [style.dim(`${this.view.lesson} is the last lesson. Press l to pick another one.`)];
          return this.render();
        }
        return this.moveTo(this.idx + 1);
      case 'h':
        this.notes.push(takeHint(this.env, this.view.lesson));
        return this.render();
      case 'l':
        this.screen = 'list';
        this.digits = '';
        return this.render();
      case 'r':
        this.home = false;
        return void this.runChecks('re-run');
      case 'x':
        this.screen = 'confirm-reset';
        return this.render();
      case 'd':
        return this.showDiff();
      default:
        return; // arrows, other keys: nothing
    }
  };

  private onConfirmKey(key: string): void {
    this.screen = 'lesson';
    if (key.toLowerCase() !== 'y') {
      this.notes = [style.dim('Nothing was reset.')];
      return this.render();
    }
    this.ignoreEventsUntil = Date.now() + 1000;
    const outcome = resetLesson(this.env, this.view.lesson);
    this.ignoreEventsUntil = Date.now() + 500;
    if (!outcome.ok) {
      this.notes = [style.red(outcome.message)];
      return this.render();
    }
    this.watchCurrent();
    void this.runChecks('reset').then(() => {
      this.notes.unshift(style.green(outcome.message));
      this.render();
    });
  }

  private onListKey(key: string): void {
    if (key === '\r' || key === '\n') return this.pickDigits();
    if (!/^\d$/.test(key)) {
      this.screen = 'lesson';
      return this.render();
    }
    this.digits += key;
    clearTimeout(this.digitTimer);
    // Pick at once when no longer number starts with these digits; else wait a moment for the next one.
    if (Number(this.digits) * 10 > this.views.length) return this.pickDigits();
    this.digitTimer = setTimeout(() => this.pickDigits(), 700);
  }

  private pickDigits(): void {
    clearTimeout(this.digitTimer);
    const n = Number(this.digits);
    this.digits = '';
    this.screen = 'lesson';
    if (n >= 1 && n <= this.views.length) return this.moveTo(n - 1);
    this.render();
  }

  private showDiff(): void {
    const rec = loadState(this.env.stateFile).lessons[this.view.lesson];
    if (!rec?.everDone) {
      this.notes = [`The diff shows the solution, so it opens once ${this.view.lesson} is done. (npm run diff -- ${lessonNumber(this.view.lesson)} --force shows it now.)`];
      return this.render();
    }
    const text = lessonDiff(this.env, this.view.lesson);
    this.notes = [text ? `${style.bold('Yours (-) against the solution (+):')}\n${text}` : 'Your files match the solution (the package name and whitespace aside).'];
    this.render();
  }

  private quit(): void {
    clearTimeout(this.scheduled);
    clearTimeout(this.digitTimer);
    for (const w of this.watchers) w.close();
    process.stdin.off('data', this.onKey);
    process.stdout.off('resize', this.render);
    this.restoreTerminal();
    process.stdin.pause();
    process.stdout.write('\n');
    this.closed = true;
    this.finished(0);
    // Checks still running would keep the process alive: exit now; the harness's exit handler
    // kills the programs they started.
    if (this.busy) process.exit(0);
  }

  private restoreTerminal = (): void => {
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
  };

  // ------------------------------------------------------------------ drawing

  private render = (): void => {
    if (this.closed) return;
    const out: string[] = [];
    const done = this.views.filter((v) => v.status === 'done').length;
    const v = this.view;
    if (this.screen === 'list') {
      out.push(formatList(this.views, this.idx, { numbered: true }));
      out.push('', `Press a lesson's number to go there${this.views.length > 9 ? ' (then Enter)' : ''}; any other key goes back.`);
      process.stdout.write(CLEAR + out.join('\n') + '\n');
      return;
    }
    if (this.home) out.push(formatList(this.views, this.idx), '');
    else {
      // One line: the title is cut to the terminal's width rather than wrapped.
      const head = `netlings  ${'█'.repeat(10)} ${done}/${this.views.length} lessons done   ▸ ${v.lesson}  `;
      const room = (process.stdout.columns || 100) - head.length - 1;
      const title = v.title.length <= room ? v.title : room > 1 ? `${v.title.slice(0, room - 1)}…` : '';
      out.push(`${style.bold('netlings')}  ${progressBar(done, this.views.length, 10)} lessons done   ${style.cyan('▸')} ${style.bold(v.lesson)}  ${title}`, '');
    }

    if (this.checking) {
      out.push(style.cyan(`⟳ checking ${v.lesson}${this.checking.trigger ? ` (${this.checking.trigger})` : ''}…`), ...this.checking.lines);
    } else out.push(...this.lessonBody());

    if (this.notes.length) out.push('', ...this.notes);
    if (this.screen === 'confirm-reset') {
      out.push('', style.yellow(`Reset lessons/${v.lesson} to its starter (the last committed version)? Your changes in it are lost. [y/N]`));
    }
    out.push('', style.dim('─'.repeat(Math.min(process.stdout.columns || 80, 100))));
    if (this.manualNote) out.push(style.yellow(this.manualNote));
    else out.push(style.dim(`watching lessons/${v.lesson}/ — save a file to check it again${this.lastRun && !this.checking ? ` (${this.lastRun})` : ''}`));
    if (this.manualNote && this.lastRun && !this.checking) out.push(style.dim(this.lastRun));
    const keys = `${k('n')} next  ${k('h')} hint  ${k('l')} list  ${k('r')} re-run  ${k('x')} reset  ${k('d')} diff  ${k('q')} quit`;
    out.push(this.busy || this.scheduled ? style.dim('keys wait until the checks finish (Ctrl-C quits)') : keys);
    process.stdout.write(CLEAR + out.join('\n') + '\n');
  };

  private lessonBody(): string[] {
    const v = this.view;
    const results = this.resultsOf === v.lesson ? this.results : undefined;
    if (v.status === 'done') {
      const next = this.views[this.idx + 1];
      const lines = [
        style.green(`✓ Lesson done: ${v.lesson} passes ${v.result ? `all ${v.result.total} checks` : 'every check'}.`),
        `  The reference solution lives in solutions/${v.lesson}/ — press d to compare it with yours.`,
      ];
      if (next) lines.push(`  Press n to go on to ${style.bold(next.lesson)}: ${next.title}.`);
      else lines.push(`  That was the last lesson${this.views.every((x) => x.status === 'done') ? ', and every lesson is done' : ''}. Press l to pick another one, q to quit.`);
      return lines;
    }
    if (!results || results.length === 0) {
      return [`${v.lesson}: read lessons/${v.lesson}/README.md and edit lessons/${v.lesson}/src/.${this.manual ? ' Press r to check.' : ''}`];
    }
    const failure = results.find((r) => r.status === 'fail');
    const passed = results.filter((r) => r.status === 'pass').length;
    const failing = results.filter((r) => r.status === 'fail').length;
    const skipped = results.filter((r) => r.status === 'skip').length;
    const lines = [style.red(`✗ ${v.lesson}: ${passed} of ${results.length} checks pass. The first failing check:`), ''];
    if (failure) lines.push(formatResult(failure));
    const rest = [failing > 1 ? `${failing - 1} more failing` : '', skipped ? `${skipped} skipped until the checks they need pass` : ''].filter(Boolean);
    if (rest.length) lines.push('', style.dim(`  (${rest.join(', ')}; npm run check -- ${lessonNumber(v.lesson)} lists them all)`));
    return lines;
  }
}

function k(key: string): string {
  return style.bold(style.cyan(key));
}
