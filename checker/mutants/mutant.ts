// A mutant is a small broken copy of a lesson's solution: one realistic bug, made by exact
// text edits to one file, and the id of the check that must catch it. The checker's own tests
// apply each mutant to a copy of the solution and run that check (with its prerequisites).

export interface Mutant {
  /** Stable id: "no-error-listener". */
  id: string;
  /** The file the edits apply to, relative to the lesson folder. */
  file: 'src/server.ts' | 'src/client.ts';
  /** The bug, as a learner would make it. */
  bug: string;
  /** The id of the check that must fail on this mutant. */
  catches: string;
  /** Exact find → replace pairs; each find must occur exactly once in the solution. */
  edits: [find: string, replace: string][];
}

/** Applies a mutant's edits to source text; throws when a find string is missing or ambiguous. */
export function applyMutant(source: string, m: Mutant): string {
  let out = source;
  for (const [find, replace] of m.edits) {
    const first = out.indexOf(find);
    if (first < 0) throw new Error(`mutant ${m.id}: ${JSON.stringify(find.slice(0, 60))} is not in ${m.file}; update the mutant to the solution`);
    if (out.indexOf(find, first + 1) >= 0) throw new Error(`mutant ${m.id}: ${JSON.stringify(find.slice(0, 60))} occurs more than once in ${m.file}`);
    out = out.slice(0, first) + replace + out.slice(first + find.length);
  }
  return out;
}
