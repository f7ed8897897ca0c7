// `npm run grade -- export gradescope|prairielearn|classroom [--out DIR] [--lessons 01,02]`

import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findLesson, UsageError } from '../../lessons.ts';
import { classroomWorkflow } from './classroom.ts';
import { courseFiles } from './course.ts';
import { gradescopeZip, type ExportSettings } from './gradescope.ts';
import { dockerfile, entrypointSh, externalGradingOptions } from './prairielearn.ts';

const defaults: Record<string, string> = { gradescope: 'gradescope-autograder.zip', prairielearn: 'prairielearn', classroom: 'classroom' };

export async function exportCommand(argv: string[]): Promise<number> {
  const [platform, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      out: { type: 'string' },
      lessons: { type: 'string' },
      timeout: { type: 'string', default: '300' },
      memory: { type: 'string', default: '1024' },
    },
  });
  if (!platform || !(platform in defaults)) throw new UsageError(`export ${platform ?? ''}: gradescope, prairielearn or classroom`);
  const s: ExportSettings = {
    lessons: values.lessons ? values.lessons.split(',').filter(Boolean).map((l) => findLesson(l).lesson) : [],
    timeout: Number(values.timeout),
    memoryMb: Number(values.memory),
    nodeVersion: process.versions.node,
  };
  if (!(s.timeout > 0) || !(s.memoryMb >= 0)) throw new UsageError('--timeout and --memory take numbers');
  const out = path.resolve(values.out ?? (defaults[platform] as string));
  if (platform === 'gradescope') {
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, gradescopeZip(courseFiles(), s));
    console.log(`wrote ${out}: upload it as the assignment's autograder (Configure Autograder → Zip file upload)`);
  } else if (platform === 'prairielearn') {
    rmSync(out, { recursive: true, force: true });
    const grader = path.join(out, 'serverFilesCourse', 'netlings');
    for (const f of courseFiles()) {
      const file = path.join(grader, ...f.rel.split('/'));
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, f.data, { mode: f.mode });
    }
    writeFileSync(path.join(grader, 'entrypoint.sh'), entrypointSh(s));
    chmodSync(path.join(grader, 'entrypoint.sh'), 0o755);
    writeFileSync(path.join(grader, 'Dockerfile'), dockerfile(s));
    writeFileSync(path.join(out, 'info.json.externalGradingOptions.json'), JSON.stringify(externalGradingOptions(s), null, 2) + '\n');
    console.log(`wrote ${out}/: copy serverFilesCourse/netlings into your course's serverFilesCourse/, build and push the image from its Dockerfile, and merge info.json.externalGradingOptions.json into each question's info.json`);
  } else {
    const file = path.join(out, '.github', 'workflows', 'classroom.yml');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, classroomWorkflow(s));
    console.log(`wrote ${file}: commit it to the assignment's template repository`);
  }
  return 0;
}
