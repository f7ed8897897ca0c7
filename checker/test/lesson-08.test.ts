import { lesson08 } from '../src/checks/08-chat.ts';
import { mutants } from '../mutants/08-chat.ts';
import { proveLesson } from './proof.ts';

proveLesson(lesson08, mutants);
