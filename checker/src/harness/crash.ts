// What a crashed program's stderr says, in one line, and what to try: a missing package, a syntax
// error, a port in use. Used in every message that says a program exited.

import type { OutputLog } from './output.ts';

const ERROR_LINE = /^(?:(?:Uncaught )?[A-Z][A-Za-z]*(?:Error|Exception)\b.*|Error(?: \[[A-Z_]+\])?: .*|node:internal\S* .*Error.*)$/;

/** The line naming the error a program died of ("Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'chalk' ..."), if any. */
export function crashLine(err: OutputLog): string | undefined {
  const line = err.lines.find((l) => ERROR_LINE.test(l.trim()));
  if (!line) return undefined;
  const t = line.trim();
  return t.length > 240 ? `${t.slice(0, 240)} …` : t;
}

/** A hint that fits the error the program died of, or undefined when it names nothing we know. */
export function crashHint(program: { err: OutputLog; label: string; file: string }): string | undefined {
  const line = crashLine(program.err) ?? '';
  const pkg = /Cannot find (?:package|module) '([^']+)'/.exec(line)?.[1];
  if (pkg && !pkg.startsWith('.') && !pkg.startsWith('/')) {
    return `It imports the package "${pkg}", which is not installed. The lessons need nothing but Node's built-in modules (node:net, node:readline, ...): remove the import, or install the package in the repository's root (npm install ${pkg}) and add it to the lesson's package.json.`;
  }
  if (pkg) return `It imports ${pkg}, which does not exist. Check the path and the file name (imports of .ts files name them with the .ts ending).`;
  if (/EADDRINUSE/.test(line)) return 'Its port is already in use: another copy of it may still run. Listen for the server\'s \'error\' event to say so in one line.';
  if (/SyntaxError/.test(line)) return 'A syntax error: fix the line shown, then save.';
  if (line) return `It died of an error thrown at start-up or in a callback: ${line}. Run it by hand to see where.`;
  return undefined;
}
