// `npm run demo -- NN`: runs lessons/NN-slug/demo.ts with tsx, a demonstration that ships with the
// lesson (it does not use the learner's src/, so it works on an untouched clone). Exit code: the demo's.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lessons = path.join(root, 'lessons');
const withDemo = readdirSync(lessons).filter((d) => existsSync(path.join(lessons, d, 'demo.ts'))).sort();
const [arg] = process.argv.slice(2);
const want = (arg ?? '').trim().replace(/\/$/, '');
const number = /^\d+$/.test(want) ? want.padStart(2, '0') : undefined;
const lesson = withDemo.find((d) => d === want || (number !== undefined && d.startsWith(number + '-')));
if (!lesson) {
  const bad = arg === undefined || arg === '--help' || arg === '-h' ? '' : `no demonstration for lesson "${arg}". `;
  console.error(`${bad}usage: npm run demo -- LESSON\nlessons with a demonstration: ${withDemo.join(', ') || 'none'}`);
  process.exit(bad || arg === undefined ? 2 : 0);
}
const file = path.join(lessons, lesson, 'demo.ts');
const r = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
