// Lesson 05: a binary length prefix, a JSON header and a body; exec and streamed uploads.
// The checks of the frame codec (target 'module', src/frame.ts) come first, then the server and
// the client over the wire, which never need a module check: a program built another way counts.

import type { LessonChecks } from '../harness/check.ts';
import { clientChecks } from './05-struct-headers/client.ts';
import { moduleChecks } from './05-struct-headers/module.ts';
import { limitChecks } from './05-struct-headers/server-limits.ts';
import { serverChecks } from './05-struct-headers/server.ts';
import { LESSON, SERVER_SETUP } from './05-struct-headers/wire.ts';

export const lesson05: LessonChecks = { lesson: LESSON, checks: [...moduleChecks, ...serverChecks, ...limitChecks, ...clientChecks], server: SERVER_SETUP };
