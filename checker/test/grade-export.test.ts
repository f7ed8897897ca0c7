// The exported graders, each run through its own entrypoint against a fake platform tree: the
// Gradescope zip's run_autograder (NETLINGS_AUTOGRADER_ROOT for /autograder), PrairieLearn's
// entrypoint.sh (NETLINGS_GRADE_ROOT for /grade), and the Classroom workflow's grading step.

import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lesson01 } from '../src/checks/01-basic-socket.ts';
import { readZip } from '../src/grade/zip.ts';
import { repoRoot, solutionsDir } from '../src/lessons.ts';

/** Lesson 01's checks, each worth 1 point in the course's own manifest. */
const N01 = lesson01.checks.length;

const temp = mkdtempSync(path.join(tmpdir(), 'netlings-export-test-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
const cli = path.join(repoRoot, 'checker', 'bin', 'netlings.mjs');
const nodeModules = path.join(repoRoot, 'node_modules');

function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1', ...env }, maxBuffer: 16 << 20 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

function unpack(zip: Buffer, dest: string): void {
  for (const e of readZip(zip)) {
    if (e.name.endsWith('/')) continue;
    const file = path.join(dest, e.name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, e.data);
  }
}

describe('export gradescope', () => {
  it('writes an autograder zip whose run_autograder grades /autograder/submission into results.json', async () => {
    const zipFile = path.join(temp, 'gs.zip');
    const ex = await run(process.execPath, [cli, 'grade', 'export', 'gradescope', '--out', zipFile, '--lessons', '01', '--timeout', '120']);
    expect(ex.code, ex.stderr).toBe(0);
    const zip = readFileSync(zipFile);
    const names = readZip(zip).map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['setup.sh', 'run_autograder', 'netlings/package.json', 'netlings/package-lock.json', 'netlings/checker/bin/netlings.mjs', 'netlings/lessons/01-basic-socket/lesson.json']));
    expect(names.some((n) => n.startsWith('netlings/solutions/') && n !== 'netlings/solutions/package.json')).toBe(false);
    expect(names.some((n) => n.includes('/test/') || n.includes('node_modules'))).toBe(false);
    const setup = readZip(zip).find((e) => e.name === 'setup.sh')?.data.toString() ?? '';
    expect(setup).toMatch(/npm ci/);
    expect(setup).toMatch(/sha256sum -c/);
    // a fake /autograder: source unpacked as Gradescope does, a submission, no results yet
    const root = path.join(temp, 'autograder');
    unpack(zip, path.join(root, 'source'));
    cpSync(path.join(solutionsDir, '01-basic-socket'), path.join(root, 'submission', 'lessons', '01-basic-socket'), { recursive: true, filter: (s) => !s.includes('node_modules') });
    const r = await run('bash', [path.join(root, 'source', 'run_autograder')], { NETLINGS_AUTOGRADER_ROOT: root, NETLINGS_NODE_MODULES: nodeModules });
    expect(r.code, r.stderr).toBe(0);
    const results = JSON.parse(readFileSync(path.join(root, 'results', 'results.json'), 'utf8')) as { score: number; tests: { status: string }[]; extra_data: { grading_status: string; root: string } };
    expect(results.extra_data.grading_status).toBe('ok');
    expect(results.extra_data.root).toBe('lessons');
    expect(results.tests.length).toBe(N01);
    expect(results.score).toBe(N01);
    expect(results.tests.every((t) => t.status === 'passed')).toBe(true);
  }, 120_000);
});

describe('export prairielearn', () => {
  const out = path.join(temp, 'pl');
  it('writes the grader under serverFilesCourse with an entrypoint, a Dockerfile and the externalGradingOptions', async () => {
    const ex = await run(process.execPath, [cli, 'grade', 'export', 'prairielearn', '--out', out, '--lessons', '01']);
    expect(ex.code, ex.stderr).toBe(0);
    const grader = path.join(out, 'serverFilesCourse', 'netlings');
    expect(readFileSync(path.join(grader, 'Dockerfile'), 'utf8')).toMatch(/^FROM node:20/m);
    expect(readFileSync(path.join(grader, 'Dockerfile'), 'utf8')).toMatch(/npm ci/);
    const opts = JSON.parse(readFileSync(path.join(out, 'info.json.externalGradingOptions.json'), 'utf8')) as { externalGradingOptions: Record<string, unknown> };
    expect(opts.externalGradingOptions).toMatchObject({ enabled: true, serverFilesCourse: ['netlings/'], entrypoint: '/grade/serverFilesCourse/netlings/entrypoint.sh' });
  }, 60_000);

  it('grades /grade/student through entrypoint.sh into /grade/results/results.json', async () => {
    const root = path.join(temp, 'grade');
    // a student's upload: one zip of the lesson folder
    execFileSync('zip', ['-qr', path.join(temp, 'upload.zip'), '01-basic-socket', '-x', '*/node_modules/*'], { cwd: solutionsDir });
    mkdirSync(path.join(root, 'student'), { recursive: true });
    cpSync(path.join(temp, 'upload.zip'), path.join(root, 'student', 'upload.zip'));
    const r = await run('sh', [path.join(out, 'serverFilesCourse', 'netlings', 'entrypoint.sh')], { NETLINGS_GRADE_ROOT: root, NETLINGS_NODE_MODULES: nodeModules });
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(readFileSync(path.join(root, 'results', 'results.json'), 'utf8')) as { gradable: boolean; score: number; tests: { points: number; max_points: number }[] };
    expect(res.gradable).toBe(true);
    expect(res.score).toBe(1);
    expect(res.tests.length).toBe(N01);
  }, 120_000);

  it('takes an upload of the lesson’s files themselves (server.ts, client.ts) as the one lesson graded', async () => {
    const root = path.join(temp, 'grade-flat');
    cpSync(path.join(solutionsDir, '01-basic-socket', 'src'), path.join(root, 'student'), { recursive: true });
    const r = await run('sh', [path.join(out, 'serverFilesCourse', 'netlings', 'entrypoint.sh')], { NETLINGS_GRADE_ROOT: root, NETLINGS_NODE_MODULES: nodeModules });
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(readFileSync(path.join(root, 'results', 'results.json'), 'utf8')) as { gradable: boolean; score: number; output: string };
    expect(res).toMatchObject({ gradable: true, score: 1 });
    expect(res.output).toMatch(/its files were taken as 01-basic-socket\/src\//);
  }, 60_000);

  it('answers gradable: false with format_errors for a submission with no lesson in it', async () => {
    const root = path.join(temp, 'grade-empty');
    mkdirSync(path.join(root, 'student'), { recursive: true });
    writeFileSync(path.join(root, 'student', 'notes.txt'), 'I could not finish\n');
    const r = await run('sh', [path.join(out, 'serverFilesCourse', 'netlings', 'entrypoint.sh')], { NETLINGS_GRADE_ROOT: root, NETLINGS_NODE_MODULES: nodeModules });
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(readFileSync(path.join(root, 'results', 'results.json'), 'utf8')) as { gradable: boolean; score: number; format_errors: Record<string, string[]> };
    expect(res.gradable).toBe(false);
    expect(res.format_errors['submission']?.[0]).toMatch(/no lesson folder found/);
  }, 60_000);
});

describe('export classroom', () => {
  it('writes a workflow that hands the grade to GitHub Classroom’s reporter', async () => {
    const out = path.join(temp, 'classroom');
    const ex = await run(process.execPath, [cli, 'grade', 'export', 'classroom', '--out', out, '--lessons', '01']);
    expect(ex.code, ex.stderr).toBe(0);
    const yml = readFileSync(path.join(out, '.github', 'workflows', 'classroom.yml'), 'utf8');
    expect(yml).toMatch(/uses: classroom-resources\/autograding-grading-reporter@v1/);
    expect(yml).toMatch(/NETLINGS_RESULTS: "\$\{\{ steps\.netlings\.outputs\.result \}\}"/);
    expect(yml).toMatch(/runners: netlings/);
  });

  it('grades a repository in its grading step and writes result=BASE64 to GITHUB_OUTPUT', async () => {
    const repo = path.join(temp, 'student-repo');
    cpSync(path.join(solutionsDir, '01-basic-socket'), path.join(repo, 'lessons', '01-basic-socket'), { recursive: true, filter: (s) => !s.includes('node_modules') });
    const ghOut = path.join(temp, 'github-output');
    writeFileSync(ghOut, '');
    const r = await run(process.execPath, [cli, 'grade', 'platform', 'classroom', '--root', repo, '--lessons', '01'], { GITHUB_OUTPUT: ghOut });
    expect(r.code, r.stderr).toBe(0);
    const line = readFileSync(ghOut, 'utf8').trim();
    expect(line).toMatch(/^result=[A-Za-z0-9+/=]+$/);
    const result = JSON.parse(Buffer.from(line.slice('result='.length), 'base64').toString('utf8')) as { version: number; status: string; max_score: number; tests: { score: number }[] };
    expect(result).toMatchObject({ version: 1, status: 'pass', max_score: N01 });
    expect(result.tests.reduce((s, t) => s + t.score, 0)).toBe(N01);
  }, 60_000);
});
