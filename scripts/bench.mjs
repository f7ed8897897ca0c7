// `npm run bench -- NAME [ARGS...]`: runs the benchmark scripts/bench/NAME.mjs (default: check).
// Benchmarks measure; they are never tests. Each prints its figures side by side with its baseline.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bench');
const names = readdirSync(dir).filter((f) => f.endsWith('.mjs')).map((f) => f.slice(0, -4)).sort();
const [first, ...rest] = process.argv.slice(2);
const named = first !== undefined && !first.startsWith('-');
const name = named ? first : 'check';
if (first === '--help' || first === '-h' || !existsSync(path.join(dir, `${name}.mjs`))) {
  const bad = first === '--help' || first === '-h' ? '' : `no benchmark "${name}". `;
  console.error(`${bad}usage: npm run bench -- [NAME] [ARGS...]\nbenchmarks: ${names.join(', ')} (default: check)`);
  process.exit(bad ? 2 : 0);
}
const args = named ? rest : process.argv.slice(2);
const r = spawnSync(process.execPath, [path.join(dir, `${name}.mjs`), ...args], { stdio: 'inherit' });
process.exit(r.status ?? 1);
