// Lesson 05, the server's limits and refusals over the wire: broken frames, bad requests, unsafe
// file names, wrong hashes, connections that end mid-frame, and the program contract.

import { existsSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { CheckContext, CheckDef } from '../../harness/check.ts';
import { CheckFailure } from '../../harness/errors.ts';
import type { Program } from '../../harness/program.ts';
import { showBytes } from '../../harness/bytes.ts';
import { expectAlive, expectExit, noStackTrace } from '../common.ts';
import { connectFrames, sendQuiet, expectFolder, frame, MAX_HEADER, memoryOf, MiB, rawFrame, serverWithDir, sharedWithDir, sha256, type FrameReader } from './wire.ts';

const exec = (cmd: string): Buffer => frame({ type: 'exec', cmd });
const upload = (name: string, body: Buffer, hash = sha256(body)): Buffer => frame({ type: 'upload', file_name: name, data_size: body.length, sha256: hash }, body);

async function expectOutput(frames: FrameReader, output: string, what: string, hint: string): Promise<void> {
  const f = await frames.expectType('result', what, hint);
  if (!f.body.equals(Buffer.from(output))) throw new CheckFailure('WRONG_BYTES', `${frames.peer.name}: the output in ${what} is not the command's output`, { expected: showBytes(Buffer.from(output)), actual: showBytes(f.body), hint });
}

/** A client connected before the trouble, and one connecting after it, are both served. */
async function othersServed(ctx: CheckContext, bystander: FrameReader, program: Program, port: number, after: string, hint: string): Promise<void> {
  expectAlive(program, after, hint);
  await bystander.peer.send(exec('printf still-here'));
  await expectOutput(bystander, 'still-here', `the reply to a client connected before ${after}`, hint);
  const late = await connectFrames(ctx, port);
  await late.peer.send(exec('printf next'));
  await expectOutput(late.frames, 'next', `the reply to a new client after ${after}`, hint);
}

/** How soon after its error frame the server must close a connection whose frame was broken. */
const CLOSE_AFTER_ERROR_MS = 700;

/** Sends broken bytes on a fresh connection: an error frame, then the close. */
async function expectRefusedAndClosed(ctx: CheckContext, port: number, bytes: Buffer, what: string, hint: string, opts: { thenEnd?: boolean } = {}): Promise<void> {
  const { peer, frames } = await connectFrames(ctx, port);
  if (bytes.length > 4096) await sendQuiet(peer, ctx, bytes);
  else await peer.send(bytes);
  if (opts.thenEnd) await peer.end();
  await frames.expectError(what, hint);
  // Promptly: socket.end(errorFrame) sends the FIN right after the error. A server that only writes
  // the error and leaves the connection open may still drop it later (the solution destroys a socket
  // whose client has not closed 2 s after the error): a window shorter than that, even when deadlines
  // grow on a loaded machine (at most twice), tells the two apart.
  await frames.expectClose(`the error reply to ${what}`, `${hint} After a broken frame the stream cannot be framed any more: close the connection (socket.end(errorFrame)).`, CLOSE_AFTER_ERROR_MS);
}

export const limitChecks: CheckDef[] = [
  {
    id: 'huge-length-prefix',
    title: 'a length prefix of 0xFFFFFFFF gets an error frame and the close, without a big allocation; others go on',
    target: 'server',
    shared: true,
    needs: ['exec-result'],
    hint: 'Read the prefix as unsigned (readUInt32BE) and refuse a header over 64 KiB from the prefix alone: reply with an error frame and close. Never Buffer.alloc(length) before checking it, and catch the error so other connections go on.',
    async run(ctx) {
      const { port, program } = await sharedWithDir(ctx);
      const bystander = await connectFrames(ctx, port);
      const before = memoryOf(program.pid);
      await expectRefusedAndClosed(ctx, port, Buffer.from([0xff, 0xff, 0xff, 0xff]), 'a length prefix of 0xFFFFFFFF (4,294,967,295)', this.hint);
      await expectRefusedAndClosed(ctx, port, Buffer.from([0x80, 0x00, 0x00, 0x00, 0x7b]), 'a length prefix of 0x80000000 (negative if read as signed)', this.hint);
      const after = memoryOf(program.pid);
      if (before && after && after.hwm - before.hwm > 64 * MiB) {
        throw new CheckFailure('OUTPUT', `the server's peak memory grew by ${((after.hwm - before.hwm) / MiB).toFixed(0)} MiB on a 4-byte request`, { expected: 'no allocation for a length that is refused', actual: `VmHWM ${(after.hwm / MiB).toFixed(0)} MiB`, hint: this.hint });
      }
      await othersServed(ctx, bystander.frames, program, port, 'a huge length prefix', this.hint);
    },
  },
  {
    id: 'body-over-max-body',
    title: 'a data_size over --max-body is refused from the header alone: error frame, close; others go on',
    target: 'server',
    needs: ['exec-result'],
    hint: 'Compare data_size with --max-body as soon as the header is parsed, before any body byte is read (the decoder does not need to know the type): reply with an error frame and close.',
    async run(ctx) {
      const server = await serverWithDir(ctx, ['--max-body', '1000']);
      const { port, program } = server;
      const bystander = await connectFrames(ctx, port);
      const h = (size: number) => frame({ type: 'upload', file_name: 'big.bin', data_size: size, sha256: '0'.repeat(64) });
      await expectRefusedAndClosed(ctx, port, h(1001), 'an upload header with data_size 1001 (--max-body 1000), with no body sent', this.hint);
      await expectRefusedAndClosed(ctx, port, h(2 ** 50), 'an upload header with data_size 2^50, with no body sent', this.hint);
      await expectRefusedAndClosed(ctx, port, frame({ type: 'exec', cmd: 'true', data_size: 5000 }), 'an exec header with data_size 5000 (--max-body 1000)', this.hint);
      await expectFolder(server, [], 'after the refused uploads', 'Nothing is written for a refused request.');
      const ok = randomBytes(1000);
      const { peer, frames } = await connectFrames(ctx, port);
      await peer.send(upload('limit.bin', ok));
      const f = await frames.expectType('uploaded', 'the reply to an upload of exactly --max-body (1000) bytes', 'The limit is inclusive: data_size equal to --max-body is allowed.');
      if (f.header['file_size'] !== 1000) throw new CheckFailure('WRONG_BYTES', 'the uploaded reply has the wrong file_size', { expected: '"file_size":1000', actual: JSON.stringify(f.header) });
      await othersServed(ctx, bystander.frames, program, port, 'refused bodies', this.hint);
    },
  },
  {
    id: 'header-not-json',
    title: 'a header that is not JSON, or JSON but not an object, gets an error frame and the close',
    target: 'server',
    shared: true,
    needs: ['exec-result'],
    hint: 'JSON.parse inside try/catch; then check typeof header === "object", header !== null and !Array.isArray(header). Either failure is a broken frame: error frame, close. Other connections go on.',
    async run(ctx) {
      const { port, program } = await sharedWithDir(ctx);
      const bystander = await connectFrames(ctx, port);
      for (const [text, what] of [
        ['not json at all', 'a header that is not JSON'],
        ['{"type":"exec","cmd":"true"', 'a header of cut-off JSON'],
        ['[1,2,3]', 'a header that is a JSON array'],
        ['"exec"', 'a header that is a JSON string'],
        ['null', 'a header that is JSON null'],
        ['42', 'a header that is a JSON number'],
        ['{"type":"exec","cmd":"true","data_size":-1}', 'a header with data_size -1'],
        ['{"type":"exec","cmd":"true","data_size":"12"}', 'a header with data_size "12" (a string)'],
      ] as const) {
        await expectRefusedAndClosed(ctx, port, rawFrame(Buffer.from(text)), what, this.hint);
      }
      await othersServed(ctx, bystander.frames, program, port, 'headers that are not JSON objects', this.hint);
    },
  },
  {
    id: 'header-size-limit',
    title: 'a header of 65,536 bytes is accepted, one of 65,537 is refused with an error frame and the close',
    target: 'server',
    shared: true,
    needs: ['exec-result'],
    hint: 'The limit is on the header length from the prefix: at most 65,536 (64 KiB) bytes. Refuse a longer one (error frame, close); accept exactly 65,536.',
    async run(ctx) {
      const { port } = await sharedWithDir(ctx);
      const padded = (size: number): Buffer => {
        const base = JSON.stringify({ type: 'exec', cmd: 'printf big-header', pad: '' });
        const json = base.replace('"pad":""', `"pad":"${'x'.repeat(size - base.length)}"`);
        return rawFrame(Buffer.from(json));
      };
      const { peer, frames } = await connectFrames(ctx, port);
      await sendQuiet(peer, ctx, padded(MAX_HEADER));
      await expectOutput(frames, 'big-header', 'the reply to an exec whose header is exactly 65,536 bytes', this.hint);
      await expectRefusedAndClosed(ctx, port, padded(MAX_HEADER + 1), 'an exec whose header is 65,537 bytes', this.hint);
    },
  },
  {
    id: 'bad-request-skips-body',
    title: 'a bad request gets an error reply, its body is skipped, and the connection goes on',
    target: 'server',
    shared: true,
    needs: ['exec-result'],
    hint: 'A well-framed request the server cannot serve (unknown type, no cmd) is not a broken frame: skip its data_size body bytes unread, reply {"type":"error","message":...} and go on with the next frame on the same connection.',
    async run(ctx) {
      const { port } = await sharedWithDir(ctx);
      const { peer, frames } = await connectFrames(ctx, port);
      // The body of the unknown request is itself a valid exec frame: a server that does not skip it runs it.
      const trap = exec('printf WRONG-the-body-was-run');
      await peer.send(frame({ type: 'frobnicate', data_size: trap.length }, trap));
      await frames.expectError('the reply to a request of unknown type "frobnicate" with a body', this.hint);
      await peer.send(exec('printf next'));
      await expectOutput(frames, 'next', 'the reply to an exec after the refused request', this.hint);
      await peer.send(Buffer.concat([frame({ type: 'exec' }), frame({ cmd: 'true' }), exec('printf last')]));
      await frames.expectError('the reply to an exec without cmd', this.hint);
      await frames.expectError('the reply to a header without type', this.hint);
      await expectOutput(frames, 'last', 'the reply to the exec after two bad requests', this.hint);
    },
  },
  {
    id: 'unsafe-file-names',
    title: 'refuses unsafe file names (../x, a/b, absolute, NUL, ..): nothing is written outside --dir, or inside',
    target: 'server',
    shared: true,
    needs: ['upload-byte-identical'],
    hint: 'Never path.join(dir, file_name) unchecked: "../x" and "/tmp/x" leave --dir. Accept only a plain name: no / or \\, not "." or "..", no NUL. Refuse the rest with an error reply (the body is skipped) and keep the connection.',
    async run(ctx) {
      const server = await sharedWithDir(ctx);
      const { port, dir, parent } = server;
      const { peer, frames } = await connectFrames(ctx, port);
      const absolute = path.join(parent, 'absolute.txt');
      const body = Buffer.from('must not be stored\n');
      for (const [name, what] of [
        ['../escaped.txt', '"../escaped.txt"'],
        ['a/b', '"a/b"'],
        [absolute, `the absolute path "${absolute}"`],
        ['nul\0byte.txt', 'a name with a NUL byte'],
        ['..', '".."'],
        ['sub\\..\\..\\x', 'a name with backslashes'],
      ] as const) {
        await peer.send(upload(name, body));
        await frames.expectError(`the reply to an upload named ${what}`, this.hint);
      }
      const outside = readdirSync(parent).filter((n) => n !== path.basename(dir) && !server.held.parent.has(n));
      if (outside.length || existsSync(absolute)) {
        throw new CheckFailure('OUTPUT', `files appeared outside --dir: ${outside.join(', ')}`, { expected: `nothing but ${dir} in ${parent}`, actual: outside.join('\n'), hint: this.hint });
      }
      await expectFolder(server, [], 'after the refused uploads', this.hint);
      const good = Buffer.from('a plain name is fine\n');
      await peer.send(upload('plain.txt', good));
      await frames.expectType('uploaded', 'the reply to an upload named "plain.txt" after the refusals', this.hint);
      await expectFolder(server, ['plain.txt'], 'after the good upload', this.hint);
    },
  },
  {
    id: 'sha256-mismatch',
    title: 'an upload whose sha256 does not match gets an error reply, and no file stays behind',
    target: 'server',
    shared: true,
    needs: ['upload-byte-identical'],
    hint: 'Compare hash.digest("hex") with the header\'s sha256 when the body is complete. On a mismatch delete the file (fs.promises.unlink) and reply {"type":"error",...}; the connection goes on.',
    async run(ctx) {
      const server = await sharedWithDir(ctx);
      const { port } = server;
      const { peer, frames } = await connectFrames(ctx, port);
      const body = randomBytes(200_000);
      await sendQuiet(peer, ctx, upload('tampered.bin', body, sha256(Buffer.from('something else'))));
      await frames.expectError('the reply to an upload with the wrong sha256', this.hint);
      await expectFolder(server, [], 'after the upload with the wrong sha256', this.hint);
      await sendQuiet(peer, ctx, upload('honest.bin', body));
      await frames.expectType('uploaded', 'the reply to the same upload with the right sha256', this.hint);
      await expectFolder(server, ['honest.bin'], 'after the good upload', this.hint);
    },
  },
  {
    id: 'upload-interrupted',
    title: 'a connection that ends or resets in the middle of an upload leaves no file behind',
    target: 'server',
    shared: true,
    needs: ['upload-byte-identical'],
    hint: "On 'close' (or 'end' inside a frame) with an upload in progress, destroy its write stream and delete the partial file.",
    async run(ctx) {
      const server = await sharedWithDir(ctx);
      const { port, program } = server;
      for (const how of ['end', 'reset'] as const) {
        const { peer, frames } = await connectFrames(ctx, port);
        const body = randomBytes(MiB);
        const u = upload(`cut-${how}.bin`, body);
        await sendQuiet(peer, ctx, u.subarray(0, u.length - body.length / 2), [u.length - body.length]);
        if (how === 'end') {
          await peer.end();
          await frames.expectCloseMaybeError('the connection ended in the middle of an upload', this.hint);
        } else {
          peer.reset();
        }
        await expectFolder(server, [], `after the connection was ${how === 'end' ? 'ended (FIN)' : 'reset (RST)'} in the middle of an upload`, this.hint);
      }
      expectAlive(program, 'interrupted uploads', this.hint);
    },
  },
  {
    id: 'eof-mid-frame',
    title: 'a connection that ends in the middle of a frame is closed, without a busy loop; others go on',
    target: 'server',
    shared: true,
    needs: ['exec-result'],
    hint: "On 'end' inside a frame nothing more will come: close the connection (socket.end() or destroy()). Do not wait or poll for the missing bytes: 'end' comes once.",
    async run(ctx) {
      const { port, program } = await sharedWithDir(ctx);
      const bystander = await connectFrames(ctx, port);
      const e = frame({ type: 'exec', cmd: 'true', data_size: 10 }, Buffer.from('0123456789'));
      for (const [cut, where] of [[2, 'inside the length'], [4, 'after the length'], [9, 'inside the header'], [e.length - 7, 'inside the body']] as const) {
        const { peer, frames } = await connectFrames(ctx, port);
        await peer.send(e.subarray(0, cut));
        await peer.end();
        await frames.expectCloseMaybeError(`the client ended its side ${where}`, this.hint);
      }
      if (await program.busyFor(300)) {
        throw new CheckFailure('BUSY', 'the server keeps a core busy after connections ended in the middle of frames', { expected: 'close to 0% CPU while idle', actual: 'over 60% of a core', hint: this.hint });
      }
      await othersServed(ctx, bystander.frames, program, port, 'connections that ended mid-frame', this.hint);
    },
  },
  {
    id: 'port-in-use',
    title: 'a port already in use gives one clear line and exit 1',
    target: 'server',
    needs: ['ready'],
    hint: "Listen for the server's 'error' event; for EADDRINUSE print one line (`cannot listen on HOST:PORT: address already in use`) to stderr and exit with code 1. Try it: `npm run run -- 05 server` twice.",
    async run(ctx) {
      const blocker = net.createServer();
      ctx.defer(() => new Promise<void>((r) => blocker.close(() => r())));
      await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
      const port = (blocker.address() as net.AddressInfo).port;
      ctx.transcript.note('tester', `the tester holds 127.0.0.1:${port} and starts the server on it`);
      // It gets a temporary --dir of its own, as every server of the lesson (SERVER_SETUP).
      const program = await ctx.start('server', ['--host', '127.0.0.1', '--port', String(port)]);
      await expectExit(program, 1, 'its port was already in use', this.hint);
      noStackTrace(program, 'when its port was in use', this.hint);
      const lines = program.stderrLines.filter((l) => l.trim().length > 0);
      if (lines.length !== 1) {
        throw new CheckFailure('OUTPUT', `the server printed ${lines.length} lines on stderr, not one`, { expected: `one line on stderr, such as "cannot listen on 127.0.0.1:${port}: address already in use"`, actual: program.describeOutput(), hint: this.hint });
      }
    },
  },
  ...(['SIGINT', 'SIGTERM'] as const).map((sig): CheckDef => ({
    id: sig === 'SIGTERM' ? 'stops-on-sigterm' : 'stops-on-sigint',
    title: `${sig} closes the connections and exits 0, also in the middle of an upload`,
    target: 'server',
    needs: ['ready'],
    hint: "process.once('SIGTERM', ...) and process.once('SIGINT', ...): server.close(), destroy the open sockets, exit 0.",
    async run(ctx) {
      const { program, port } = await serverWithDir(ctx);
      const idle = await connectFrames(ctx, port);
      const busy = await connectFrames(ctx, port);
      const body = randomBytes(100_000);
      const u = upload('unfinished.bin', body);
      await sendQuiet(busy.peer, ctx, u.subarray(0, u.length - 50_000));
      await ctx.signal(program, sig);
      await expectExit(program, 0, `${sig} with two clients connected, one in the middle of an upload`, this.hint);
      idle.peer.destroy();
      busy.peer.destroy();
    },
  }),
  ),
];
