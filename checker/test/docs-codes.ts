// The error codes of the checker and the solutions, for docs-errors.test.ts. The scan is
// by pattern, so a new lesson's codes show up without this file knowing about them:
// - error classes: `readonly code = 'X'` (also as a constructor parameter), anywhere in checker/src and solutions/*/src;
// - union types of codes: `type FailureCode = | 'A' | 'B'`, `type FrameErrorCode = 'A' | 'B'`;
// - the codes a failure or result is given: new CheckFailure('X', ...), new HarnessError('X', ...), code: 'X', e.code = 'X';
// - in the solutions, the system error codes they name: err.code === 'EADDRINUSE', and the keys of their reason tables (ECONNREFUSED: '...').

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e.name === 'node_modules') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

const CODE = `([A-Z][A-Z0-9_]+)`;

/** Every code the sources define or give, with the first file that has it. */
export function codesInSources(root: string): Map<string, string> {
  const found = new Map<string, string>();
  const add = (code: string | undefined, file: string): void => {
    if (code && !found.has(code)) found.set(code, path.relative(root, file));
  };
  const solutions = readdirSync(path.join(root, 'solutions'), { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^\d{2}-/.test(e.name))
    .map((e) => path.join(root, 'solutions', e.name, 'src'));
  const everywhere = [path.join(root, 'checker', 'src'), ...solutions];
  for (const dir of everywhere) {
    for (const file of tsFiles(dir)) {
      const src = readFileSync(file, 'utf8');
      for (const m of src.matchAll(new RegExp(`readonly code\\s*(?::\\s*[\\w.]+\\s*)?=\\s*'${CODE}'`, 'g'))) add(m[1], file);
      for (const m of src.matchAll(/\btype\s+\w*Code\s*=([^;]*);/g)) for (const c of (m[1] ?? '').matchAll(new RegExp(`'${CODE}'`, 'g'))) add(c[1], file);
      for (const m of src.matchAll(new RegExp(`new\\s+(?:CheckFailure|HarnessError)\\(\\s*'${CODE}'`, 'g'))) add(m[1], file);
      for (const m of src.matchAll(new RegExp(`\\bcode\\s*:\\s*'${CODE}'`, 'g'))) add(m[1], file);
      for (const m of src.matchAll(new RegExp(`\\.code\\s*=\\s*'${CODE}'`, 'g'))) add(m[1], file);
    }
  }
  for (const dir of solutions) {
    for (const file of tsFiles(dir)) {
      const src = readFileSync(file, 'utf8');
      for (const m of src.matchAll(/\.code\s*[!=]==\s*'(E[A-Z0-9]+)'/g)) add(m[1], file);
      for (const m of src.matchAll(/^\s*'?(E[A-Z0-9]{3,})'?\s*:\s*['"`]/gm)) add(m[1], file);
    }
  }
  return found;
}

/** The codes docs/errors.md lists: a table row whose first cell is `CODE`. */
export function codesOnPage(text: string): Set<string> {
  return new Set([...text.matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|/gm)].map((m) => m[1] ?? ''));
}

