// docs/errors.md lists every error code the checker and the solutions use (docs-codes.ts finds them), and no other.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../src/lessons.ts';
import { codesInSources, codesOnPage } from './docs-codes.ts';

describe('docs/errors.md', () => {
  const page = codesOnPage(readFileSync(path.join(repoRoot, 'docs', 'errors.md'), 'utf8'));
  const sources = codesInSources(repoRoot);

  it('finds the codes it must (the scan works)', () => {
    for (const c of ['WRONG_BYTES', 'CANCELLED', 'USAGE', 'MISSING_EXPORT', 'SKIPPED', 'LINE_TOO_LONG', 'EADDRINUSE', 'ECONNREFUSED']) expect(sources.has(c), c).toBe(true);
  });

  it('lists every error code of the checker and the solutions', () => {
    const missing = [...sources].filter(([c]) => !page.has(c)).map(([c, file]) => `${c} (${file})`);
    expect(missing, 'codes the page does not explain').toEqual([]);
  });

  it('lists no code that no longer exists', () => {
    expect([...page].filter((c) => !sources.has(c)), 'codes on the page that no source defines').toEqual([]);
  });
});
