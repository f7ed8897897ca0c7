// Reading Markdown the way GitHub renders it, for the docs tests: links, headings and their anchors,
// and the structure two translations of one page must share.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const SKIP = new Set(['node_modules', '.git', '.turbo', '.netlings', 'dist', 'coverage']);

/** Every Markdown file under root, as paths relative to it with '/' separators. */
export function markdownFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      if (SKIP.has(e.name)) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (e.isFile() && e.name.endsWith('.md')) out.push(r);
    }
  };
  walk('');
  return out.sort();
}

/** The text with fenced code blocks blanked out (line numbers kept), and the blocks themselves. */
export function splitFences(text: string): { prose: string; fences: string[] } {
  const lines = text.split('\n');
  const fences: string[] = [];
  let open: { marker: string; lines: string[] } | undefined;
  const prose = lines.map((line) => {
    const m = /^\s*(`{3,}|~{3,})/.exec(line);
    if (open) {
      if (m && m[1]?.[0] === open.marker[0] && (m[1]?.length ?? 0) >= open.marker.length && line.trim() === m[1]) {
        fences.push(open.lines.join('\n'));
        open = undefined;
      } else open.lines.push(line);
      return '';
    }
    if (m) {
      open = { marker: m[1] ?? '```', lines: [line.trim()] };
      return '';
    }
    return line;
  });
  if (open) fences.push(open.lines.join('\n'));
  return { prose: prose.join('\n'), fences };
}

/** The prose without inline code spans (their text can look like links). */
function withoutCodeSpans(prose: string): string {
  return prose.replace(/(`+)[\s\S]*?\1/g, (s) => s.replace(/[^\n]/g, ' '));
}

/** The inline code spans of the prose. */
export function codeSpans(prose: string): string[] {
  return [...prose.matchAll(/(`+)([^`][\s\S]*?)\1/g)].map((m) => (m[2] ?? '').trim());
}

/** Links in the prose: [text](target) and <a href="target">, with their line numbers. */
export function links(text: string): Array<{ target: string; line: number }> {
  const prose = withoutCodeSpans(splitFences(text).prose);
  const out: Array<{ target: string; line: number }> = [];
  prose.split('\n').forEach((l, i) => {
    for (const m of l.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) out.push({ target: m[1] ?? '', line: i + 1 });
    for (const m of l.matchAll(/<a\s[^>]*href="([^"]+)"/g)) out.push({ target: m[1] ?? '', line: i + 1 });
  });
  return out;
}

/** GitHub's anchor for a heading's text: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images: their text
    .replace(/<[^>]+>/g, '') // inline HTML
    .replace(/`/g, '')
    .replace(/\*/g, '')
    .trim();
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

/** The headings of the prose: level and text. */
export function headings(text: string): Array<{ level: number; text: string }> {
  return splitFences(text)
    .prose.split('\n')
    .map((l) => /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ level: m[1]?.length ?? 0, text: m[2] ?? '' }));
}

/** Every anchor a page has: its headings' slugs (repeats get -1, -2, ...) and explicit id/name attributes. */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const h of headings(text)) {
    const base = slug(h.text);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of text.matchAll(/<a\s[^>]*(?:id|name)="([^"]+)"/g)) out.add(m[1] ?? '');
  return out;
}

/** What a relative link points to: the file (or folder) and the anchor; undefined for an external link. */
export function resolveLink(root: string, from: string, target: string): { file: string; anchor: string | undefined } | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // http:, https:, mailto:
  const [p = '', anchor] = target.split('#', 2) as [string, string | undefined];
  const file = p === '' ? from : path.posix.normalize(path.posix.join(path.posix.dirname(from), decodeURI(p)));
  return { file, anchor: anchor === undefined ? undefined : decodeURIComponent(anchor) };
}

export function isDir(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}

export function read(root: string, rel: string): string {
  return readFileSync(path.join(root, rel), 'utf8');
}

/**
 * What two language versions of one page must share: the fenced code blocks (byte for byte), the
 * inline wire literals (code spans with \n, \r or \0 in them), the headings' levels in order, the
 * ordered lists' numbers, and per ## section the number of list items and table rows.
 */
export function structure(text: string): {
  fences: string[];
  wire: string[];
  levels: number[];
  ordered: string[];
  sections: Array<{ bullets: number; rows: number }>;
} {
  const { prose, fences } = splitFences(text);
  const wire = [...new Set(codeSpans(prose).filter((s) => /\\[nr0]/.test(s)))].sort();
  const sections: Array<{ bullets: number; rows: number }> = [{ bullets: 0, rows: 0 }];
  const ordered: string[] = [];
  for (const line of prose.split('\n')) {
    if (/^##\s/.test(line)) sections.push({ bullets: 0, rows: 0 });
    const cur = sections[sections.length - 1] as { bullets: number; rows: number };
    if (/^\s*[-*]\s/.test(line)) cur.bullets++;
    if (/^\|/.test(line)) cur.rows++;
    const o = /^\s*(\d+)\.\s/.exec(line);
    if (o) ordered.push(o[1] ?? '');
  }
  return { fences, wire, levels: headings(text).map((h) => h.level), ordered, sections };
}
