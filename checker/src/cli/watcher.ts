// Watching a lesson's folder for saves of its source files. Editors and tools write swap, backup
// and temporary files beside the real one (vim's .swp and 4913, emacs's #x#, JetBrains'
// ___jb_tmp___, sed -i's sedXXXXXX, atomic-write temp names): those never count, only the files
// isSourceFile names. Each folder gets a watcher of its own (recursive fs.watch is not on every
// platform Node 20 supports), and a folder created later gets one too.

import { watch as fsWatch, readdirSync, rmSync, statSync, writeFileSync, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { ignoredName, isSourceFile, PROBE_PREFIX } from './files.ts';

/** How long the start-up probe waits for the event of a file it wrote itself. */
const PROBE_MS = Number(process.env['NETLINGS_WATCH_PROBE_MS'] ?? '1500');

/**
 * Writes a probe file into dir and waits (bounded) for its event. Network and WSL file systems are
 * known to deliver none; then watching would be silent forever, so the caller switches to manual mode.
 */
export function probeWatching(dir: string, ms = PROBE_MS, watchDir: typeof fsWatch = fsWatch): Promise<boolean> {
  return new Promise((resolve) => {
    const name = `${PROBE_PREFIX}-${process.pid}`;
    const file = path.join(dir, name);
    let watcher: FSWatcher | undefined;
    let done = false;
    const finish = (ok: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      watcher?.close();
      rmSync(file, { force: true });
      process.off('exit', removeProbe);
      resolve(ok);
    };
    const removeProbe = (): void => rmSync(file, { force: true });
    const timer = setTimeout(() => finish(false), ms);
    try {
      watcher = watchDir(dir, (_event, f) => {
        if (!f || f.toString() === name) finish(true);
      });
      watcher.on('error', () => finish(false));
      process.on('exit', removeProbe);
      writeFileSync(file, 'netlings checks that file watching works here; this file is removed at once\n');
    } catch {
      finish(false);
    }
  });
}

function isFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Calls onSave(rel) for every event on a source file of the lesson folder (rel with '/' separators). */
export class LessonWatcher {
  private watchers: FSWatcher[] = [];
  /** The watched folders, relative to the lesson ('' is the lesson itself). */
  private folders = new Set<string>();

  constructor(
    private readonly dir: string,
    private readonly onSave: (rel: string) => void,
    private readonly watchDir: typeof fsWatch = fsWatch,
  ) {}

  start(): void {
    this.close();
    const walk = (rel: string): void => {
      this.folders.add(rel);
      try {
        for (const e of readdirSync(path.join(this.dir, rel), { withFileTypes: true })) {
          if (e.isDirectory() && !ignoredName(e.name) && !e.name.startsWith('.')) walk(rel ? `${rel}/${e.name}` : e.name);
        }
      } catch {
        // gone
      }
    };
    walk('');
    for (const rel of this.folders) {
      try {
        const w = this.watchDir(path.join(this.dir, rel), (_event, name) => this.onEvent(rel, name?.toString()));
        w.on('error', () => w.close());
        this.watchers.push(w);
      } catch {
        // a folder that vanished: its parent's watcher sees it come back
      }
    }
  }

  close(): void {
    for (const w of this.watchers) w.close();
    this.watchers = [];
    this.folders = new Set();
  }

  private onEvent(folder: string, name: string | undefined): void {
    if (name === undefined) return this.onSave(folder ? `${folder}/` : 'a file'); // the platform did not say which
    const rel = folder ? `${folder}/${name}` : name;
    // A folder created, removed or renamed: watch the new tree; what it holds may be sources.
    if (this.folders.has(rel) || (isFolder(path.join(this.dir, rel)) && !ignoredName(name) && !name.startsWith('.'))) {
      this.start();
      if (rel === 'src' || rel.startsWith('src/')) this.onSave(`${rel}/`);
      return;
    }
    if (isSourceFile(rel)) this.onSave(rel);
  }
}
