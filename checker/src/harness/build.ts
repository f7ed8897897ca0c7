// The checker runs a learner's program from a one-file build of it, made by esbuild (the same
// transformer tsx uses): a plain `node build.mjs` starts in ~70 ms where `node --import tsx` takes
// ~200 ms of CPU for its loader thread, and a lesson starts many programs. A program that does not
// compile is reported with esbuild's file:line message before anything is started.

import { build, type Message } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CheckFailure } from './errors.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Inside the repository's node_modules, so the build resolves packages as the source would. */
export const buildDir = path.resolve(here, '..', '..', '..', 'node_modules', '.cache', 'netlings', 'build');

interface Built {
  outfile: string;
  inputs: { file: string; mtimeMs: number; size: number }[];
}

const cache = new Map<string, Promise<Built>>();

function fresh(b: Built): boolean {
  return b.inputs.every((i) => {
    try {
      const s = statSync(i.file);
      return s.mtimeMs === i.mtimeMs && s.size === i.size;
    } catch {
      return false;
    }
  });
}

/** What to build: a .ts file, or generated source (a checker driver that imports a learner module). */
export type BuildInput = { file: string } | { key: string; name: string; contents: string; resolveDir: string };

/** Builds entry (a .ts file) into one ESM file and returns its path; cached while no input changed. */
export function buildProgram(entry: string): Promise<string> {
  return buildEntry({ file: entry });
}

/** Builds a file or generated source into one ESM file; cached while no input changed. */
export async function buildEntry(input: BuildInput): Promise<string> {
  const key = 'file' in input ? input.file : input.key;
  const cached = cache.get(key);
  if (cached) {
    const b = await cached.catch(() => undefined);
    if (b && fresh(b) && existsSync(b.outfile)) return b.outfile;
  }
  const p = doBuild(input);
  cache.set(key, p);
  p.catch(() => cache.delete(key));
  return (await p).outfile;
}

async function doBuild(input: BuildInput): Promise<Built> {
  const entry = 'file' in input ? input.file : input.name;
  let result;
  try {
    result = await build({
      ...('file' in input
        ? { entryPoints: [input.file] }
        : { stdin: { contents: input.contents, resolveDir: input.resolveDir, sourcefile: input.name, loader: 'ts' as const } }),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      sourcemap: 'inline',
      sourcesContent: false,
      write: false,
      metafile: true,
      logLevel: 'silent',
      outfile: path.join(buildDir, 'out.mjs'),
      // a bundled CommonJS dependency may call require(): give ESM output one
      banner: { js: "import { createRequire as __netlingsCreateRequire } from 'node:module'; const require = __netlingsCreateRequire(import.meta.url);" },
    });
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors ?? [];
    const lines = errors.slice(0, 5).map((m) => {
      const loc = m.location ? `${path.relative(process.cwd(), m.location.file) || m.location.file}:${m.location.line}:${m.location.column + 1}: ` : '';
      const src = m.location?.lineText ? `\n    ${m.location.lineText.trim()}` : '';
      return `${loc}${m.text}${src}`;
    });
    throw new CheckFailure('NOT_READY', `${path.basename(entry)} does not compile`, {
      actual: lines.join('\n') || (e as Error).message,
      hint: 'Fix the error at the place shown (the editor underlines it too), then save. `npm run typecheck` shows type errors as well.',
    });
  }
  const out = result.outputFiles?.[0];
  if (!out) throw new Error('esbuild produced no output');
  const hash = createHash('sha256').update(out.contents).digest('hex').slice(0, 16);
  const outfile = path.join(buildDir, `${path.basename(entry, '.ts')}-${hash}.mjs`);
  pruneOnce();
  if (existsSync(outfile)) {
    const now = new Date();
    utimesSync(outfile, now, now); // in use: the pruning of other runs leaves it alone
  } else {
    mkdirSync(buildDir, { recursive: true });
    const tmp = `${outfile}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(tmp, out.contents);
    renameSync(tmp, outfile); // atomic: another checker building the same program writes the same bytes
  }
  const inputs = Object.keys(result.metafile?.inputs ?? {})
    .map((rel) => path.resolve(rel))
    .filter((file) => existsSync(file)) // generated source (stdin) is part of the cache key instead
    .map((file) => {
    const s = statSync(file);
    return { file, mtimeMs: s.mtimeMs, size: s.size };
  });
  return { outfile, inputs };
}

const DAY_MS = 24 * 60 * 60 * 1000;
let pruned = false;

/** Builds are content-addressed and never rewritten; the ones no run has used for a day are removed. */
function pruneOnce(): void {
  if (pruned) return;
  pruned = true;
  let names: string[];
  try {
    names = readdirSync(buildDir);
  } catch {
    return;
  }
  const cutoff = Date.now() - DAY_MS;
  for (const name of names) {
    const file = path.join(buildDir, name);
    try {
      if (statSync(file).mtimeMs < cutoff) rmSync(file, { force: true });
    } catch {
      // another run removed it first
    }
  }
}
