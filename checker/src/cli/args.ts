// Every command's arguments go through here, so a mistake in them reads the same everywhere: one
// line in the course's words and the command's usage, never Node's parser text.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../lessons.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandSpec<O extends Options = Options> {
  /** How the learner types it: "npm run check", "npm start". */
  command: string;
  /** The whole --help text; its first line is the usage line. */
  help: string;
  options: O;
  /** Takes positional arguments (a lesson); else an argument is a usage error. */
  positionals?: boolean;
}

/** The usage line of a help text, and where the rest is. */
export function usageOf(spec: Pick<CommandSpec, 'command' | 'help'>): string {
  const first = spec.help.split('\n')[0] ?? '';
  return `${first}\n(${spec.command} -- --help explains every option)`;
}

/** The one-line message for an error of node:util's parseArgs, in our words. */
export function parseErrorMessage(e: unknown, command: string): string | undefined {
  if (!(e instanceof Error) || !('code' in e)) return undefined;
  const quoted = /'([^']*)'/.exec(e.message)?.[1] ?? '';
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `${command} has no option ${quoted || e.message}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `${command} takes no argument like "${quoted}"`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const name = quoted.split(' ')[0] ?? quoted;
      return /missing/.test(e.message) ? `${name} needs a value after it` : `${name} takes no value`;
    }
    default:
      return typeof e.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS') ? e.message : undefined;
  }
}

export function parseCommand<O extends Options>(spec: CommandSpec<O>, argv: string[]) {
  try {
    return parseArgs({ args: argv, options: spec.options, allowPositionals: spec.positionals ?? false, strict: true });
  } catch (e) {
    const message = parseErrorMessage(e, spec.command);
    if (message === undefined) throw e;
    throw new UsageError(message, usageOf(spec));
  }
}

export const helpOption = { help: { type: 'boolean', short: 'h', default: false } } as const;
