// The instructor's grader, end to end on the fixture class (checker/test/fixtures/class): every
// score, status and output file is what it must be, hidden checks stay out of what students see,
// nothing a submission starts outlives its grading, and re-grading comes from the cache.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lesson01 } from '../src/checks/01-basic-socket.ts';
import { lesson02 } from '../src/checks/02-loop-server.ts';
import { HIDDEN_NOTE } from '../src/grade/feedback.ts';
import { planLessons, type LessonPlan } from '../src/grade/points.ts';
import type { SubmissionResult } from '../src/grade/result.ts';
import { repoRoot } from '../src/lessons.ts';
import { makeClass, manifestsDir, ORPHAN_MARK, type Expectation, type LessonExpectation } from './fixtures/class/make-class.ts';

const temp = mkdtempSync(path.join(tmpdir(), 'netlings-grade-test-'));
const classDir = path.join(temp, 'class');
const out = path.join(temp, 'grades');
const plans = planLessons([lesson01, lesson02], manifestsDir);
// The fixture manifests give survives-reset and client-prints-dribbled-replies 2 points in 01, and
// half-close-gets-replies 2, quit-says-bye 3, idle-uses-no-cpu 0.5 in 02; every other check 1.
const MAX1 = lesson01.checks.length + 2;
const MAX2 = lesson02.checks.length + 2.5;
const MAX = MAX1 + MAX2;
let expectations: Expectation[] = [];

function grade(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(repoRoot, 'checker', 'bin', 'netlings.mjs'), 'grade', classDir, '--out', out, '--manifests', manifestsDir, '--lessons', '01,02', ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const read = (student: string, file: string) => readFileSync(path.join(out, student, file), 'utf8');
const result = (student: string) => JSON.parse(read(student, 'netlings.json')) as SubmissionResult;

function notPassing(plan: LessonPlan, e: LessonExpectation): string[] {
  const np = e.notPassing;
  if (np === 'all') return plan.checks.map((c) => c.id);
  if (np === 'server' || np === 'client') return plan.checks.filter((c) => c.target === np).map((c) => c.id);
  if (Array.isArray(np)) return [...np].sort();
  return plan.checks.filter((c) => !np.passingOnly.includes(c.id)).map((c) => c.id);
}

let first: { code: number; stdout: string; stderr: string };

beforeAll(async () => {
  expectations = makeClass(classDir);
  // Half the checks' deadlines: they bound the programs that hang (a correct one answers in
  // milliseconds), and the class grades in half the time.
  first = await grade(['--jobs', '2', '--timeout', '60', '--time-scale', '0.5']);
}, 180_000);

afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('grading the fixture class', () => {
  it('grades at least 15 submissions, each in a results folder of its own', () => {
    expect(first.code, first.stderr).toBe(0);
    expect(expectations.length).toBeGreaterThanOrEqual(15);
    for (const e of expectations) expect(existsSync(path.join(out, e.name, 'netlings.json')), e.name).toBe(true);
  });

  it('gives every submission the grading status, notes, lessons root and scores it must', () => {
    for (const e of expectations) {
      const r = result(e.name);
      const why = `${e.name}: ${r.status} ${r.notes.join(' | ')}`;
      expect(r.status, why).toBe(e.status);
      for (const re of e.notes ?? []) expect(r.notes.some((n) => re.test(n)), `${why}\nmissing a note matching ${re}`).toBe(true);
      if (e.root !== undefined) expect(r.root, why).toBe(e.root);
      let total = 0;
      for (const plan of plans) {
        const exp = e.lessons[plan.lesson];
        const got = r.lessons.find((l) => l.lesson === plan.lesson);
        expect(exp && got, `${e.name} ${plan.lesson}`).toBeTruthy();
        if (!exp || !got) continue;
        expect(got.handedIn, `${e.name} ${plan.lesson} handed in`).toBe(exp.handedIn);
        const failing = got.checks.filter((c) => c.status !== 'pass').map((c) => c.id).sort();
        const explain = got.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.result.message}`).join('\n');
        expect(failing, `${e.name} ${plan.lesson}:\n${explain}`).toEqual(notPassing(plan, exp).sort());
        // partial credit: the points of the checks that passed, from the fixture manifests
        const score = plan.checks.filter((c) => !failing.includes(c.id)).reduce((s, c) => s + c.points, 0);
        expect(got.score, `${e.name} ${plan.lesson} score`).toBe(score);
        expect(got.maxScore).toBe(plan.maxScore);
        total += score;
      }
      expect(r.score, `${e.name} total`).toBe(total);
      expect(r.checker.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(r.student).toBe(e.name);
      expect(['namespaces', 'process-group']).toContain(r.isolation.kind);
    }
  });

  it('reads points and hidden checks from the manifests it was given', () => {
    const l1 = plans.find((p) => p.lesson === '01-basic-socket');
    expect(l1?.maxScore).toBe(MAX1);
    expect(l1?.checks.find((c) => c.id === 'client-prints-dribbled-replies')).toMatchObject({ points: 2, hidden: true });
    expect(plans.find((p) => p.lesson === '02-loop-server')?.maxScore).toBe(MAX2);
  });

  it('writes grades.csv with the points row first and a row per student', () => {
    const rows = parseCsv(readFileSync(path.join(out, 'grades.csv'), 'utf8'));
    expect(rows[0]).toEqual(['student', '01-basic-socket', '02-loop-server', 'total', 'max', 'percent', 'grading_status', 'notes']);
    expect(rows[1]?.slice(0, 6)).toEqual(['POINTS POSSIBLE', String(MAX1), String(MAX2), String(MAX), String(MAX), '100']);
    expect(rows.length).toBe(2 + expectations.length);
    for (const e of expectations) {
      const row = rows.find((r) => r[0] === e.name);
      const r = result(e.name);
      expect(row, e.name).toBeDefined();
      expect(row?.slice(1, 7)).toEqual([String(r.lessons[0]?.score), String(r.lessons[1]?.score), String(r.score), String(MAX), String(Math.round((r.score / MAX) * 1000) / 10), e.status]);
      if (e.status !== 'ok') expect(row?.[7]).toContain(r.notes[0] ?? '');
    }
  });

  it('writes results.json with only the fields Gradescope documents, scores adding up', () => {
    const top = new Set(['score', 'execution_time', 'output', 'output_format', 'test_output_format', 'test_name_format', 'visibility', 'stdout_visibility', 'extra_data', 'tests', 'leaderboard']);
    const perTest = new Set(['score', 'max_score', 'status', 'name', 'name_format', 'number', 'output', 'output_format', 'tags', 'visibility', 'extra_data']);
    const visibilities = ['hidden', 'after_due_date', 'after_published', 'visible'];
    for (const e of expectations) {
      const gs = JSON.parse(read(e.name, 'results.json')) as Record<string, unknown> & { tests: Record<string, unknown>[] };
      for (const k of Object.keys(gs)) expect(top.has(k), `${e.name}: top-level ${k}`).toBe(true);
      expect(typeof gs['score']).toBe('number');
      expect(typeof gs['execution_time']).toBe('number');
      expect(visibilities).toContain(gs['visibility']);
      expect(gs['extra_data']).toMatchObject({ student: e.name, grading_status: e.status, max_score: MAX });
      expect((gs['extra_data'] as Record<string, unknown>)['checker_version']).toBeTypeOf('string');
      let sum = 0;
      for (const t of gs.tests) {
        for (const k of Object.keys(t)) expect(perTest.has(k), `${e.name}: test field ${k}`).toBe(true);
        expect(typeof t['name']).toBe('string');
        expect(t['number']).toMatch(/^\d+\.\d+$/);
        expect(['passed', 'failed']).toContain(t['status']);
        expect(visibilities).toContain(t['visibility']);
        expect(typeof t['output']).toBe('string');
        sum += t['score'] as number;
      }
      expect(sum).toBe(gs['score']);
      expect(gs.tests.length).toBe(lesson01.checks.length + lesson02.checks.length);
    }
  });

  it('puts the expected bytes, what arrived, the transcript and the hint in a failed check’s output', () => {
    const gs = JSON.parse(read('quinn-clone', 'results.json')) as { tests: { tags: string[]; output: string; status: string }[] };
    const t = gs.tests.find((x) => x.tags.includes('survives-reset') && x.tags.includes('01-basic-socket'));
    expect(t?.status).toBe('failed');
    // How the mutant fails (a wrong reply, or a server that died) depends on when its crash lands,
    // so each part is asked for exactly when the check's result has it; a transcript and a hint always.
    const r = result('quinn-clone').lessons.find((l) => l.lesson === '01-basic-socket')?.checks.find((c) => c.id === 'survives-reset')?.result;
    expect(r?.transcript).toBeTruthy();
    expect(r?.hint).toBeTruthy();
    expect(t?.output).toMatch(/transcript/);
    expect(t?.output).toMatch(/hint: /);
    if (r?.expected !== undefined) expect(t?.output).toMatch(/expected:/);
    if (r?.actual !== undefined) expect(t?.output).toMatch(/actual:/);
  });

  it('keeps a hidden check’s details out of everything a student sees', () => {
    // erin's 01 client fails the hidden check 'client-prints-dribbled-replies'
    const r = result('erin-mutants');
    const hidden = r.lessons[0]?.checks.find((c) => c.id === 'client-prints-dribbled-replies');
    expect(hidden?.status).toBe('fail');
    expect(hidden?.hidden).toBe(true);
    const secret = hidden?.result.transcript ?? '';
    expect(secret.length).toBeGreaterThan(0);
    const secretLine = (hidden?.result.message ?? '').slice(0, 40);
    for (const file of ['classroom.json', 'prairielearn.json', 'feedback.txt']) {
      const text = read('erin-mutants', file);
      expect(text, file).toContain(HIDDEN_NOTE.slice(0, 30));
      expect(text.includes(secretLine), `${file} shows the hidden check's message`).toBe(false);
    }
    // the pages: the student's leaves it out, the instructor's has it (escaped as HTML)
    const escaped = secretLine.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    const page = read('erin-mutants', 'feedback.html');
    expect(page.includes(secretLine) || page.includes(escaped), "feedback.html shows the hidden check's message").toBe(false);
    expect(read('erin-mutants', 'report.html').includes(escaped) || read('erin-mutants', 'report.html').includes(secretLine)).toBe(true);
    // the instructor's files have all of it; Gradescope gets it as a hidden test
    const gs = JSON.parse(read('erin-mutants', 'results.json')) as { tests: { tags: string[]; visibility: string; output: string }[] };
    const t = gs.tests.find((x) => x.tags.includes('client-prints-dribbled-replies'));
    expect(t?.visibility).toBe('hidden');
    expect(t?.output).toContain(secretLine);
    expect(read('erin-mutants', 'junit.xml')).toContain('client-prints-dribbled-replies');
  });

  it('writes JUnit XML with a testsuite per student and lesson, points in properties', () => {
    const xml = readFileSync(path.join(out, 'junit.xml'), 'utf8');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect((xml.match(/<testsuite /g) ?? []).length).toBe(expectations.length * 2);
    expect((xml.match(/<testcase /g) ?? []).length).toBe(expectations.length * (lesson01.checks.length + lesson02.checks.length));
    expect(xml).toContain(`<testsuite name="alice-complete/01-basic-socket" tests="${lesson01.checks.length}" failures="0"`);
    expect(xml).toMatch(new RegExp(`<property name="max_score" value="${MAX1}"/>`));
    expect(xml).toMatch(/<property name="points" value="2"\/>/);
    // eslint-disable-next-line no-control-regex
    expect(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(xml)).toBe(false);
  });

  it('writes GitHub Classroom reporter JSON whose test scores add up to the grade', () => {
    for (const e of expectations) {
      const c = JSON.parse(read(e.name, 'classroom.json')) as { version: number; status: string; max_score: number; tests: { name: string; status: string; message: string; score: number }[] };
      expect(c.version).toBe(1);
      expect(c.max_score).toBe(MAX);
      expect(['pass', 'fail', 'error']).toContain(c.status);
      expect(c.tests.reduce((s, t) => s + t.score, 0)).toBe(result(e.name).score);
    }
    expect(JSON.parse(read('alice-complete', 'classroom.json')).status).toBe('pass');
    expect(JSON.parse(read('oscar-empty', 'classroom.json')).status).toBe('error');
  });

  it('writes PrairieLearn results: a score from 0 to 1, and gradable false for a submission with nothing to grade', () => {
    for (const e of expectations) {
      const text = read(e.name, 'prairielearn.json');
      expect(Buffer.byteLength(text)).toBeLessThan(1_000_000);
      const pl = JSON.parse(text) as { gradable: boolean; score: number; tests: { name: string; description: string; points: number; max_points: number; message: string; output: string }[]; format_errors: Record<string, string[]> };
      expect(pl.score).toBeGreaterThanOrEqual(0);
      expect(pl.score).toBeLessThanOrEqual(1);
      for (const t of pl.tests) expect(Object.keys(t).sort()).toEqual(['description', 'max_points', 'message', 'name', 'output', 'points']);
      if (e.status === 'no_lessons' || e.status === 'refused') {
        expect(pl.gradable).toBe(false);
        expect(pl.format_errors['submission']?.[0]).toBeTruthy();
      } else expect(pl.gradable).toBe(true);
    }
    expect(JSON.parse(read('alice-complete', 'prairielearn.json')).score).toBe(1);
  });

  it('prints one line for a submission with no lessons, not a failure per check', () => {
    const line = first.stdout.split('\n').filter((l) => l.startsWith('oscar-empty'));
    expect(line.length).toBe(1);
    expect(line[0]).toMatch(/no_lessons: no lesson folder found/);
    expect(first.stdout).not.toMatch(/hint:/);
  });

  it('leaves nothing running that a submission started, detached or not', () => {
    const left = readdirSync('/proc')
      .filter((n) => /^\d+$/.test(n))
      .filter((n) => {
        try {
          return readFileSync(`/proc/${n}/cmdline`, 'utf8').includes(ORPHAN_MARK);
        } catch {
          return false;
        }
      });
    expect(left).toEqual([]);
  });

  it('unpacks nothing outside a submission from a zip that tries to', () => {
    expect(existsSync(path.join(temp, 'escaped.txt'))).toBe(false);
    expect(existsSync(path.join(tmpdir(), 'escaped.txt'))).toBe(false);
  });

  it('takes an unchanged submission from the cache on the next run', async () => {
    const again = await grade(['--jobs', '2', '--time-scale', '0.5']);
    expect(again.code, again.stderr).toBe(0);
    for (const e of expectations) {
      const r = result(e.name);
      if (e.status === 'refused' || e.status === 'no_lessons') continue; // found out without running anything
      expect(r.cached, e.name).toBe(true);
    }
  }, 120_000);

  it('re-grades one student with --only, and stops a hanging submission at its --timeout', async () => {
    const before = result('alice-complete');
    const r = await grade(['--only', 'heidi-hangs', '--timeout', '1', '--time-scale', '0.5']);
    expect(r.code, r.stderr).toBe(0);
    const heidi = result('heidi-hangs');
    expect(heidi.status).toBe('timeout');
    expect(heidi.notes[0]).toMatch(/used up its --timeout of 1 s/);
    expect(heidi.cached).toBe(false);
    // what finished before the timeout keeps its points; the rest is 0, and says why
    const passed = heidi.lessons.flatMap((l) => l.checks).filter((c) => c.status === 'pass');
    expect(heidi.score).toBe(passed.reduce((s, c) => s + c.maxScore, 0));
    const notRun = heidi.lessons.flatMap((l) => l.checks).filter((c) => c.result.code === 'NOT_RUN');
    expect(notRun.length).toBeGreaterThan(0);
    expect(notRun[0]?.result.message).toMatch(/not run: used up its --timeout/);
    const alice = result('alice-complete');
    expect(alice.cached).toBe(true);
    expect(alice.score).toBe(before.score);
    const rows = parseCsv(readFileSync(path.join(out, 'grades.csv'), 'utf8'));
    expect(rows.find((x) => x[0] === 'heidi-hangs')?.[6]).toBe('timeout');
  }, 60_000);
});

/** A small CSV reader: quoted cells with "" escapes and commas. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  return rows;
}
