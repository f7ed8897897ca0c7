// Loads the checker's TypeScript sources for a command as one ESM file built by esbuild (the same
// transformer tsx uses) and cached under node_modules/.cache: a command starts in ~0.2 s this way
// where loading ~130 source files through tsx's loader thread takes ~0.7 s of CPU, and the learner
// pays it on every `npm run check`. The bundle is rebuilt (~0.3 s) when any of its inputs changed
// (mtime or size), written to a temporary name and renamed, so two commands starting at once each
// see a whole file. Anything that goes wrong here falls back to tsx, so a broken cache can only cost
// time; NETLINGS_TSX=1 always uses tsx.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const cacheDir = path.resolve(here, '..', '..', 'node_modules', '.cache', 'netlings', 'cli');
/** Changes whenever the recipe below does, so an older build is never taken for a fresh one. */
const RECIPE = 1;

function fresh(metaFile, outfile) {
  try {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
    if (meta.recipe !== RECIPE || meta.node !== process.version) return false;
    statSync(outfile);
    return meta.inputs.every((i) => {
      const s = statSync(i.file);
      return s.mtimeMs === i.mtimeMs && s.size === i.size;
    });
  } catch {
    return false;
  }
}

async function rebuild(entry, outfile, metaFile) {
  const { build } = await import('esbuild');
  const { readFile } = await import('node:fs/promises');
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    write: false,
    metafile: true,
    sourcemap: 'external',
    sourcesContent: false,
    logLevel: 'silent',
    // Every module's import.meta.url stays its own source file's (the checker finds its drivers and
    // the repository from it); a define works on the syntax tree, so strings are left alone.
    define: { 'import.meta.url': '__netlingsMetaUrl' },
    plugins: [
      {
        name: 'own-import-meta-url',
        setup(b) {
          b.onLoad({ filter: /\.ts$/ }, async (a) => ({
            contents: `const __netlingsMetaUrl = ${JSON.stringify(pathToFileURL(a.path).href)};\n${await readFile(a.path, 'utf8')}`,
            loader: 'ts',
          }));
        },
      },
    ],
  });
  mkdirSync(cacheDir, { recursive: true });
  const inputs = Object.keys(result.metafile.inputs).map((rel) => {
    const file = path.resolve(rel);
    const s = statSync(file);
    return { file, mtimeMs: s.mtimeMs, size: s.size };
  });
  const tmp = `.${process.pid}.tmp`;
  for (const f of result.outputFiles) {
    writeFileSync(f.path + tmp, f.contents);
    renameSync(f.path + tmp, f.path);
  }
  writeFileSync(metaFile + tmp, JSON.stringify({ recipe: RECIPE, node: process.version, inputs }));
  renameSync(metaFile + tmp, metaFile);
}

/** The module at `entry` (a .ts file under checker/src), from its bundle, or through tsx. */
export async function loadModule(entry) {
  if (!process.env['NETLINGS_TSX']) {
    // Named by the entry's own path too: a checkout whose node_modules is another's (a symlink) must
    // never load the other checkout's bundle, whose inputs are all unchanged.
    const name = `${path.basename(entry, '.ts')}-${createHash('sha256').update(path.resolve(entry)).digest('hex').slice(0, 12)}`;
    const outfile = path.join(cacheDir, `${name}.mjs`);
    const metaFile = path.join(cacheDir, `${name}.json`);
    try {
      if (!fresh(metaFile, outfile)) await rebuild(entry, outfile, metaFile);
      // the map is read only when asked for, so a plain run does not pay for it
      if (process.env['NETLINGS_DEBUG']) process.setSourceMapsEnabled(true);
      return await import(pathToFileURL(outfile).href);
    } catch (e) {
      if (process.env['NETLINGS_DEBUG']) console.error('netlings: the bundled checker could not be loaded, using tsx:', e);
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(entry).href);
}
