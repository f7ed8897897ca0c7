// Trees to prove the checker on: a lesson's solution copied into a temporary root, with one mutant
// applied (a broken copy) or one variant's files laid over it (another correct style). Used by the
// checker's own tests (test/proof.ts) and by `npm run flake -- --mutants`.

import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LessonChecks } from './harness/check.ts';
import { repoRoot, solutionsDir } from './lessons.ts';
import { applyMutant, type Mutant } from '../mutants/mutant.ts';

export type { Mutant } from '../mutants/mutant.ts';

export const variantsDir = path.join(repoRoot, 'checker', 'variants');
export const mutantsDir = path.join(repoRoot, 'checker', 'mutants');

/** The check and every check it needs, transitively. */
export function withNeeds(lesson: LessonChecks, id: string): string[] {
  const out = new Set<string>();
  const visit = (x: string) => {
    if (out.has(x)) return;
    const c = lesson.checks.find((k) => k.id === x);
    if (!c) throw new Error(`no check "${x}" in ${lesson.lesson}`);
    out.add(x);
    for (const n of c.needs ?? []) visit(n);
  };
  visit(id);
  return [...out];
}

/** Copies of lesson folders leave out installed packages and turbo's logs. */
export const copyFilter = (src: string): boolean => !src.split(path.sep).some((part) => part === 'node_modules' || part === '.turbo');

/** A root holding the lesson's solution, its files overlaid with those of `overlay` (a folder shaped like the lesson). */
export function solutionWith(lesson: string, root: string, overlay?: string): string {
  const dir = path.join(root, lesson);
  cpSync(path.join(solutionsDir, lesson), dir, { recursive: true, filter: copyFilter });
  if (overlay) cpSync(overlay, dir, { recursive: true, filter: copyFilter });
  return root;
}

/** A root holding the lesson's solution with the mutant applied. */
export function mutantRoot(lesson: string, m: Mutant, root: string): string {
  solutionWith(lesson, root);
  const file = path.join(root, lesson, m.file);
  writeFileSync(file, applyMutant(existsSync(file) ? readFileSync(file, 'utf8') : '', m));
  return root;
}

/** The variants of a lesson: checker/variants/NN-slug/NAME/, each shaped like the lesson folder (src/...). */
export function variantsOf(lesson: string): string[] {
  const dir = path.join(variantsDir, lesson);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** The mutants of a lesson (checker/mutants/NN-slug.ts), or none. */
export async function mutantsOf(lesson: string): Promise<Mutant[]> {
  const file = path.join(mutantsDir, `${lesson}.ts`);
  if (!existsSync(file)) return [];
  const mod = (await import(pathToFileURL(file).href)) as { mutants?: Mutant[] };
  return mod.mutants ?? [];
}
