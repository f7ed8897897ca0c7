// The command line loads the checker from a cached esbuild bundle (checker/bin/bundle.mjs). Each
// case runs the loader in a process of its own, as `npm run check` does, on a probe module in a
// temporary folder, and removes the probe's bundle from the cache afterwards.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../src/lessons.ts';

const temp = mkdtempSync(path.join(tmpdir(), 'netlings-bundle-'));
const name = `bundle-probe-${process.pid}`;
const cache = path.join(repoRoot, 'node_modules', '.cache', 'netlings', 'cli');
afterAll(() => {
  rmSync(temp, { recursive: true, force: true });
  for (const f of readdirSync(cache)) if (f.startsWith(`${name}-`)) rmSync(path.join(cache, f), { force: true });
});

const entry = path.join(temp, `${name}.ts`);
const helper = path.join(temp, 'helper.ts');
const loader = pathToFileURL(path.join(repoRoot, 'checker', 'bin', 'bundle.mjs')).href;

/** What the probe's `report()` returns, loaded the way the command line loads the checker. */
function load(env: Record<string, string> = {}): { own: string; helper: string; text: string; value: number; bundled: boolean } {
  const script = `const m = await (await import(${JSON.stringify(loader)})).loadModule(${JSON.stringify(entry)}); console.log(JSON.stringify(m.report()));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot, env: { ...process.env, ...env }, encoding: 'utf8' });
  return JSON.parse(out) as ReturnType<typeof load>;
}

function writeProbe(value: number): void {
  writeFileSync(path.join(temp, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(helper, 'export const helperUrl: string = import.meta.url;\n');
  writeFileSync(
    entry,
    `import { helperUrl } from './helper.ts';
const value: number = ${value};
export function report() {
  return { own: import.meta.url, helper: helperUrl, text: 'const r = createRequire(import.meta.url);', value, bundled: (new Error().stack ?? '').includes('/node_modules/.cache/netlings/cli/') };
}
`,
  );
}

describe('the cached bundle of the checker', () => {
  it("gives each module its own source file's import.meta.url and leaves the words in strings alone", () => {
    writeProbe(1);
    const r = load();
    expect(r.own).toBe(pathToFileURL(entry).href);
    expect(r.helper).toBe(pathToFileURL(helper).href);
    expect(r.text).toBe('const r = createRequire(import.meta.url);');
    expect(r.bundled, 'the code ran from the bundle, not from the source').toBe(true);
  });

  it('is rebuilt when a source file changes', () => {
    writeProbe(1);
    expect(load().value).toBe(1);
    writeProbe(22);
    // a change within the same clock tick with the same size is still a change of size here
    utimesSync(entry, new Date(), new Date(Date.now() + 5_000));
    expect(load().value).toBe(22);
  });

  it('loads the sources through tsx when NETLINGS_TSX is set', () => {
    writeProbe(3);
    const r = load({ NETLINGS_TSX: '1' });
    expect(r.value).toBe(3);
    expect(r.own).toBe(pathToFileURL(entry).href);
    expect(r.bundled).toBe(false);
  });
});
