// The netlings command: every learner and instructor command dispatches from here.
// Errors a user can fix are one clear line; the checker's own stack traces only with NETLINGS_DEBUG=1.

import { UsageError } from '../lessons.ts';
import { parseErrorMessage } from './args.ts';
import { wrapProse } from './screen.ts';
import { checkCommand } from './check.ts';
import { flakeCommand } from './flake.ts';
import { gradeCommand } from './grade.ts';
import { startCommand } from './start.ts';
import { diffCommand } from './diff.ts';
import { helpCommand } from './help.ts';
import { hintCommand } from './hint.ts';
import { listCommand } from './list.ts';
import { resetCommand } from './reset.ts';
import { runCommand } from './run.ts';

const commands: Record<string, (argv: string[]) => Promise<number>> = {
  check: checkCommand,
  start: startCommand,
  flake: flakeCommand,
  grade: gradeCommand,
  hint: hintCommand,
  reset: resetCommand,
  diff: diffCommand,
  run: runCommand,
  list: listCommand,
  help: helpCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [name = 'start', ...rest] = argv;
  const command = commands[name];
  if (!command) {
    console.error(`netlings: unknown command "${name}"; the commands are: ${Object.keys(commands).join(', ')} (npm run NAME -- --help for one)`);
    return 2;
  }
  // A reader that goes away (`| head`) is not an error worth a stack trace, nor a reason to change
  // the verdict: the run goes on without printing, and the exit code is still the run's
  // (`set -o pipefail` shows it). console's writes ignore the closed stream.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
    });
  }
  process.on('unhandledRejection', (e) => {
    if (process.env['NETLINGS_DEBUG']) console.error('unhandled rejection in the checker:', e);
  });
  try {
    return await command(rest);
  } catch (e) {
    const parseError = parseErrorMessage(e, name);
    if (e instanceof UsageError || parseError !== undefined) {
      console.error(fitToTerminal(`netlings ${name}: ${e instanceof UsageError ? e.message : parseError}`));
      if (e instanceof UsageError && e.usage) console.error(e.usage);
      return 2;
    }
    console.error(`netlings ${name}: the checker itself failed: ${e instanceof Error ? e.message : String(e)} (a netlings bug; NETLINGS_DEBUG=1 shows the stack)`);
    if (process.env['NETLINGS_DEBUG']) console.error(e);
    return 70;
  }
}

/** A long message wrapped at word boundaries on a terminal (a pipe gets it as one line). */
function fitToTerminal(line: string): string {
  const columns = process.stderr.isTTY ? process.stderr.columns : 0;
  return columns ? wrapProse(line, columns).join('\n') : line;
}
