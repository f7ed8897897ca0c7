// The process that grades one submission (started by checker/bin/grade-worker.mjs, inside the
// submission's namespaces where the system has them). It reads its job from stdin, runs each
// lesson's checks with the ordinary runner, and writes every result as a signed line on stdout.
// It never writes anything else there: a learner program's output goes to the harness's pipes.

import { findLesson } from '../lessons.ts';
import { runLesson } from '../runner.ts';
import { signLine, type WorkerJob, type WorkerMessage } from './wire.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function workerMain(checker: string): Promise<number> {
  const job = JSON.parse(await readStdin()) as WorkerJob;
  let seq = 0;
  const emit = (m: WorkerMessage) => process.stdout.write(signLine(job.key, seq++, m));
  // The harness starts every learner program with process.execPath: pointing it at the launcher
  // puts each of them (and the module drivers that load learner code) under the memory cap.
  if (job.launcher) process.execPath = job.launcher;
  emit({ type: 'hello', pid: process.pid, checker });
  try {
    for (const name of job.lessons) {
      const t0 = performance.now();
      await runLesson(findLesson(name), { root: job.root, onResult: (result) => emit({ type: 'result', result }) });
      emit({ type: 'lesson-done', lesson: name, ms: Math.round(performance.now() - t0) });
    }
    emit({ type: 'done' });
  } catch (e) {
    emit({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
  // Let stdout drain before exiting (a pipe write is asynchronous).
  await new Promise<void>((r) => process.stdout.write('', () => r()));
  return 0;
}
