#!/usr/bin/env node
// Entry point of every learner and instructor command. The checker's TypeScript sources load from a
// cached bundle (bundle.mjs); `flake` imports lessons' mutant files (.ts) while it runs, so it loads
// through tsx.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModule } from './bundle.mjs';

const argv = process.argv.slice(2);
if (argv[0] === 'flake') process.env['NETLINGS_TSX'] = '1';
const { main } = await loadModule(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'main.ts'));
process.exitCode = await main(argv);
