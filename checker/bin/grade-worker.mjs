#!/usr/bin/env node
// One submission's grading process, started by `npm run grade` (see checker/src/grade/worker.ts).
import { register } from 'tsx/esm/api';

register();
const { workerMain } = await import('../src/grade/worker.ts');
process.exitCode = await workerMain(process.argv[2] ?? '');
