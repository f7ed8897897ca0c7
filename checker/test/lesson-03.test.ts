import { lesson03 } from '../src/checks/03-ssh-lite.ts';
import { mutants } from '../mutants/03-ssh-lite.ts';
import { proveLesson } from './proof.ts';

proveLesson(lesson03, mutants);
