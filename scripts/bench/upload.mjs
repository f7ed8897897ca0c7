// `npm run bench -- upload [--mib N]`: lesson 05's solution uploading a file (default 1 GiB) over
// loopback, against a raw TCP pipe of the same bytes between two Node processes, in the same run.
// The raw pipe's receiver only counts the bytes, while the upload's server must write them to disk,
// so a second raw pipe, whose receiver writes them to a file, is measured as well.
// Prints the throughput of each, their ratios (goal: the upload at least 50 % of the raw pipe), and the
// peak resident memory (VmHWM) of the server and the client (goal: at most 100 MB each).
// The file is generated in a temporary folder and removed, with the server's --dir, at the end.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { mib: { type: 'string', default: '1024' } } });
const MiB = 1024 * 1024;
const size = Number(values.mib) * MiB;
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const lesson = path.join(repo, 'solutions', '05-struct-headers');
const temp = mkdtempSync(path.join(tmpdir(), 'netlings-bench-upload-'));
const children = new Set();
const cleanup = () => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(temp, { recursive: true, force: true });
};
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));

function peak(pid) {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Starts a process; resolves with its exit, its wall time and its last seen peak memory. */
function run(args, opts = {}) {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: opts.cwd ?? repo, stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  let hwm;
  const poll = setInterval(() => (hwm = peak(child.pid) ?? hwm), 20);
  let out = '';
  child.stdout.on('data', (b) => (out += b));
  const done = new Promise((resolve) => {
    child.on('exit', (code) => {
      clearInterval(poll);
      children.delete(child);
      resolve({ code, seconds: (performance.now() - t0) / 1000, hwm, out });
    });
  });
  return { child, done, peakNow: () => (hwm = peak(child.pid) ?? hwm) };
}

function ready(proc, re) {
  return new Promise((resolve, reject) => {
    let text = '';
    proc.child.stdout.on('data', (b) => {
      text += b;
      const m = re.exec(text);
      if (m) resolve(m);
    });
    proc.done.then(() => reject(new Error('exited before it was ready')));
  });
}

// 1. The file: 1 MiB pieces of one random block, each stamped with its index (generated, not read).
const file = path.join(temp, 'big.bin');
{
  const block = randomBytes(MiB);
  const out = createWriteStream(file);
  for (let i = 0; i < size / MiB; i++) {
    const b = Buffer.from(block);
    b.writeUInt32BE(i, 0);
    if (!out.write(b)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
}
const human = (bytes) => `${(bytes / MiB).toFixed(0)} MiB`;
const rate = (s) => `${(size / MiB / s).toFixed(0)} MiB/s`;
console.log(`file: ${human(size)} in ${temp}`);

// 2. The raw pipes: one Node process reads the file into a socket, another takes the bytes. Timed
// by the sender, which exits when the receiver closes its side: once it has all the bytes.
async function rawPipe(receiverCode) {
  const receiver = run(['-e', receiverCode]);
  const [, rawPort] = await ready(receiver, /port (\d+)/);
  const sender = run(['-e', `
    const net = require('node:net'); const fs = require('node:fs');
    const s = net.connect(${rawPort}, '127.0.0.1', () => fs.createReadStream(${JSON.stringify(file)}, { highWaterMark: 1 << 20 }).pipe(s));
    s.on('end', () => s.destroy());
  `]);
  const result = await sender.done;
  await receiver.done;
  return result;
}
// 2a. The receiver counts the bytes (nothing touches the disk).
const raw = await rawPipe(`
  const net = require('node:net');
  const want = ${size};
  const srv = net.createServer((s) => { let got = 0; s.on('data', (b) => { got += b.length; if (got >= want) { s.end(); srv.close(); } }); });
  srv.listen(0, '127.0.0.1', () => console.log('port ' + srv.address().port));
`);
// 2b. The receiver writes the bytes to a file beside the uploads' folder, with the 8 MiB write buffer
// and the pause on a full buffer (pipe does both) of the solution's server, and closes once it is written.
const rawFile = path.join(temp, 'raw.bin');
const rawToFile = await rawPipe(`
  const net = require('node:net'); const fs = require('node:fs');
  const srv = net.createServer({ allowHalfOpen: true }, (s) => {
    s.pipe(fs.createWriteStream(${JSON.stringify(rawFile)}, { highWaterMark: 8 << 20 })).on('finish', () => { s.end(); srv.close(); });
  });
  srv.listen(0, '127.0.0.1', () => console.log('port ' + srv.address().port));
`);
rmSync(rawFile);

// 3. The lesson: the solution's server and client, bundled by esbuild as the checker runs them (so the
// figures are the program's, not tsx's loader), then the client's first pass alone: hashing the file.
const { build } = await import('esbuild');
const bundle = async (name) => {
  const outfile = path.join(temp, `${name}.mjs`);
  await build({ entryPoints: [path.join(lesson, 'src', `${name}.ts`)], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, logLevel: 'silent' });
  return outfile;
};
const [serverJs, clientJs] = [await bundle('server'), await bundle('client')];
const dir = path.join(temp, 'uploads');
const server = run([serverJs, '--port', '0', '--dir', dir, '--max-body', String(size)], { cwd: lesson });
const [, port] = await ready(server, /listening on 127\.0\.0\.1:(\d+)/);
const client = run([clientJs, '--port', port, 'upload', file], { cwd: lesson });
const up = await client.done;
const serverPeak = server.peakNow();
server.child.kill('SIGTERM');
await server.done;
if (up.code !== 0) {
  console.error(`the upload failed (exit ${up.code})`);
  process.exit(1);
}
const stored = createHash('sha256');
for await (const chunk of (await import('node:fs')).createReadStream(path.join(dir, 'big.bin'))) stored.update(chunk);
const sent = createHash('sha256');
for await (const chunk of (await import('node:fs')).createReadStream(file)) sent.update(chunk);
const same = stored.digest('hex') === sent.digest('hex');

const hashOnly = await run(['-e', `
  const h = require('node:crypto').createHash('sha256');
  require('node:fs').createReadStream(${JSON.stringify(file)}, { highWaterMark: 1 << 20 }).on('data', (b) => h.update(b)).on('end', () => h.digest());
`]).done;
const transfer = up.seconds - hashOnly.seconds;
const ratio = raw.seconds / up.seconds;
const mb = (b) => (b === undefined ? '?' : `${(b / 1e6).toFixed(0)} MB`);
console.log(`raw TCP pipe (node → node):      ${raw.seconds.toFixed(2)} s  ${rate(raw.seconds)}  (the receiver counts the bytes: no disk)`);
console.log(`raw TCP pipe into a file:        ${rawToFile.seconds.toFixed(2)} s  ${rate(rawToFile.seconds)}  (the receiver writes the bytes to disk, as the server must)`);
console.log(`upload (solution client/server): ${up.seconds.toFixed(2)} s  ${rate(up.seconds)}  (the client's hash pass, then the transfer; stored file ${same ? 'identical' : 'DIFFERENT'})`);
console.log(`  of which hashing the file:     ${hashOnly.seconds.toFixed(2)} s  (the header carries the sha256, so the client reads the file twice)`);
console.log(`  the transfer alone, about:     ${transfer.toFixed(2)} s  ${rate(transfer)}  (the server hashes and writes to disk as it receives)`);
console.log(`upload / raw:                    ${(ratio * 100).toFixed(0)} %, transfer alone / raw ${((raw.seconds / transfer) * 100).toFixed(0)} %  (goal ≥ 50 %)`);
console.log(`upload / raw into a file:        ${((rawToFile.seconds / up.seconds) * 100).toFixed(0)} %, transfer alone / raw into a file ${((rawToFile.seconds / transfer) * 100).toFixed(0)} %`);
console.log(`peak RSS: server ${mb(serverPeak)}, client ${mb(up.hwm)}  (goal ≤ 100 MB each)`);
