// Lesson 05, the server over the wire: exec and upload requests in frames, however the bytes arrive,
// and the limits. Every check gives the server a temporary --dir of its own.

import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { CheckDef } from '../../harness/check.ts';
import { CheckFailure } from '../../harness/errors.ts';
import { showBytes } from '../../harness/bytes.ts';
import { timing } from '../../harness/timing.ts';
import { fixedThenSeeded } from '../../harness/seeded.ts';
import { BigBody, connectFrames, frame, memoryOf, MiB, sendQuiet, sendSeeded, serverWithDir, sharedWithDir, sha256, type FrameReader } from './wire.ts';

const exec = (cmd: string): Buffer => frame({ type: 'exec', cmd });
const upload = (name: string, body: Buffer, hash = sha256(body)): Buffer => frame({ type: 'upload', file_name: name, data_size: body.length, sha256: hash }, body);

/** The next reply must be an exec result with this output (and exit code, when given). */
async function expectResult(frames: FrameReader, output: Buffer | string, what: string, hint: string, exitCode?: number): Promise<void> {
  const want = typeof output === 'string' ? Buffer.from(output) : output;
  const f = await frames.expectType('result', what, hint);
  if (!f.body.equals(want)) {
    throw new CheckFailure('WRONG_BYTES', `${frames.peer.name}: the output in ${what} is not the command's output`, { expected: showBytes(want), actual: showBytes(f.body), hint });
  }
  if (exitCode !== undefined && f.header['exit_code'] !== exitCode) {
    throw new CheckFailure('WRONG_BYTES', `${frames.peer.name}: ${what} has exit_code ${JSON.stringify(f.header['exit_code'])}`, { expected: `"exit_code":${exitCode}`, actual: JSON.stringify(f.header), hint });
  }
}

/** The next reply must say the upload was stored, with its name, size and hash. */
async function expectUploaded(frames: FrameReader, name: string, size: number, hash: string, what: string, hint: string, within?: number): Promise<void> {
  const f = await frames.expectType('uploaded', what, hint, within);
  const h = f.header;
  if (h['file_name'] !== name || h['file_size'] !== size || h['sha256'] !== hash || f.body.length !== 0) {
    throw new CheckFailure('WRONG_BYTES', `${frames.peer.name}: ${what} does not describe the file`, {
      expected: JSON.stringify({ type: 'uploaded', file_name: name, file_size: size, sha256: hash }) + ', no body',
      actual: JSON.stringify(h) + (f.body.length ? ` with a body of ${f.body.length} bytes` : ''),
      hint,
    });
  }
}

function expectFile(file: string, want: Buffer, what: string, hint: string): void {
  if (!existsSync(file)) throw new CheckFailure('OUTPUT', `${what}: ${file} does not exist`, { expected: `a file of ${want.length} bytes`, actual: 'no such file', hint });
  const got = readFileSync(file);
  if (!got.equals(want)) {
    let at = 0;
    while (at < got.length && got[at] === want[at]) at++;
    throw new CheckFailure('WRONG_BYTES', `${what}: ${path.basename(file)} is not byte-identical to what was sent`, {
      expected: `${want.length} bytes, sha256 ${sha256(want)}`,
      actual: `${got.length} bytes, sha256 ${sha256(got)}; first difference at byte ${at}`,
      hint,
    });
  }
}

let seededRuns = 0;
/**
 * A tag for the file names of one run of a seeded case, of a fixed width (so the frames, and where
 * the seed cuts them, are the same in every run of a seed): the shared server keeps the files of every
 * run while exploring, and no two runs, and no fixed case, upload under the same name.
 */
const runTag = (): string => `s${String(++seededRuns % 100_000).padStart(5, '0')}`;

export const serverChecks: CheckDef[] = [
  {
    id: 'ready',
    title: 'starts and prints "listening on 127.0.0.1:PORT" with the real port',
    target: 'server',
    shared: true,
    hint: 'Print the ready line in listen()\'s callback with the port from server.address().port. Run it by hand: `npm run run -- 05 server`.',
    async run(ctx) {
      await sharedWithDir(ctx);
    },
  },
  {
    id: 'exec-result',
    title: 'answers exec with a result frame: exit_code, data_size and the output as body, without an ack',
    target: 'server',
    shared: true,
    needs: ['ready'],
    hint: 'Run cmd with the shell, then write ONE frame: encodeFrame({ type: "result", exit_code, data_size: output.length }, output). No "ready" round trip: the length is in the header.',
    async run(ctx) {
      const { port } = await sharedWithDir(ctx);
      const { peer, frames } = await connectFrames(ctx, port);
      await peer.send(exec("printf 'hello\\n'"));
      await expectResult(frames, 'hello\n', 'the reply to exec printf hello', this.hint, 0);
      await peer.send(exec("printf 'bin\\000\\377ary'; exit 3"));
      await expectResult(frames, Buffer.from('bin\0\xffary', 'latin1'), 'the reply to a command with binary output and exit 3', 'The output is bytes: send them as they are (a Buffer), never through a string. exit_code is the code from the child\'s \'close\' event.', 3);
      await peer.send(exec('echo oops >&2; exit 2'));
      await expectResult(frames, 'oops\n', 'the reply to a command that writes to stderr', 'The output is stdout followed by stderr.', 2);
      await peer.send(exec('true'));
      await expectResult(frames, '', 'the reply to a command with no output (data_size 0, no body)', 'No output is a body of 0 bytes: {"type":"result","exit_code":0,"data_size":0} and nothing after it.', 0);
    },
  },
  {
    id: 'frame-byte-by-byte',
    title: 'reads a request that arrives one byte at a time',
    target: 'server',
    needs: ['exec-result'],
    slow: true,
    hint: "One 'data' event is not one frame, not even 4 bytes. Collect bytes until you have 4, then the header's length, then the body: a state machine prefix → header → body. Decode the header only once it is whole, so a split character stays whole.",
    async run(ctx) {
      const { port } = await serverWithDir(ctx);
      const { peer, frames } = await connectFrames(ctx, port);
      await peer.send(exec("printf 'byte by byte: é 欢'"), { byteByByte: true });
      await expectResult(frames, 'byte by byte: é 欢', 'the reply to an exec sent byte by byte', this.hint, 0);
      const body = Buffer.from('up\0loaded\n');
      await peer.send(upload('bytes.bin', body), { byteByByte: true });
      await expectUploaded(frames, 'bytes.bin', body.length, sha256(body), 'the reply to an upload sent byte by byte', this.hint);
    },
  },
  {
    id: 'frame-split-boundaries',
    title: 'reads requests split inside the length, at the 4-byte boundary, inside the header and at the body',
    target: 'server',
    shared: true,
    needs: ['exec-result'],
    hint: 'The length prefix may arrive in pieces, and the header may start in the same read as the prefix or in a later one. Keep what you have, and go on only when the state has all its bytes.',
    explores: true,
    async run(ctx) {
      const { port, dir } = await sharedWithDir(ctx);
      const { peer, frames } = await connectFrames(ctx, port);
      const e = exec('printf split');
      await fixedThenSeeded(
        ctx,
        async () => {
          for (const [splitAt, where] of [[[2], 'inside the 4-byte length'], [[4], 'at the 4-byte boundary'], [[4 + 7], 'inside the header'], [[1, 3, 4, 9, e.length - 2], 'in six pieces']] as const) {
            await peer.send(e, { splitAt: [...splitAt] });
            await expectResult(frames, 'split', `the reply to an exec split ${where}`, this.hint);
          }
          const body = randomBytes(5000);
          const u = upload('split.bin', body);
          const bodyAt = u.length - body.length;
          await sendQuiet(peer, ctx, u, [bodyAt, bodyAt + 1, bodyAt + 2500]);
          await expectUploaded(frames, 'split.bin', body.length, sha256(body), 'the reply to an upload split where its body starts', this.hint);
          expectFile(path.join(dir, 'split.bin'), body, 'after the split upload', this.hint);
        },
        // The exec and an upload (a name of its own) again on that connection, each cut where the seed
        // says, many cuts next to the end of the length, of the header and of the frame.
        async () => {
          await sendSeeded(peer, ctx, e, 'the exec');
          await expectResult(frames, 'split', 'the reply to an exec sent in pieces', this.hint);
          const name = `split-${runTag()}.bin`;
          const body = randomBytes(5000);
          await sendSeeded(peer, ctx, upload(name, body), `the upload of ${name}`);
          await expectUploaded(frames, name, body.length, sha256(body), 'the reply to an upload sent in pieces', this.hint);
          expectFile(path.join(dir, name), body, 'after the upload sent in pieces', this.hint);
        },
      );
    },
  },
  {
    id: 'upload-byte-identical',
    title: 'stores an upload byte-identical in --dir and answers with its name, size and sha256',
    target: 'server',
    shared: true,
    needs: ['exec-result'],
    hint: 'Write each body chunk to a write stream in --dir and into createHash("sha256") as it comes; when data_size bytes have passed, end the file and reply {"type":"uploaded","file_name":...,"file_size":N,"sha256":HEX}.',
    async run(ctx) {
      const { port, dir } = await sharedWithDir(ctx);
      const { peer, frames } = await connectFrames(ctx, port);
      const body = randomBytes(1536 * 1024);
      body.write('\n\r\n\0', 1000, 'latin1');
      const u = upload('data.bin', body);
      await sendQuiet(peer, ctx, u, [100_000, 700_000, 1_200_000]);
      await expectUploaded(frames, 'data.bin', body.length, sha256(body), 'the reply to the upload of 1.5 MiB', this.hint);
      expectFile(path.join(dir, 'data.bin'), body, 'after the upload', this.hint);
      const second = Buffer.from('second file, Grüße 欢迎\n');
      await peer.send(upload('notes – ü.txt', second));
      await expectUploaded(frames, 'notes – ü.txt', second.length, sha256(second), 'the reply to a second upload on the same connection', this.hint);
      expectFile(path.join(dir, 'notes – ü.txt'), second, 'after the second upload', this.hint);
    },
  },
  {
    id: 'frames-in-one-write',
    title: 'answers 50 requests that arrive in one write, in order',
    target: 'server',
    shared: true,
    needs: ['upload-byte-identical'],
    hint: 'One read may hold many frames. After a frame is done, go on with the rest of the same chunk: loop until the chunk is used up, and do not wait for the next read to parse what you already have.',
    explores: true,
    async run(ctx) {
      const { port, dir } = await sharedWithDir(ctx);
      const { peer, frames } = await connectFrames(ctx, port);
      const bodies = Array.from({ length: 50 }, (_, i) => Buffer.from(`file ${i + 1}\n`.repeat(i % 7)));
      /** The 50 uploads under these names, in one write or (seeded) cut where the seed says, and the 50 replies in order. */
      const talk = async (names: string[], seeded: boolean) => {
        const all = Buffer.concat(bodies.map((b, i) => upload(names[i] as string, b)));
        if (seeded) await sendSeeded(peer, ctx, all, '50 uploads');
        else await peer.send(all);
        const how = seeded ? 'in pieces' : 'in one write';
        for (const [i, b] of bodies.entries()) await expectUploaded(frames, names[i] as string, b.length, sha256(b), `reply ${i + 1} of 50 (${names[i]}${seeded ? ', sent in pieces' : ''})`, this.hint);
        expectFile(path.join(dir, names[49] as string), bodies[49] as Buffer, `after 50 uploads ${how}`, this.hint);
      };
      await fixedThenSeeded(
        ctx,
        () => talk(bodies.map((_, i) => `n${i + 1}.txt`), false),
        // The 50 uploads again (names of their own) on that connection, the write cut where the seed
        // says: frames glued together and split at once, many cuts next to a frame's boundaries.
        () => {
          const tag = runTag();
          return talk(bodies.map((_, i) => `${tag}-${i + 1}.txt`), true);
        },
      );
    },
  },
  {
    id: 'zero-length-body',
    title: 'handles a zero-length body: an empty upload, then the next request in the same write',
    target: 'server',
    shared: true,
    needs: ['exec-result'],
    hint: 'With data_size 0 the frame is complete as soon as its header is: finish it at once, without waiting for a body byte that never comes.',
    explores: true,
    async run(ctx) {
      const { port, dir } = await sharedWithDir(ctx);
      const { peer, frames } = await connectFrames(ctx, port);
      const empty = Buffer.alloc(0);
      await fixedThenSeeded(
        ctx,
        async () => {
          await peer.send(upload('empty.txt', empty));
          await expectUploaded(frames, 'empty.txt', 0, sha256(empty), 'the reply to the upload of an empty file', this.hint);
          expectFile(path.join(dir, 'empty.txt'), empty, 'after the empty upload', this.hint);
          await peer.send(Buffer.concat([upload('empty2.txt', empty), exec('printf after')]));
          await expectUploaded(frames, 'empty2.txt', 0, sha256(empty), 'the reply to an empty upload followed by an exec in the same write', this.hint);
          await expectResult(frames, 'after', 'the reply to the exec after the empty upload', this.hint);
        },
        // Two empty uploads (names of their own) and the exec again on that connection, in one write cut
        // where the seed says: often right where a header, and so an empty frame, ends.
        async () => {
          const tag = runTag();
          const names = [`empty-${tag}.txt`, `empty2-${tag}.txt`];
          await sendSeeded(peer, ctx, Buffer.concat([...names.map((n) => upload(n, empty)), exec('printf after')]), 'two empty uploads and an exec');
          for (const n of names) await expectUploaded(frames, n, 0, sha256(empty), `the reply to the empty upload ${n} (sent in pieces)`, this.hint);
          await expectResult(frames, 'after', 'the reply to the exec after the empty uploads (sent in pieces)', this.hint);
          expectFile(path.join(dir, names[1] as string), empty, 'after the empty uploads sent in pieces', this.hint);
        },
      );
    },
  },
  {
    id: 'upload-memory-flat',
    title: 'streams a 256 MiB upload to disk with the server\'s memory staying flat',
    target: 'server',
    needs: ['upload-byte-identical'],
    slow: true,
    hint: 'Never collect the body: write each chunk to the file as it arrives, and when write() returns false pause the socket until the file\'s \'drain\'. Hash with hash.update(chunk) on the way.',
    async run(ctx) {
      const { port, dir, program } = await serverWithDir(ctx);
      const { peer, frames } = await connectFrames(ctx, port);
      const warm = randomBytes(4 * MiB);
      await sendQuiet(peer, ctx, upload('warm-up.bin', warm));
      await expectUploaded(frames, 'warm-up.bin', warm.length, sha256(warm), 'the reply to a 4 MiB warm-up upload', this.hint);
      const before = memoryOf(program.pid);
      if (!before) {
        ctx.transcript.note('tester', 'memory cannot be read on this system (no /proc); measuring skipped');
        return;
      }
      const big = new BigBody(256);
      const header = frame({ type: 'upload', file_name: 'big.bin', data_size: big.size, sha256: big.sha256 });
      ctx.transcript.note(peer.name, `tester sends an upload header and a body of ${big.size / MiB} MiB in 1 MiB writes (not shown), respecting backpressure`);
      const s = peer.socket;
      /** Writes the buffers as one (corked: a single writev), then waits for 'drain' when the socket says so. */
      const write = (...bs: Buffer[]) => {
        s.cork();
        let ok = true;
        for (const b of bs) ok = s.write(b) && ok;
        s.uncork();
        return ok ? Promise.resolve() : new Promise<void>((r, j) => {
          const onDrain = () => { s.off('close', onClose); r(); };
          const onClose = () => { s.off('drain', onDrain); j(new CheckFailure('CLOSED_EARLY', `${peer.name}: the server closed the connection during the upload`, { hint: this.hint })); };
          s.once('drain', onDrain);
          s.once('close', onClose);
        });
      };
      await write(header);
      let peak = before.hwm;
      for (let i = 0; i < big.pieces; i++) {
        await write(...big.piece(i));
        // A write the kernel took at once resolves in a microtask: give the event loop its turn, so
        // the checks running beside this one are not kept from their timers and sockets.
        await new Promise<void>((r) => setImmediate(r));
        if (i % 16 === 15) peak = Math.max(peak, memoryOf(program.pid)?.hwm ?? 0);
      }
      await expectUploaded(frames, 'big.bin', big.size, big.sha256, 'the reply to the 256 MiB upload', this.hint, timing.checkBudget / 2);
      const after = memoryOf(program.pid);
      peak = Math.max(peak, after?.hwm ?? 0);
      const grew = peak - Math.max(before.rss, before.hwm);
      ctx.transcript.note('tester', `server memory: VmRSS ${(before.rss / MiB).toFixed(0)} MiB and peak ${(before.hwm / MiB).toFixed(0)} MiB before, peak ${(peak / MiB).toFixed(0)} MiB after 256 MiB`);
      const size = statSync(path.join(dir, 'big.bin')).size;
      if (size !== big.size) throw new CheckFailure('OUTPUT', `big.bin in --dir is ${size} bytes`, { expected: `${big.size} bytes`, actual: `${size} bytes`, hint: this.hint });
      if (grew > 96 * MiB) {
        throw new CheckFailure('OUTPUT', `the server's memory grew by ${(grew / MiB).toFixed(0)} MiB while a 256 MiB file streamed through`, {
          expected: 'at most 96 MiB more than before (a flat line: chunks written and forgotten)',
          actual: `peak resident memory ${(peak / MiB).toFixed(0)} MiB, up from ${(Math.max(before.rss, before.hwm) / MiB).toFixed(0)} MiB`,
          hint: this.hint,
        });
      }
    },
  },
];
