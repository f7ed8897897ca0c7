// Debian's chromium, headless, driven from its command line (no driver package): --dump-dom prints
// the DOM once the page has loaded and its scripts ran, --screenshot writes a PNG. Each run gets a
// profile of its own and is killed (its process group) if it outlives its deadline.

import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The chromium to use: NETLINGS_CHROMIUM, else chromium on PATH; undefined when there is none. */
export function findChromium(): string | undefined {
  const candidates = process.env['NETLINGS_CHROMIUM'] ? [process.env['NETLINGS_CHROMIUM']] : (process.env['PATH'] ?? '').split(path.delimiter).map((d) => path.join(d, 'chromium'));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not there
    }
  }
  return undefined;
}

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--hide-scrollbars'];

/** Runs chromium on a URL with extra flags; resolves with its stdout. */
export function chromium(exe: string, url: string, extra: string[], deadlineMs = 45_000): Promise<string> {
  const profile = mkdtempSync(path.join(tmpdir(), 'netlings-chromium-'));
  return new Promise<string>((resolve, reject) => {
    const child = spawn(exe, [...FLAGS, `--user-data-dir=${profile}`, ...extra, url], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err = (err + s).slice(-4000)));
    const timer = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
      reject(new Error(`chromium did not finish within ${deadlineMs} ms on ${url}\n${err}`));
    }, deadlineMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      rmSync(profile, { recursive: true, force: true });
      if (code === 0) resolve(out);
      else reject(new Error(`chromium exited with ${code} on ${url}\n${err}`));
    });
  });
}

/** The DOM after load and scripts (--dump-dom). */
export function dumpDom(exe: string, file: string): Promise<string> {
  return chromium(exe, `file://${file}`, ['--dump-dom', '--virtual-time-budget=3000', '--window-size=1366,900']);
}

/** A PNG of the page at 1366×height. */
export async function screenshot(exe: string, file: string, png: string, height = 900): Promise<void> {
  await chromium(exe, `file://${file}`, [`--screenshot=${png}`, `--window-size=1366,${height}`]);
}
