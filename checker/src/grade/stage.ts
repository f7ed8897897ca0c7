// A submission is graded from a copy of its own, in a temporary folder: its programs cannot change
// what was handed in, and nothing outside it is reachable through it. The copy takes regular files
// and folders only. A symbolic link is copied as the file it names when that file is inside the
// submission, and refused (with a note) when it points outside; a link to a folder is never
// followed. A zip is unpacked with every entry name checked first. Both are capped in size.

import { closeSync, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ignoredName } from '../progress.ts';
import { readZip, ZipError } from './zip.ts';

export interface StageLimits {
  maxFiles: number;
  maxBytes: number;
}

export const defaultStageLimits: StageLimits = { maxFiles: 20_000, maxBytes: 64 << 20 };

export class StageError extends Error {
  override readonly name = 'StageError';
  constructor(
    readonly code: 'ZIP_ESCAPE' | 'ZIP_FORMAT' | 'ZIP_TOO_BIG' | 'ZIP_UNSUPPORTED' | 'TOO_BIG' | 'UNREADABLE',
    message: string,
  ) {
    super(message);
  }
}

export interface Staged {
  /** Notes for the results: links refused, special files left out. */
  notes: string[];
}

function inside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Copies the folder `src` into `dest` (created), as described above. */
export function stageDir(src: string, dest: string, limits: StageLimits = defaultStageLimits): Staged {
  const notes: string[] = [];
  let realTop: string;
  try {
    realTop = realpathSync(src);
  } catch (e) {
    throw new StageError('UNREADABLE', `cannot read ${src}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let files = 0;
  let bytes = 0;
  const count = (n: number, rel: string) => {
    files++;
    bytes += n;
    if (files > limits.maxFiles) throw new StageError('TOO_BIG', `the submission has more than ${limits.maxFiles} files (stopped at ${rel})`);
    if (bytes > limits.maxBytes) throw new StageError('TOO_BIG', `the submission is larger than ${limits.maxBytes >> 20} MiB (stopped at ${rel})`);
  };
  const copyFile = (from: string, to: string, rel: string) => {
    // Read at most the cap, through one descriptor: a file that grows while we read is cut, not followed.
    const fd = openSync(from, 'r');
    try {
      const size = fstatSync(fd).size;
      count(size, rel);
      const buf = Buffer.alloc(size);
      let got = 0;
      while (got < size) {
        const n = readSync(fd, buf, got, size - got, got);
        if (n === 0) break;
        got += n;
      }
      writeFileSync(to, buf.subarray(0, got));
    } finally {
      closeSync(fd);
    }
  };
  const walk = (rel: string) => {
    const from = path.join(src, rel);
    const to = path.join(dest, rel);
    mkdirSync(to, { recursive: true });
    for (const e of readdirSync(from, { withFileTypes: true })) {
      if (ignoredName(e.name) || e.name === '.git') continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      const f = path.join(from, e.name);
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) copyFile(f, path.join(to, e.name), r);
      else if (e.isSymbolicLink()) {
        let target: string;
        try {
          target = realpathSync(f);
        } catch {
          notes.push(`left out ${r}: a symbolic link to nothing`);
          continue;
        }
        if (!inside(realTop, target)) notes.push(`refused ${r}: a symbolic link to ${target}, outside the submission`);
        else if (!statSync(target).isFile()) notes.push(`left out ${r}: a symbolic link to a folder (links to folders are not followed)`);
        else copyFile(target, path.join(to, e.name), r);
      } else notes.push(`left out ${r}: not a regular file`);
    }
  };
  walk('');
  return { notes };
}

/** Unpacks the zip `src` into `dest` (created); a zip entry that escapes its folder refuses the whole zip. */
export function stageZip(src: string, dest: string, limits: StageLimits = defaultStageLimits): Staged {
  const notes: string[] = [];
  let zip: Buffer;
  try {
    const st = lstatSync(src);
    if (st.size > limits.maxBytes) throw new StageError('TOO_BIG', `the zip is larger than ${limits.maxBytes >> 20} MiB`);
    zip = readFileSync(src);
  } catch (e) {
    if (e instanceof StageError) throw e;
    throw new StageError('UNREADABLE', `cannot read ${src}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let entries;
  try {
    entries = readZip(zip, { maxBytes: limits.maxBytes, maxEntries: limits.maxFiles });
  } catch (e) {
    if (e instanceof ZipError) throw new StageError(e.code, e.message);
    throw e;
  }
  mkdirSync(dest, { recursive: true });
  for (const entry of entries) {
    const segments = entry.name.split('/').filter(Boolean);
    if (segments.some((s) => ignoredName(s) || s === '.git' || s === '__MACOSX')) continue;
    const to = path.join(dest, ...segments);
    if (!inside(dest, to)) throw new StageError('ZIP_ESCAPE', `the zip entry "${entry.name}" points outside the folder it is unpacked into`);
    if (entry.name.endsWith('/')) {
      mkdirSync(to, { recursive: true });
      continue;
    }
    if (entry.symlink) {
      notes.push(`refused ${entry.name}: a symbolic link inside the zip (links are never unpacked)`);
      continue;
    }
    mkdirSync(path.dirname(to), { recursive: true });
    try {
      writeFileSync(to, entry.data, { flag: 'wx' }); // never over something already there
    } catch (e) {
      throw new StageError('ZIP_FORMAT', `the zip has "${entry.name}" twice, or a file where a folder is (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  return { notes };
}
