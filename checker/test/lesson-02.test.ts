import { lesson02 } from '../src/checks/02-loop-server.ts';
import { mutants } from '../mutants/02-loop-server.ts';
import { proveLesson } from './proof.ts';

proveLesson(lesson02, mutants);
