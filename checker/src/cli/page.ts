// npm start's v key: the current lesson's last results as a web page (html/), in the repository's
// .netlings/ folder, opened in the desktop's browser where there is one — never waited for.

import { spawn } from 'node:child_process';
import path from 'node:path';
import { writeHtmlReport } from '../html/index.ts';
import type { CheckResult } from '../runner.ts';

/** Where the page of a lesson goes: beside the progress file (.netlings/, ignored by git). */
export function pageFile(stateFile: string, lesson: string): string {
  return path.join(path.dirname(stateFile), 'pages', `${lesson}.html`);
}

export function writeLessonPage(stateFile: string, lesson: string, results: CheckResult[], when: string): string {
  const file = pageFile(stateFile, lesson);
  writeHtmlReport(results, { title: `netlings: ${lesson}`, subtitle: `your lessons/${lesson}, ${when}`, file });
  return file;
}

/**
 * The command that opens a file in the desktop's browser: open on macOS, xdg-open where a graphical
 * session is (DISPLAY or WAYLAND_DISPLAY); none on a bare terminal (ssh, a container).
 */
export function opener(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform === 'darwin') return 'open';
  if (platform === 'win32') return undefined;
  return env['DISPLAY'] || env['WAYLAND_DISPLAY'] ? 'xdg-open' : undefined;
}

/** Starts the opener on the file without waiting for it; false when there is none or it cannot start. */
export function openInBrowser(file: string, command = opener()): boolean {
  if (!command) return false;
  try {
    const child = spawn(command, [file], { detached: true, stdio: 'ignore' });
    child.on('error', () => {}); // no xdg-open installed: the path is printed anyway
    child.unref();
    return true;
  } catch {
    return false;
  }
}
