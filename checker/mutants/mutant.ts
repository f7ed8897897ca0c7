// A mutant is a small broken copy of a lesson's solution: one realistic bug, and the id of the check
// that must catch it. Most are exact text edits to one file of the solution; a bug that is a whole
// other way of writing the program (readline instead of a buffer, say) is a file of its own under
// checker/mutants/NN-slug/, which replaces the solution's file. The checker's own tests apply each
// mutant to a copy of the solution and run that check (with its prerequisites).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Mutant {
  /** Stable id: "no-error-listener". */
  id: string;
  /** The file the mutant changes, relative to the lesson folder: "src/server.ts", "src/lines.ts". */
  file: string;
  /** The bug, as a learner would make it. */
  bug: string;
  /** The id of the check that must fail on this mutant. */
  catches: string;
  /** Exact find → replace pairs; each find must occur exactly once in the solution. */
  edits?: [find: string, replace: string][];
  /** Instead of edits: a whole file that replaces `file`, relative to checker/mutants/. */
  source?: string;
}

export const mutantsDir = path.dirname(fileURLToPath(import.meta.url));

/** The mutant's version of the file, from the solution's text; throws when an edit does not apply. */
export function applyMutant(source: string, m: Mutant): string {
  if (m.source !== undefined) {
    if (m.edits?.length) throw new Error(`mutant ${m.id}: give edits or a source file, not both`);
    return readFileSync(path.join(mutantsDir, m.source), 'utf8');
  }
  if (!m.edits?.length) throw new Error(`mutant ${m.id}: no edits and no source file`);
  let out = source;
  for (const [find, replace] of m.edits) {
    const first = out.indexOf(find);
    if (first < 0) throw new Error(`mutant ${m.id}: ${JSON.stringify(find.slice(0, 60))} is not in ${m.file}; update the mutant to the solution`);
    if (out.indexOf(find, first + 1) >= 0) throw new Error(`mutant ${m.id}: ${JSON.stringify(find.slice(0, 60))} occurs more than once in ${m.file}`);
    out = out.slice(0, first) + replace + out.slice(first + find.length);
  }
  return out;
}
