import { lesson06 } from '../src/checks/06-auth.ts';
import { mutants } from '../mutants/06-auth.ts';
import { proveLesson } from './proof.ts';

proveLesson(lesson06, mutants);
