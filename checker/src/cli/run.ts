// `npm run run -- LESSON server|client [ARGS...]`: the learner's program by hand, with tsx, on the
// lesson's own port (9000 + the lesson's number) unless ARGS name another.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { findLesson, UsageError } from '../lessons.ts';
import { defaultEnv, lessonNumber, type ProgressEnv } from '../progress.ts';

export const runHelp = `usage: npm run run -- LESSON server|client [ARGS...]

Starts your lessons/NN-slug/src/server.ts or client.ts with tsx, as
  node --import tsx lessons/NN-slug/src/ROLE.ts --port 9000+NN ARGS...
so a server and a client of the same lesson find each other on the lesson's port
(01 → 9001, 02 → 9002). ARGS go to the program as they are; a --port in them wins.
Its input and output are this terminal's; Ctrl-C stops it. Exit code: the program's.
  -h, --help   this text (only in the place of LESSON or ROLE: later ones go to the program)
Examples:
  npm run run -- 01 server
  npm run run -- 01 client hello world
  npm run run -- 02 server --port 0`;

/** The lesson's default port: 9000 + its number. */
export function lessonPort(lesson: string): number {
  return 9000 + Number(lessonNumber(lesson));
}

/** The program's arguments: the lesson's port first, unless the learner gave one. */
export function programArgs(lesson: string, userArgs: string[]): string[] {
  const hasPort = userArgs.some((a) => a === '--port' || a.startsWith('--port='));
  return hasPort ? userArgs : ['--port', String(lessonPort(lesson)), ...userArgs];
}

export async function runCommand(argv: string[], env: ProgressEnv = defaultEnv()): Promise<number> {
  const [lessonArg, role, ...rest] = argv;
  if (lessonArg === '--help' || lessonArg === '-h' || role === '--help' || role === '-h') {
    console.log(runHelp);
    return 0;
  }
  if (lessonArg === undefined) throw new UsageError('name a lesson and a program, e.g. npm run run -- 01 server (--help for more)');
  const lesson = findLesson(lessonArg).lesson;
  if (role !== 'server' && role !== 'client') throw new UsageError(`say which program: npm run run -- ${lessonNumber(lesson)} server (or client), not ${JSON.stringify(role ?? '')}`);
  const file = path.join(env.lessonsRoot, lesson, 'src', `${role}.ts`);
  if (!existsSync(file)) {
    console.error(`netlings run: ${path.relative(process.cwd(), file)} does not exist`);
    return 1;
  }
  const args = ['--import', import.meta.resolve('tsx'), file, ...programArgs(lesson, rest)];
  // npm runs scripts in the repository; the program should see the folder the learner typed in.
  const cwd = process.env['INIT_CWD'] && existsSync(process.env['INIT_CWD']) ? process.env['INIT_CWD'] : process.cwd();
  const child = spawn(process.execPath, args, { stdio: 'inherit', cwd });

  // The child is in our process group, so a Ctrl-C on the terminal reaches it directly; npm may
  // forward that same SIGINT to us a moment later. Forwarding it again would interrupt the
  // program's own shutdown, so a SIGINT from the terminal is forwarded only when it repeats
  // (the learner insists). SIGTERM and SIGHUP are meant for us alone: always forwarded.
  let lastInt = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (sig === 'SIGINT' && process.stdin.isTTY) {
      const now = Date.now();
      const repeat = lastInt !== 0 && now - lastInt > 300;
      if (lastInt === 0) lastInt = now;
      if (!repeat) return;
    }
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
  };
  const sigs = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const s of sigs) process.on(s, onSignal);

  return new Promise<number>((resolve) => {
    child.on('error', (e) => {
      console.error(`netlings run: cannot start node: ${e.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      for (const s of sigs) process.off(s, onSignal);
      if (code !== null) resolve(code);
      else resolve(128 + (signal ? osSignal(signal) : 0));
    });
  });
}

function osSignal(signal: NodeJS.Signals): number {
  const table: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15, SIGPIPE: 13, SIGSEGV: 11, SIGABRT: 6 };
  return table[signal] ?? 0;
}
