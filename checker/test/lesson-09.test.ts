import { lesson09 } from '../src/checks/09-udp.ts';
import { mutants } from '../mutants/09-udp.ts';
import { proveLesson } from './proof.ts';

proveLesson(lesson09, mutants);
