// `npm run netlings -- help` / `netlings help`: the commands in one screen.

export const helpText = `netlings: network-programming lessons, checked over real sockets.

  npm start [-- LESSON]            your progress and the current lesson; on a terminal,
                                   re-checks it on every save (n next, h hint, l list, q quit)
  npm run check -- [LESSON] [--root DIR] [--only ID] [--json]
                                   check one lesson (01, 01-basic-socket) or all of them
  npm run hint -- LESSON [--all]   the lesson's next hint
  npm run reset -- LESSON [--yes]  the lesson back to its starter (the last committed version)
  npm run diff -- LESSON [--force] yours against the solution, once the lesson has passed
  npm run run -- LESSON server|client [ARGS]   run your program by hand on the lesson's port
  npm run list                     the list of lessons and their states
  npm run grade -- SUBMISSIONS_DIR (instructors) grade a class; see docs/instructor.md
  npm run flake -- [N] [--root DIR] | --mutants [N]   (contributors) every check, or every
                                   mutant, N times, to find flaky verdicts

Each command takes --help. NO_COLOR=1 turns colours off.`;

export async function helpCommand(_argv: string[]): Promise<number> {
  console.log(helpText);
  return 0;
}
