// Benchmarks the checker as a user runs it (wall time of whole npm commands), never as a test.
//   npm run bench -- check               # lesson 02 and all lessons against the solutions, 7 runs each
//   npm run bench -- check --runs 3    # fewer runs
//   npm run bench -- check --load      # with both cores kept busy by two other processes
import { spawn, spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' }, load: { type: 'boolean', default: false } } });
const runs = Number(values.runs);

const burners = [];
if (values.load) {
  for (let i = 0; i < 2; i++) burners.push(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
  process.on('exit', () => burners.forEach((b) => b.kill('SIGKILL')));
}

function time(args, expectedExit = 0) {
  const walls = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync('npm', ['run', '-s', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    walls.push((performance.now() - t0) / 1000);
    if (r.status !== expectedExit) {
      console.error(`npm run ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
      process.exit(1);
    }
  }
  walls.sort((a, b) => a - b);
  const med = walls[Math.floor(walls.length / 2)];
  console.log(`npm run ${args.join(' ').padEnd(34)} min ${walls[0].toFixed(2)} s  median ${med.toFixed(2)} s  max ${walls.at(-1).toFixed(2)} s  (${runs} runs${values.load ? ', both cores loaded' : ''})`);
}

time(['check', '--', '02', '--root', 'solutions']);
time(['check', '--', '01', '--root', 'solutions']);
time(['check', '--', '--root', 'solutions']);
time(['check', '--', '01'], 1); // the untouched starter: must fail, and fast

for (const b of burners) b.kill('SIGKILL');
