import { lesson01 } from '../src/checks/01-basic-socket.ts';
import { mutants } from '../mutants/01-basic-socket.ts';
import { proveLesson } from './proof.ts';

proveLesson(lesson01, mutants);
