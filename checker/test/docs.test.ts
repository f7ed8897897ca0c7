// The documentation as a reader meets it: every relative link and anchor in every Markdown file
// resolves (GitHub's anchor rules, Chinese headings too), every page is reachable from the README,
// and each Chinese page matches its English one in everything fixed.

import { existsSync, readdirSync, readFileSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../src/lessons.ts';
import { anchors, isDir, links, markdownFiles, read, resolveLink, slug, structure } from './docs-markdown.ts';

const files = markdownFiles(repoRoot);
const lessonFolders = readdirSync(path.join(repoRoot, 'lessons'), { withFileTypes: true })
  .filter((e) => e.isDirectory() && /^\d{2}-/.test(e.name))
  .map((e) => e.name)
  .sort();

describe('GitHub anchors', () => {
  it('are made as GitHub makes them, for English and Chinese headings', () => {
    expect(slug('TIME_WAIT and SO_REUSEADDR')).toBe('time_wait-and-so_reuseaddr');
    expect(slug("One `'data'` is not one message")).toBe('one-data-is-not-one-message');
    expect(slug('01 · Basic socket: greet, answer, hang up')).toBe('01--basic-socket-greet-answer-hang-up');
    expect(slug('Running commands (lesson 03)')).toBe('running-commands-lesson-03');
    expect(slug('半关闭与重置（RST）')).toBe('半关闭与重置rst');
    expect(slug('从 `bind`、`listen` 到 createServer')).toBe('从-bindlisten-到-createserver');
    expect(slug('Decisions this lesson makes where [the course\'s contract](../../docs/course.md) is silent')).toBe('decisions-this-lesson-makes-where-the-courses-contract-is-silent');
  });
});

describe('links', () => {
  it.each(files)('every relative link and anchor in %s resolves', (file) => {
    const broken: string[] = [];
    for (const { target, line } of links(read(repoRoot, file))) {
      const to = resolveLink(repoRoot, file, target);
      if (!to) continue;
      const abs = path.join(repoRoot, to.file);
      if (!existsSync(abs)) {
        broken.push(`line ${line}: ${target} (no such file)`);
        continue;
      }
      if (to.anchor !== undefined) {
        if (isDir(abs) || !to.file.endsWith('.md')) {
          broken.push(`line ${line}: ${target} (an anchor into something that is not a Markdown page)`);
          continue;
        }
        if (!anchors(read(repoRoot, to.file)).has(to.anchor)) broken.push(`line ${line}: ${target} (no heading with that anchor)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('every page of docs/ and every lesson README is reachable from README.md', () => {
    const seen = new Set<string>(['README.md']);
    const queue = ['README.md'];
    while (queue.length) {
      const file = queue.shift() as string;
      for (const { target } of links(read(repoRoot, file))) {
        const to = resolveLink(repoRoot, file, target);
        if (!to) continue;
        let next = to.file;
        if (isDir(path.join(repoRoot, next))) next = path.posix.join(next, 'README.md');
        if (!next.endsWith('.md') || seen.has(next) || !existsSync(path.join(repoRoot, next))) continue;
        seen.add(next);
        queue.push(next);
      }
    }
    const wanted = files.filter((f) => f.startsWith('docs/') || /^lessons\/[^/]+\/README(\.[\w-]+)?\.md$/.test(f));
    expect(wanted.filter((f) => !seen.has(f))).toEqual([]);
  });
});

/** Pairs of an English page and its Chinese translation that must exist. */
const pairs: Array<[string, string]> = [
  ...lessonFolders.map((l): [string, string] => [`lessons/${l}/README.md`, `lessons/${l}/README.zh-CN.md`]),
  ['docs/README.md', 'docs/zh-CN/README.md'],
  ['docs/concepts.md', 'docs/zh-CN/concepts.md'],
  ['docs/python-to-node.md', 'docs/zh-CN/python-to-node.md'],
  // Any other page translated under docs/zh-CN/ is held to its English one too.
  ...files
    .filter((f) => f.startsWith('docs/zh-CN/'))
    .map((f): [string, string] => [`docs/${f.slice('docs/zh-CN/'.length)}`, f])
    .filter(([en]) => !['docs/README.md', 'docs/concepts.md', 'docs/python-to-node.md'].includes(en)),
];

describe('Chinese pages', () => {
  it.each(pairs)('%s and %s agree on everything fixed', (en, zh) => {
    expect(existsSync(path.join(repoRoot, en)), `${en} exists`).toBe(true);
    expect(existsSync(path.join(repoRoot, zh)), `${zh} is missing: translate ${en}`).toBe(true);
    const a = structure(read(repoRoot, en));
    const b = structure(read(repoRoot, zh));
    expect(b.fences, 'the fenced code blocks (wire examples, code), byte for byte').toEqual(a.fences);
    expect(b.wire, 'the inline wire literals (code spans with \\n, \\r, \\0)').toEqual(a.wire);
    expect(b.levels, 'the headings, level by level').toEqual(a.levels);
    expect(b.ordered, 'the numbered lists (the checks the checker runs, the steps)').toEqual(a.ordered);
    expect(b.sections, 'per ## section: list items (the decisions) and table rows').toEqual(a.sections);
  });

  // rustlings' layout: `diff -r lessons/NN solutions/NN` shows only the answer. The same files, and
  // outside src/ (the READMEs in both languages, the manifest, package.json) the same bytes.
  it.each(lessonFolders.filter((l) => existsSync(path.join(repoRoot, 'solutions', l))))('solutions/%s has the same files as lessons/, the same outside src/', (l) => {
    const files = (root: string) => (readdirSync(root, { recursive: true, withFileTypes: true }) as Dirent[]).filter((e) => e.isFile() && !/(^|\/)(node_modules|\.turbo)(\/|$)/.test(path.relative(root, e.parentPath))).map((e) => path.relative(root, path.join(e.parentPath, e.name))).sort();
    const mine = path.join(repoRoot, 'lessons', l);
    const copy = path.join(repoRoot, 'solutions', l);
    expect(files(copy)).toEqual(files(mine));
    for (const f of files(mine).filter((f) => !f.startsWith(`src${path.sep}`))) {
      expect(readFileSync(path.join(copy, f), 'utf8'), `solutions/${l}/${f} differs from lessons/${l}/${f}: copy it over`).toBe(readFileSync(path.join(mine, f), 'utf8'));
    }
  });

  it.each(lessonFolders)('lessons/%s/README.md links to its Chinese version at the top', (l) => {
    const head = read(repoRoot, `lessons/${l}/README.md`).split('\n').slice(0, 5).join('\n');
    expect(head).toContain('README.zh-CN.md');
  });
});
