import { lesson07 } from '../src/checks/07-socketserver.ts';
import { mutants } from '../mutants/07-socketserver.ts';
import { proveLesson } from './proof.ts';

proveLesson(lesson07, mutants);
