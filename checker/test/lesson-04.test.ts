import { lesson04 } from '../src/checks/04-sticky-packets.ts';
import { mutants } from '../mutants/04-sticky-packets.ts';
import { proveLesson } from './proof.ts';

proveLesson(lesson04, mutants);
