// Which files of a lesson folder are the learner's work. Editors and tools write swap, backup, lock
// and temporary files beside the real ones while saving; those never count: not in a lesson's
// content hash, and not as a save in watch mode.

export const PROBE_PREFIX = '.netlings-probe';

/**
 * The names editors and tools give their swap, backup, lock and temporary files while saving, by
 * the tool that makes them. A name here is never the learner's work: it neither triggers a check
 * in watch mode nor counts in a lesson's content hash.
 */
const scratchNames: [tool: string, test: (name: string) => boolean][] = [
  ['vim: its "can I write here" probe (4913)', (n) => n === '4913'],
  ['vim: swap files (.server.ts.swp, .swo, .swx...)', (n) => /\.sw[a-px]$/.test(n)],
  ['vim, emacs, nano -B, kate: backup files (server.ts~)', (n) => n.endsWith('~')],
  ['emacs: lock and auto-save files (.#server.ts, #server.ts#)', (n) => n.startsWith('.#') || /^#.*#$/.test(n)],
  ['JetBrains IDEs: safe-write files (server.ts___jb_tmp___)', (n) => /___jb_(tmp|old|bak)___$/.test(n)],
  ['VS Code and Chromium-based editors: save files (server.ts.crswap)', (n) => n.endsWith('.crswap')],
  ['sed -i: its temp file (sedOUWdQ4)', (n) => /^sed[A-Za-z0-9]{6}$/.test(n)],
  ['nano: emergency save and lock files (server.ts.save, .server.ts.swp)', (n) => /\.save(\.\d+)?$/.test(n)],
  ['kate: swap files (.server.ts.kate-swp)', (n) => n.endsWith('.kate-swp')],
  ['gedit and GLib: atomic-write temp files (.goutputstream-XXXXXX)', (n) => n.startsWith('.goutputstream-')],
  ['atomic writers: NAME.tmp, NAME.tmp.123, NAME.123.tmp', (n) => /\.te?mp([.-]\w+)?$/i.test(n)],
  ['write-file-atomic (prettier, npm tools): NAME.<hex>', (n) => /\.(ts|mts|cts|tsx|js|mjs|cjs|json)\.[0-9a-f]{6,8}$/.test(n)],
  ['macOS and Windows folder files (.DS_Store, Thumbs.db)', (n) => n === '.DS_Store' || n === 'Thumbs.db'],
];

/** Which tool makes a scratch file of this name, or undefined when it is not one (for tests and messages). */
export function scratchTool(name: string): string | undefined {
  return scratchNames.find(([, test]) => test(name))?.[0];
}

/** Files and folders that are never the learner's work: installed packages, caches, editor scratch files, our watch probe. */
export function ignoredName(name: string): boolean {
  return name === 'node_modules' || name === '.turbo' || name === '.git' || name.startsWith(PROBE_PREFIX) || scratchTool(name) !== undefined;
}

/** The extensions of a lesson's source files: TypeScript, JavaScript, JSON. */
const SOURCE_EXT = /\.(ts|mts|cts|tsx|js|mjs|cjs|json)$/;

/**
 * True for the files whose save is worth a check in watch mode: the program's sources (anything
 * under src/ with a TypeScript, JavaScript or JSON extension) and the lesson's package.json and
 * tsconfig.json, never hidden files nor editor scratch files. `rel` is relative to the lesson
 * folder, with '/' separators.
 */
export function isSourceFile(rel: string): boolean {
  const parts = rel.split('/');
  if (parts.some((p) => p === '' || p.startsWith('.') || ignoredName(p))) return false;
  if (parts.length === 1) return rel === 'package.json' || rel === 'tsconfig.json';
  return parts[0] === 'src' && SOURCE_EXT.test(parts[parts.length - 1] ?? '');
}

