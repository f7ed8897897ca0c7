// Save-to-screen in npm start's watch mode: how long after a learner saves a broken file the verdict
// is on the screen. Replays the common mistakes of lessons 01 and 02 into a copy of the lessons, in
// a temp folder, watched by a real WatchSession (real fs.watch, real checks) drawing on a fake
// 110×40 terminal; the time runs from the write of the file to the first screen with the verdict.
//   npm run bench -- verdicts              # every mistake once
//   npm run bench -- verdicts --runs 3     # each mistake 3 times, the median of each
//   npm run bench -- verdicts --load       # with both cores kept busy by two other processes
// Goal (issue 7): every mistake ≤ 3 s, their median ≤ 1.5 s.

import { execFileSync, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { register } from 'tsx/esm/api';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '1' }, load: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
if (values.help) {
  console.log('usage: npm run bench -- verdicts [--runs N] [--load]\n\nSave-to-screen of the common mistakes of lessons 01 and 02 in watch mode (see the top of scripts/bench/verdicts.mjs).');
  process.exit(0);
}
const runs = Math.max(1, Number(values.runs) || 1);
const GOAL_EACH_S = 3;
const GOAL_MEDIAN_S = 1.5;
/** A verdict later than this is reported as such; the bench never hangs. */
const GIVE_UP_MS = 60_000;

register();
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { WatchSession } = await import(path.join(repo, 'checker/src/cli/watch.ts'));
const { allLessons } = await import(path.join(repo, 'checker/src/lessons.ts'));
const { runLesson } = await import(path.join(repo, 'checker/src/runner.ts'));
const { lessonView, loadState } = await import(path.join(repo, 'checker/src/progress.ts'));
const { plain } = await import(path.join(repo, 'checker/src/report.ts'));
const { applyMutant } = await import(path.join(repo, 'checker/mutants/mutant.ts'));
const mutantsOf = {
  '01-basic-socket': (await import(path.join(repo, 'checker/mutants/01-basic-socket.ts'))).mutants,
  '02-loop-server': (await import(path.join(repo, 'checker/mutants/02-loop-server.ts'))).mutants,
};

const burners = [];
if (values.load) {
  for (let i = 0; i < 2; i++) burners.push(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
  process.on('exit', () => burners.forEach((b) => b.kill('SIGKILL')));
}

// ------------------------------------------------------------------ the lessons, in a temp folder

const temp = mkdtempSync(path.join(tmpdir(), 'netlings-bench-verdicts-'));
process.on('exit', () => rmSync(temp, { recursive: true, force: true }));
const lessonsRoot = path.join(temp, 'lessons');
const LESSONS = ['01-basic-socket', '02-loop-server'];
for (const l of LESSONS) {
  cpSync(path.join(repo, 'solutions', l), path.join(lessonsRoot, l), { recursive: true, filter: (src) => !src.includes(`${path.sep}node_modules`) });
}
const solution = (l, file) => readFileSync(path.join(repo, 'solutions', l, file), 'utf8');
/** The committed starter (git HEAD), not whatever lessons/ holds now. */
const starter = (l, file) => {
  try {
    return execFileSync('git', ['-C', repo, 'show', `HEAD:lessons/${l}/${file}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return readFileSync(path.join(repo, 'lessons', l, file), 'utf8');
  }
};
const edit = (text, find, replace, what) => {
  if (!text.includes(find)) throw new Error(`bench verdicts: the solution changed, "${what}" no longer applies`);
  return text.replace(find, replace);
};
const mutant = (l, id) => {
  const m = mutantsOf[l].find((x) => x.id === id);
  if (!m) throw new Error(`bench verdicts: no mutant ${id} of ${l}`);
  return applyMutant(solution(l, m.file), m);
};
const READY = '  console.log(`listening on ${address}:${actual}`);\n';

/** The mistakes, in the order a learner might make them; each is one file saved over the last. */
const mistakes = [];
for (const l of LESSONS) {
  const n = l.slice(0, 2);
  mistakes.push(
    { lesson: l, name: `${n} the starter as committed`, text: () => starter(l, 'src/server.ts') },
    { lesson: l, name: `${n} no ready line`, text: () => edit(solution(l, 'src/server.ts'), READY, '', 'no ready line') },
    { lesson: l, name: `${n} wrong port in the ready line`, text: () => edit(solution(l, 'src/server.ts'), READY, '  console.log(`listening on ${host}:${port}`);\n', 'wrong port') },
    { lesson: l, name: `${n} one chunk as one line`, text: () => mutant(l, 'chunk-is-a-line') },
    { lesson: l, name: `${n} no 'error' listener`, text: () => mutant(l, 'no-error-listener') },
    { lesson: l, name: `${n} exit after one client`, text: () => mutant(l, l === '01-basic-socket' ? 'stops-after-first-client' : 'exits-when-a-client-leaves') },
  );
}

// ------------------------------------------------------------------ a fake terminal, a real session

const frames = []; // { t, text }
const stdin = Object.assign(new EventEmitter(), { isTTY: true, setRawMode: () => {}, resume: () => {}, pause: () => {} });
const stdout = Object.assign(new EventEmitter(), {
  columns: 110,
  rows: 40,
  write: (s) => {
    const screen = s.slice(s.lastIndexOf('\x1b[3J') + 4);
    frames.push({ t: performance.now(), text: plain(screen) });
    return true;
  },
});
const env = {
  repoRoot: temp,
  lessonsRoot,
  solutionsRoot: path.join(repo, 'solutions'),
  stateFile: path.join(temp, 'state.json'),
  lessons: allLessons.filter((l) => LESSONS.includes(l.lesson)),
  checker: () => 'bench',
  run: (lesson, root, onResult, signal) => runLesson(lesson, { root, ...(onResult ? { onResult } : {}), ...(signal ? { signal } : {}) }),
  note: () => {},
};
const state = loadState(env.stateFile);
const views = LESSONS.map((l) => lessonView(env, l, state, undefined));
const session = new WatchSession(env, views, 0, { manual: false, terminal: { stdin, stdout } });
const ended = session.start();

const isVerdict = (text, lesson) => !text.includes('⟳ checking') && (text.includes(`✗ ${lesson}:`) || text.includes(`✓ Lesson done: ${lesson}`));

/** Waits for the verdict on `lesson` drawn after t0 (after a "checking" screen); its time and what it said. */
async function verdictAfter(t0, lesson) {
  const end = t0 + GIVE_UP_MS;
  let seenChecking = false;
  let i = frames.findIndex((f) => f.t >= t0);
  if (i < 0) i = frames.length;
  for (;;) {
    for (; i < frames.length; i++) {
      const f = frames[i];
      if (f.text.includes('⟳ checking')) seenChecking = true;
      else if (seenChecking && isVerdict(f.text, lesson)) return { ms: f.t - t0, said: said(f.text) };
    }
    if (performance.now() > end) return { ms: Infinity, said: 'no verdict within 60 s' };
    await new Promise((r) => setTimeout(r, 5));
  }
}

function said(text) {
  if (text.includes('✓ Lesson done')) return 'every check passes';
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.includes('The first failing check:'));
  const head = /checks? pass/.exec(lines[i] ?? '') ? /(\d+ of \d+)/.exec(lines[i] ?? '')?.[1] : '';
  const first = (lines.slice(i + 1).find((l) => l.trim().startsWith('✗')) ?? '').trim().replace(/^✗ /, '').replace(/ \(\d+ ms\)$/, '');
  return `${head} pass; first failing: ${first}`;
}

const save = (lesson, text) => {
  const t0 = performance.now();
  writeFileSync(path.join(lessonsRoot, lesson, 'src', 'server.ts'), text);
  return t0;
};

// ------------------------------------------------------------------ the replay

/** The session's own first run (the solution) must end before the replay begins. */
async function settle(lesson) {
  const t0 = performance.now();
  for (;;) {
    const last = frames.at(-1);
    if (last && isVerdict(last.text, lesson) && !last.text.includes('keys wait')) return;
    if (performance.now() - t0 > GIVE_UP_MS) throw new Error(`bench verdicts: ${lesson} never settled`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const rows = new Map(mistakes.map((m) => [m.name, []]));
const extra = [];
console.log(`verdicts: save-to-screen in watch mode, 110×40, ${runs} run${runs > 1 ? 's' : ''} of each mistake${values.load ? ', both cores loaded' : ''}`);
for (const lesson of LESSONS) {
  if (lesson !== LESSONS[0]) stdin.emit('data', Buffer.from('n'));
  await settle(lesson);
  for (let run = 0; run < runs; run++) {
    for (const m of mistakes.filter((x) => x.lesson === lesson)) {
      const t0 = save(lesson, m.text());
      const v = await verdictAfter(t0, lesson);
      rows.get(m.name).push(v);
      await settle(lesson);
    }
  }
  // The fix, saved while the last run still waits for a ready line that never comes.
  save(lesson, mistakes.find((x) => x.lesson === lesson && x.name.endsWith('no ready line')).text());
  await new Promise((r) => setTimeout(r, 1000));
  const t0 = save(lesson, solution(lesson, 'src/server.ts'));
  extra.push({ name: `${lesson.slice(0, 2)} the fix, saved 1 s into a run that waits`, ...(await verdictAfter(t0, lesson)) });
  await settle(lesson);
}
stdin.emit('data', Buffer.from('\x03'));
await ended;

// ------------------------------------------------------------------ the table

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (ms) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : '   > 60 s');
const width = Math.max(...[...rows.keys(), ...extra.map((e) => e.name)].map((k) => k.length));
console.log(`\n${'mistake'.padEnd(width)}  ${'time'.padStart(7)}  goal ≤ ${GOAL_EACH_S} s  what the screen said`);
const all = [];
for (const [name, vs] of rows) {
  const ms = median(vs.map((v) => v.ms));
  all.push(ms);
  console.log(`${name.padEnd(width)}  ${fmt(ms).padStart(7)}  ${(ms <= GOAL_EACH_S * 1000 ? 'ok' : 'OVER').padEnd(10)}  ${vs.at(-1).said}`);
}
for (const e of extra) console.log(`${e.name.padEnd(width)}  ${fmt(e.ms).padStart(7)}  ${(e.ms <= GOAL_EACH_S * 1000 ? 'ok' : 'OVER').padEnd(10)}  ${e.said}`);
const med = median(all);
const over = all.filter((ms) => ms > GOAL_EACH_S * 1000).length;
console.log(`\nmedian of the ${all.length} mistakes: ${fmt(med)} (goal ≤ ${GOAL_MEDIAN_S} s: ${med <= GOAL_MEDIAN_S * 1000 ? 'ok' : 'OVER'}); ${over} of ${all.length} over ${GOAL_EACH_S} s`);
for (const b of burners) b.kill('SIGKILL');
process.exit(0);
