// The grader's small parts: zips, finding the lessons in a submission, the copy that never follows
// a link out, points from a manifest, the signed worker lines, CSV cells.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lesson01 } from '../src/checks/01-basic-socket.ts';
import { findLessonsRoot, listSubmissions } from '../src/grade/discover.ts';
import { planLesson } from '../src/grade/points.ts';
import { stageDir, stageZip } from '../src/grade/stage.ts';
import { LineVerifier, signLine } from '../src/grade/wire.ts';
import { csvCell } from '../src/grade/write/csv.ts';
import { readZip, writeZip, ZipError } from '../src/grade/zip.ts';
import { UsageError } from '../src/lessons.ts';

const temp = mkdtempSync(path.join(tmpdir(), 'netlings-grade-units-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
const names = ['01-basic-socket', '02-loop-server'];

describe('zip', () => {
  it('reads back what it writes, names and bytes', () => {
    const files = [
      { name: 'a/b.txt', data: Buffer.from('hello\n') },
      { name: 'ünï/c.bin', data: Buffer.from([0, 1, 2, 255]) },
    ];
    const back = readZip(writeZip(files));
    expect(back.map((e) => [e.name, e.data.toString('hex')])).toEqual(files.map((f) => [f.name, f.data.toString('hex')]));
  });

  it('reads a zip made by the zip program, stored and deflated entries', () => {
    let zipBin = true;
    try {
      execFileSync('zip', ['-v'], { stdio: 'ignore' });
    } catch {
      zipBin = false;
    }
    if (!zipBin) return; // the reader is also proven against our own writer above
    const dir = path.join(temp, 'zsrc');
    mkdirSync(path.join(dir, 'x'), { recursive: true });
    writeFileSync(path.join(dir, 'x', 'big.txt'), 'abc'.repeat(5000));
    writeFileSync(path.join(dir, 'x', 'tiny.txt'), 'z');
    execFileSync('zip', ['-qr', '-n', 'tiny.txt', path.join(temp, 'z.zip'), 'x'], { cwd: dir });
    const entries = readZip(readFileSync(path.join(temp, 'z.zip')));
    expect(entries.find((e) => e.name === 'x/big.txt')?.data.toString()).toBe('abc'.repeat(5000));
    expect(entries.find((e) => e.name === 'x/tiny.txt')?.data.toString()).toBe('z');
  });

  it('refuses an entry that climbs out of its folder or is absolute', () => {
    for (const bad of ['../x', 'a/../../x', '/etc/passwd', 'C:/x', 'a\\..\\..\\x']) {
      expect(() => readZip(writeZip([{ name: bad, data: Buffer.from('x') }])), bad).toThrow(ZipError);
    }
  });

  it('refuses a zip that claims to unpack to more than its cap', () => {
    const zip = writeZip([{ name: 'a', data: Buffer.alloc(2 << 20) }]);
    expect(() => readZip(zip, { maxBytes: 1 << 20, maxEntries: 10 })).toThrow(/more than 1 MiB/);
  });
});

describe('finding the lessons in a submission', () => {
  const mk = (rel: string) => mkdirSync(path.join(temp, 'find', rel), { recursive: true });
  it('takes lessons/ of a whole clone over its solutions/', () => {
    mk('clone/lessons/01-basic-socket');
    mk('clone/solutions/01-basic-socket');
    mk('clone/solutions/02-loop-server');
    expect(findLessonsRoot(path.join(temp, 'find', 'clone'), names)?.rel).toBe('lessons');
  });
  it('takes the top of a copy of lessons/, and one folder deeper in an unpacked zip', () => {
    mk('copy/02-loop-server');
    expect(findLessonsRoot(path.join(temp, 'find', 'copy'), names)).toMatchObject({ rel: '.', lessons: ['02-loop-server'] });
    mk('zipped/alice/01-basic-socket');
    expect(findLessonsRoot(path.join(temp, 'find', 'zipped'), names)?.rel).toBe('alice');
  });
  it('finds nothing in a folder without lesson folders', () => {
    mk('none/src');
    expect(findLessonsRoot(path.join(temp, 'find', 'none'), names)).toBeUndefined();
  });
  it('lists folders and zips as submissions, and skips a link', () => {
    const dir = path.join(temp, 'subs');
    mkdirSync(path.join(dir, 'alice'), { recursive: true });
    writeFileSync(path.join(dir, 'bob.zip'), writeZip([]));
    symlinkSync('/etc', path.join(dir, 'eve'));
    const { submissions, skipped } = listSubmissions(dir);
    expect(submissions.map((s) => [s.name, s.kind])).toEqual([['alice', 'dir'], ['bob', 'zip']]);
    expect(skipped[0]).toMatch(/^eve \(a symbolic link/);
  });
});

describe('the private copy of a submission', () => {
  it('copies a link to a file inside, refuses one to a file outside, never follows one to a folder', () => {
    const src = path.join(temp, 'stage-src');
    mkdirSync(path.join(src, 'l', 'src'), { recursive: true });
    writeFileSync(path.join(src, 'l', 'src', 'real.ts'), 'export {};\n');
    symlinkSync('real.ts', path.join(src, 'l', 'src', 'inside.ts'));
    symlinkSync('/etc/passwd', path.join(src, 'l', 'src', 'outside.ts'));
    symlinkSync('/', path.join(src, 'l', 'root'));
    symlinkSync('src', path.join(src, 'l', 'again'));
    const dest = path.join(temp, 'stage-dest');
    const { notes } = stageDir(src, dest);
    expect(readFileSync(path.join(dest, 'l', 'src', 'inside.ts'), 'utf8')).toBe('export {};\n');
    expect(existsSync(path.join(dest, 'l', 'src', 'outside.ts'))).toBe(false);
    expect(existsSync(path.join(dest, 'l', 'root'))).toBe(false);
    expect(existsSync(path.join(dest, 'l', 'again'))).toBe(false);
    expect(notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/refused l\/src\/outside\.ts: a symbolic link to \/etc\/passwd/),
        expect.stringMatching(/refused l\/root: a symbolic link to \/, outside/),
        expect.stringMatching(/left out l\/again: a symbolic link to a folder/),
      ]),
    );
  });

  it('unpacks no symbolic link from a zip', () => {
    // a zip entry marked as a link (Unix mode 0120777) whose body names /etc/passwd
    const zip = writeZip([{ name: 'l/src/server.ts', data: Buffer.from('/etc/passwd'), mode: 0o777 }]);
    // patch the external attributes to a symlink's mode
    const cd = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(((0o120777 << 16) >>> 0), cd + 38);
    const dest = path.join(temp, 'zip-link');
    const file = path.join(temp, 'link.zip');
    writeFileSync(file, zip);
    const { notes } = stageZip(file, dest);
    expect(existsSync(path.join(dest, 'l', 'src', 'server.ts'))).toBe(false);
    expect(notes[0]).toMatch(/refused l\/src\/server\.ts: a symbolic link inside the zip/);
  });
});

describe('points', () => {
  it('gives every check 1 point unless the manifest says otherwise', () => {
    const dir = path.join(temp, 'manifests');
    mkdirSync(path.join(dir, '01-basic-socket'), { recursive: true });
    writeFileSync(path.join(dir, '01-basic-socket', 'lesson.json'), JSON.stringify({ title: 'T', checks: { greeting: { points: 3, hidden: true } } }));
    const plan = planLesson(lesson01, dir);
    expect(plan.checks.find((c) => c.id === 'greeting')).toMatchObject({ points: 3, hidden: true });
    expect(plan.maxScore).toBe(lesson01.checks.length + 2);
    expect(plan.files).toEqual(['src/server.ts', 'src/client.ts']);
  });
  it('refuses points for a check the lesson does not have', () => {
    const dir = path.join(temp, 'manifests-bad');
    mkdirSync(path.join(dir, '01-basic-socket'), { recursive: true });
    writeFileSync(path.join(dir, '01-basic-socket', 'lesson.json'), JSON.stringify({ checks: { nope: { points: 1 } } }));
    expect(() => planLesson(lesson01, dir)).toThrow(UsageError);
  });
});

describe('the worker’s signed lines', () => {
  it('accepts its own lines in order and sees a forged, replayed or reordered one', () => {
    const key = 'ab'.repeat(32);
    const l0 = signLine(key, 0, { type: 'done' });
    const l1 = signLine(key, 1, { type: 'done' });
    const v = new LineVerifier(key);
    expect(v.accept(l0.trim())).toEqual({ type: 'done' });
    expect(v.accept(l0.trim())).toBeUndefined(); // replayed
    expect(v.tampered).toMatch(/replayed or dropped/);
    const forged = new LineVerifier(key);
    expect(forged.accept(signLine('cd'.repeat(32), 0, { type: 'done' }).trim())).toBeUndefined();
    expect(forged.tampered).toMatch(/wrong signature/);
    const plain = new LineVerifier(key);
    expect(plain.accept('{"type":"result"}')).toBeUndefined();
    void l1;
  });
});

describe('CSV cells', () => {
  it('quotes commas and quotes, and defuses a formula', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell(-1)).toBe('-1');
  });
});
