// The replay commands printed with a seeded failure and by --explore name the tree that was checked
// in a form that works from the repo: nothing for lessons/, a relative path inside, an absolute one outside.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lessonsDir, repoRoot } from '../src/lessons.ts';
import { drawsCommand, rootArg, seedCommand } from '../src/replay.ts';

describe('replay commands', () => {
  it('name the checked tree: nothing for lessons/, relative inside the repo, absolute outside it', () => {
    expect(rootArg(lessonsDir, repoRoot)).toBe('');
    expect(rootArg(path.join(repoRoot, 'solutions'), repoRoot)).toBe(' --root solutions');
    expect(rootArg('/tmp/class/ada', repoRoot)).toBe(' --root /tmp/class/ada');
  });

  it('replay a seed, or a finding’s draws (none at all is the simplest case)', () => {
    expect(seedCommand('04-sticky-packets', 'multibyte-split', 12, ' --root solutions')).toBe('npm run check -- 04 --root solutions --only multibyte-split --seed 12');
    expect(drawsCommand('09-udp', 'client-resends', '1,0,3')).toBe('npm run check -- 09 --only client-resends --replay 1,0,3');
    expect(drawsCommand('09-udp', 'client-resends', '')).toBe('npm run check -- 09 --only client-resends --replay ""');
  });
});
