// npm start's watch mode: re-checks the current lesson on every save and answers one-key commands.
// One screen at a time, redrawn whole; keys wait while checks run (Ctrl-C always quits).

import path from 'node:path';
import type { LessonChecks } from '../harness/check.ts';
import { formatResult } from '../report.ts';
import { RunCancelled, type CheckResult } from '../runner.ts';
import {
  hashLesson,
  lessonNumber,
  lessonView,
  loadState,
  pristineLessons,
  recordResults,
  updateState,
  type LessonView,
  type ProgressEnv,
} from '../progress.ts';
import { lessonDiff, stillOpenNote } from './diff.ts';
import { takeHint } from './hint.ts';
import { answerText, YesNoReader } from './prompt.ts';
import { drawScreen, type Note, type ScreenState } from './screen.ts';
import { openInBrowser, writeLessonPage } from './page.ts';
import { resetLesson } from './reset.ts';
import { style } from './style.ts';
import { tr } from '../i18n/lang.ts';
import { LessonWatcher, probeWatching } from './watcher.ts';

export { probeWatching } from './watcher.ts';

const CLEAR = '\x1b[H\x1b[2J\x1b[3J';
/** Editors write a file several times per save: wait this long after the last event. */
const DEBOUNCE_MS = 150;
/**
 * Saves that stop a run, in a row, before a save waits for the run to end instead. A program that
 * writes into its own src/ while it is checked would otherwise restart its checks for ever.
 */
const MAX_CANCELS_IN_A_ROW = 3;

/** The terminal watch mode draws on and reads keys from (process.stdin/stdout, or a test's fake). */
export interface Terminal {
  stdin: {
    isTTY?: boolean;
    setRawMode(raw: boolean): unknown;
    resume(): unknown;
    pause(): unknown;
    on(event: 'data', f: (b: Buffer) => void): unknown;
    off(event: 'data', f: (b: Buffer) => void): unknown;
  };
  stdout: {
    columns?: number;
    rows?: number;
    write(s: string): unknown;
    on(event: 'resize', f: () => void): unknown;
    off(event: 'resize', f: () => void): unknown;
  };
}

export interface WatchOptions {
  /** Manual mode from the start (NETLINGS_WATCH=manual, --manual). */
  manual: boolean;
  /** Results of checks that ran just before (npm start checks changed lessons before the list). */
  ran?: Map<string, CheckResult[]>;
  /** Another terminal than the process's own (tests, the verdicts benchmark): no process-wide hooks then. */
  terminal?: Terminal;
  /** Opens the v key's page (default: the desktop's browser, when there is one); true when it did. */
  openPage?: (file: string) => boolean;
}

type Screen = ScreenState['screen'];

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
  /** Stops the run in progress (a save while checks run). */
  private controller: AbortController | undefined;
  /** The run in progress, until its programs are all cleaned up. */
  private running: Promise<void> | undefined;
  /** The lesson's content hash when the run in progress started. */
  private runHash = '';
  private cancelsInARow = 0;
  private checking: { trigger: string; lines: string[]; t0: number } | undefined;
  /** f: the whole failure and notes, unfolded, until the next screen. */
  private unfolded = false;
  private confirm: YesNoReader | undefined;
  private readonly term: Terminal;
  private results: CheckResult[] | undefined;
  private resultsOf = '';
  private lastRun = '';
  private notes: Note[] = [];
  private watcher: LessonWatcher | undefined;
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
    this.term = opts.terminal ?? (process as unknown as Terminal);
  }

  /** True on the process's own terminal: exit handlers and process.exit are ours to use. */
  private get own(): boolean {
    return this.opts.terminal === undefined;
  }

  private get view(): LessonView {
    return this.views[this.idx] as LessonView;
  }

  private get checks(): LessonChecks {
    return this.env.lessons[this.idx] as LessonChecks;
  }

  async start(): Promise<number> {
    const done = new Promise<number>((resolve) => (this.finished = resolve));
    const stdin = this.term.stdin;
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', this.onKey);
    this.term.stdout.on('resize', this.render);
    if (this.own) {
      process.on('exit', this.restoreTerminal);
      // An error in an event handler is a netlings bug: one line and a sane terminal, never a stack trace.
      process.on('uncaughtException', (e) => {
        this.restoreTerminal();
        process.stdout.write('\n');
        console.error(`netlings start: the checker itself failed: ${e instanceof Error ? e.message : String(e)} (a netlings bug; NETLINGS_DEBUG=1 shows the stack)`);
        if (process.env['NETLINGS_DEBUG']) console.error(e);
        process.exit(70);
      });
    }
    if (this.manual) this.manualNote = tr('Manual mode (NETLINGS_WATCH=manual): save your files, then press r to check.', '手动模式（NETLINGS_WATCH=manual）：保存文件后按 r 检查。');
    else if (!(await probeWatching(this.view.dir))) {
      this.manual = true;
      this.manualNote = tr(
        'File watching does not work in this folder (network and WSL file systems are often silent), so this is manual mode: save your files, then press r to check.',
        '在这个文件夹里监视文件不起作用（网络文件系统和 WSL 常常收不到通知），所以现在是手动模式：保存文件后按 r 检查。',
      );
    }
    this.watchCurrent();
    this.openLesson('');
    return done;
  }

  // ------------------------------------------------------------------ watching

  private watchCurrent(): void {
    this.watcher?.close();
    this.watcher = undefined;
    if (this.manual) return;
    this.watcher = new LessonWatcher(this.view.dir, (rel) => this.onSave(rel));
    this.watcher.start();
  }

  /** A source file of the lesson was saved: stop the checks in progress, if any, and check again. */
  private onSave(rel: string): void {
    if (Date.now() < this.ignoreEventsUntil) return;
    this.home = false;
    this.unfolded = false;
    const trigger = tr(`${rel} saved`, `${rel} 已保存`);
    if (!this.busy && !this.scheduled) {
      // A save after the checks ended: a new streak of saves.
      this.cancelsInARow = 0;
      this.chainedRuns = 0;
    }
    if (this.busy && !this.controller?.signal.aborted) {
      // The same content as the run started with (a touch, a program rewriting a file): let it run.
      if (hashLesson(this.view.dir) === this.runHash) return;
      if (this.cancelsInARow >= MAX_CANCELS_IN_A_ROW) {
        // Not a reason to forget chainedRuns: a check that writes into the folder must not loop.
        if (!this.pendingRun) this.checking?.lines.push(style.dim(tr(`  (${rel} changed: checking again after this run)`, `  （${rel} 改了：这一轮结束后再检查一次）`)));
        this.pendingRun = true;
        this.render();
        return;
      }
      // One count per stopped run, however many events the save makes.
      this.cancelsInARow++;
      this.controller?.abort();
    }
    const first = !this.scheduled;
    clearTimeout(this.scheduled);
    // Run once the editor is done writing; say at once that a check is coming.
    this.scheduled = setTimeout(() => {
      this.scheduled = undefined;
      void this.runChecks(trigger);
    }, DEBOUNCE_MS);
    if (this.controller?.signal.aborted) this.beginChecking(tr(`${trigger}; the last run was stopped`, `${trigger}；上一轮已停止`));
    else if (first) this.beginChecking(trigger);
  }

  // ------------------------------------------------------------------ checks

  private beginChecking(trigger: string): void {
    this.screen = 'lesson';
    this.checking = { trigger, lines: [], t0: performance.now() };
    this.render();
  }

  private async runChecks(trigger: string): Promise<void> {
    // A stopped run is still killing its programs: wait for that (it is quick), then start.
    if (this.busy && this.controller?.signal.aborted) await this.running;
    if (this.busy) {
      this.pendingRun = true;
      return;
    }
    this.busy = true;
    let finish!: () => void;
    this.running = new Promise<void>((resolve) => (finish = resolve));
    try {
      await this.runOnce(trigger);
    } finally {
      this.running = undefined;
      finish();
    }
  }

  private async runOnce(trigger: string): Promise<void> {
    this.notes = [];
    if (!this.checking) this.beginChecking(trigger);
    const lesson = this.view.lesson;
    const hash = hashLesson(path.join(this.env.lessonsRoot, lesson));
    this.runHash = hash;
    const controller = new AbortController();
    this.controller = controller;
    let results: CheckResult[];
    try {
      results = await this.env.run(
        this.checks,
        this.env.lessonsRoot,
        (r) => {
          if (controller.signal.aborted) return;
          this.checking?.lines.push(formatResult(r, { details: false }).split('\n')[0] ?? '');
          this.render();
        },
        controller.signal,
      );
    } catch (e) {
      if (controller.signal.aborted || e instanceof RunCancelled) {
        // A save stopped it: its programs are dead; the next run is already scheduled.
        this.busy = false;
        if (this.controller === controller) this.controller = undefined;
        return;
      }
      results = [];
      const why = e instanceof Error ? e.message : String(e);
      this.notes.push(style.red(tr(`The checker itself failed (${why}); this is a netlings bug. Press r to try again.`, `检查器自己出错了（${why}）；这是 netlings 的 bug。按 r 再试一次。`)));
    }
    this.controller = undefined;
    if (controller.signal.aborted) {
      this.busy = false;
      return;
    }
    this.cancelsInARow = 0;
    const secs = ((performance.now() - (this.checking?.t0 ?? performance.now())) / 1000).toFixed(1);
    this.checking = undefined;
    if (results.length) recordResults(this.env, lesson, hash, results);
    this.results = results;
    this.resultsOf = lesson;
    this.lastRun = tr(`checked at ${new Date().toTimeString().slice(0, 8)} in ${secs} s`, `${new Date().toTimeString().slice(0, 8)} 检查，用时 ${secs} 秒`);
    this.reloadView();
    this.busy = false;
    const changedMeanwhile = hashLesson(path.join(this.env.lessonsRoot, lesson)) !== hash;
    if (this.pendingRun && changedMeanwhile && this.chainedRuns < 1) {
      // Saved again while the checks ran, after too many stopped runs in a row. (At most one run in
      // a row this way, so a program that writes into its own folder cannot start an endless loop.)
      this.chainedRuns++;
      this.pendingRun = false;
      void this.runChecks(tr('saved again during the last check', '上一轮检查期间又保存了'));
      return;
    }
    if (this.pendingRun && changedMeanwhile) {
      // Never a stale verdict without saying so.
      this.notes.push(style.yellow(tr(`Your files changed again while these checks ran; this is the verdict on the version before. Press r to check the latest one.`, `这一轮检查运行期间你的文件又改了；这是对之前那个版本的结论。按 r 检查最新的版本。`)));
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
      this.lastRun = tr(`checked at ${new Date().toTimeString().slice(0, 8)}`, `${new Date().toTimeString().slice(0, 8)} 检查`);
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
    this.openLesson(tr(`moved to ${this.view.lesson}`, `切换到 ${this.view.lesson}`));
  }

  // ------------------------------------------------------------------ keys

  private onKey = (data: Buffer): void => {
    const key = data.toString('utf8');
    if (key === '\x03') return this.quit(); // Ctrl-C, even while checks run
    if (this.busy || this.scheduled) return; // keys wait for the checks
    if (this.screen === 'confirm-reset') return this.confirm?.feed(key);
    if (this.screen === 'list') return this.onListKey(key);
    switch (key.toLowerCase()) {
      case 'q':
        return this.quit();
      case 'n':
        if (this.idx + 1 >= this.views.length) {
          this.notes = [style.dim(tr(`${this.view.lesson} is the last lesson written so far. Press l to pick another one.`, `${this.view.lesson} 是目前写好的最后一课。按 l 选另一课。`))];
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
        this.unfolded = false;
        return void this.runChecks(tr('re-run', '重新检查'));
      case 'f':
        this.unfolded = !this.unfolded;
        return this.render();
      case 'x':
        this.screen = 'confirm-reset';
        this.confirm = new YesNoReader((a) => this.onConfirmAnswer(a.yes, answerText(a)));
        return this.render();
      case 'd':
        return this.showDiff();
      case 'v':
        return this.showPage();
      default:
        return; // arrows, other keys: nothing
    }
  };

  private onConfirmAnswer(yes: boolean, read: string): void {
    this.screen = 'lesson';
    this.confirm = undefined;
    if (!yes) {
      this.notes = [style.dim(tr(`Reset? ${read}. Nothing was reset.`, `恢复？${read}。什么都没有恢复。`))];
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
    void this.runChecks(tr('reset', '已恢复')).then(() => {
      this.notes.unshift(style.green(tr(`Reset? ${read}. ${outcome.message}`, `恢复？${read}。${outcome.message}`)));
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
    const num = lessonNumber(this.view.lesson);
    if (!rec?.everDone) {
      this.notes = [tr(`The diff shows the solution, so it opens once ${this.view.lesson} has passed every check. (npm run diff -- ${num} --force shows it now.)`, `对比会露出参考答案，所以要等 ${this.view.lesson} 通过每一项检查后才开放。（npm run diff -- ${num} --force 现在就能看。）`)];
      return this.render();
    }
    const text = lessonDiff(this.env, this.view.lesson);
    const note = this.view.status === 'done' ? [] : [style.dim(stillOpenNote(this.view.lesson))];
    this.notes = [
      ...note,
      text
        ? { verbatim: `${style.bold(tr(`Yours (-) against the solution (+), also as npm run diff -- ${num}:`, `你的代码（-）对比参考答案（+），也可以用 npm run diff -- ${num}：`))}\n${text}` }
        : tr('Your files match the solution (the package name and whitespace aside).', '你的文件和参考答案一致（包名和空白除外）。'),
    ];
    this.render();
  }

  /** v: the last results of this lesson as a web page; its path, and the browser where there is one. */
  private showPage(): void {
    const results = this.resultsOf === this.view.lesson ? this.results : undefined;
    if (!results || results.length === 0) {
      this.notes = [`No check of ${this.view.lesson} has run in this session yet, so there is no page to show: press r to check it, then v.`];
      return this.render();
    }
    let file: string;
    try {
      file = writeLessonPage(this.env.stateFile, this.view.lesson, results, this.lastRun || 'checked just now');
    } catch (e) {
      this.notes = [style.red(`Could not write the page (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`)];
      return this.render();
    }
    const opened = (this.opts.openPage ?? openInBrowser)(file);
    this.notes = [`The conversation of every check, as a page: ${file}${opened ? ' (opening it in your browser)' : ' (open it in a browser)'}`];
    this.render();
  }

  private quit(): void {
    clearTimeout(this.scheduled);
    clearTimeout(this.digitTimer);
    this.confirm?.cancel();
    this.watcher?.close();
    this.term.stdin.off('data', this.onKey);
    this.term.stdout.off('resize', this.render);
    this.restoreTerminal();
    this.term.stdin.pause();
    this.term.stdout.write('\n');
    this.closed = true;
    this.finished(0);
    this.controller?.abort();
    // Checks still running would keep the process alive: exit now; the harness's exit handler
    // kills the programs they started.
    if (this.busy && this.own) process.exit(0);
  }

  private restoreTerminal = (): void => {
    if (this.term.stdin.isTTY) this.term.stdin.setRawMode(false);
  };

  // ------------------------------------------------------------------ drawing

  private render = (): void => {
    if (this.closed) return;
    const lines = drawScreen({
      views: this.views,
      idx: this.idx,
      screen: this.screen,
      home: this.home,
      checking: this.checking,
      results: this.resultsOf === this.view.lesson ? this.results : undefined,
      notes: this.notes,
      unfolded: this.unfolded,
      manual: this.manual,
      manualNote: this.manualNote,
      lastRun: this.lastRun,
      waiting: this.busy || this.scheduled !== undefined,
      columns: this.term.stdout.columns || 100,
      rows: this.term.stdout.rows ?? 0,
    });
    this.term.stdout.write(CLEAR + lines.join('\n') + '\n');
  };
}
